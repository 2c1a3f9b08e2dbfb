import ArgumentParser
import Datasets
import Foundation

/// `backprop download`: fetches the four MNIST files and checks them.
struct Download: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download the MNIST files and verify their checksums.",
        discussion: """
            Fetches the four gzipped files from a public mirror into the data folder, checks the \
            MD5 checksum of each file's uncompressed contents against the published one, and only \
            then moves it into place. Files already there and correct are kept.
            """)

    @Option(help: ArgumentHelp("Base URL of an MNIST mirror holding NAME.gz files.", valueName: "url"))
    var mirror = MNISTDownloader.defaultMirror

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard let url = URL(string: mirror), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
            throw ValidationError("--mirror must be an http or https URL, got \(mirror)")
        }
    }

    func run() async throws {
        let directory = data.resolvedDirectory
        let downloader = MNISTDownloader(mirror: URL(string: mirror)!)
        printLine("Downloading MNIST from \(mirror) into \(directory)")
        try await downloader.download(into: directory) { file, outcome in
            printLine("  \(file.rawValue).gz: \(outcome)")
        }
        printLine("All four files are in \(directory) and match their checksums.")
    }
}
