import Backprop
import Datasets
import Foundation
import Testing

/// One case of Tests/Corpus/cases.tsv.
struct CorpusCase: CustomTestStringConvertible, Sendable {
    var name: String
    var kind: String
    var status: Int32
    var message: String
    var testDescription: String { "\(kind) \(name)" }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus").path

    static let all: [CorpusCase] = {
        guard let text = try? String(contentsOfFile: folder + "/cases.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return CorpusCase(name: fields[0], kind: fields[1], status: Int32(fields[2])!, message: fields[3])
        }
    }()

    var file: String { Self.folder + "/files/" + name }
}

/// IDX bytes for `count` 28×28 images or labels.
func idxBytes(_ dimensions: [Int], _ data: [UInt8]) -> [UInt8] {
    [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (24 - 8 * $0)) } } + data
}

@Suite("The hostile-input corpus, through the library and the command line")
struct HostileInputTests {
    @Test("The corpus has at least 50 cases")
    func size() {
        #expect(CorpusCase.all.count >= 50)
    }

    /// An MNIST folder with 12 valid training images and labels and 3 test ones, where the
    /// case's file replaces the training images or labels.
    func folder(for corpusCase: CorpusCase) throws -> String {
        let directory = try scratchDirectory()
        let suffix = corpusCase.name.hasSuffix(".gz") ? ".gz" : ""
        let images = idxBytes([12, 28, 28], (0..<12 * 784).map { UInt8(truncatingIfNeeded: $0) })
        let labels = idxBytes([12], (0..<12).map { UInt8($0 % 10) })
        func write(_ name: String, _ bytes: [UInt8]) { _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(bytes)) }
        let bad = try Data(contentsOf: URL(fileURLWithPath: corpusCase.file))
        if corpusCase.kind == "images" {
            _ = FileManager.default.createFile(atPath: directory + "/train-images-idx3-ubyte" + suffix, contents: bad)
            write("train-labels-idx1-ubyte", labels)
        } else {
            write("train-images-idx3-ubyte", images)
            _ = FileManager.default.createFile(atPath: directory + "/train-labels-idx1-ubyte" + suffix, contents: bad)
        }
        write("t10k-images-idx3-ubyte", idxBytes([3, 28, 28], [UInt8](repeating: 0, count: 3 * 784)))
        write("t10k-labels-idx1-ubyte", idxBytes([3], [1, 2, 3]))
        return directory
    }

    @Test("Each case gives its own error and exit status", arguments: CorpusCase.all)
    func corpusCase(_ corpusCase: CorpusCase) throws {
        switch corpusCase.kind {
        case "images", "labels":
            let directory = try folder(for: corpusCase)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            #expect { try MNIST(directory: directory) } throws: { error in
                "\(error)".contains(corpusCase.message)
            }
            let result = try runBackprop(["show", "--data", directory])
            #expect(result.status == corpusCase.status)
            #expect(result.stderr.contains(corpusCase.message), "stderr: \(result.stderr)")
            #expect(result.stderr.contains(directory + "/train-"), "the error names the file")
        case "model":
            #expect { try ModelFile.load(from: corpusCase.file) } throws: { error in
                "\(error)".contains(corpusCase.message) && "\(error)".contains(corpusCase.name)
            }
            let result = try runBackprop(["evaluate", corpusCase.file])
            #expect(result.status == corpusCase.status)
            #expect(result.stderr.contains(corpusCase.message), "stderr: \(result.stderr)")
        default:
            let result = try runBackprop(corpusCase.name.split(separator: " ").map(String.init))
            #expect(result.status == corpusCase.status, "stderr: \(result.stderr)")
            #expect(result.stderr.contains(corpusCase.message), "stderr: \(result.stderr)")
        }
    }
}
