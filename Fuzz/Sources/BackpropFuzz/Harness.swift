// Fuzz harnesses for the parsers that read untrusted bytes: the IDX reader, its gzip path, and
// the model-file loaders. Built by Fuzz/run.sh with libFuzzer (-sanitize=fuzzer, -DFUZZING); in
// an ordinary build it is a replayer: `BackpropFuzz TARGET FILE…` runs files through a harness.
import Backprop
import Datasets
import Foundation

/// The harnesses, by name. Each must return normally for every input: errors are expected,
/// crashes and traps are findings.
let harnesses: [String: @Sendable ([UInt8]) -> Void] = [
    "idx": { bytes in
        _ = try? IDXFile(bytes: bytes, name: "fuzz", dimensionCount: 3)
        _ = try? IDXFile(bytes: bytes, name: "fuzz", dimensionCount: 1)
    },
    "gzip": { bytes in
        _ = try? IDXFile(gzipBytes: bytes, name: "fuzz.gz", dimensionCount: 3)
    },
    "model": { bytes in
        _ = try? ModelFile.decode(Data(bytes), path: "fuzz.json")
    },
]

#if FUZZING
nonisolated(unsafe) var selected: (@Sendable ([UInt8]) -> Void)? = nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    if selected == nil {
        let name = ProcessInfo.processInfo.environment["BACKPROP_FUZZ_TARGET"] ?? "idx"
        guard let harness = harnesses[name] else { fatalError("BACKPROP_FUZZ_TARGET must be one of \(harnesses.keys.sorted())") }
        selected = harness
    }
    selected!(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM names an executable's entry point after its module; here it hands over to libFuzzer.
@_cdecl("BackpropFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
@main
struct Replay {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let harness = harnesses[name] else {
            FileHandle.standardError.write(Data("usage: BackpropFuzz idx|gzip|model FILE…\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            harness([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        print("\(arguments.count - 1) inputs through \(name): no crash")
    }
}
#endif
