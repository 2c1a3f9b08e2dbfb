@testable import BackpropCLI
import Testing

@Suite("Long work announces its estimate")
struct EstimatedProgressTests {
    @Test("Work estimated above the threshold is announced with its estimate; shorter work is silent")
    func announcesLongWork() {
        var written: [String] = []
        let long = EstimatedProgress(label: "Finite differences", total: 100, estimatedSeconds: 12.5) { written.append($0) }
        long.announce("100 parameters, 200 forward passes of about 62.5 ms")
        #expect(long.isShown)
        #expect(written == ["Finite differences: 100 parameters, 200 forward passes of about 62.5 ms; about 13 s in all\n"])

        written = []
        let short = EstimatedProgress(label: "Finite differences", total: 100, estimatedSeconds: 2.9) { written.append($0) }
        short.announce("100 parameters")
        short.update(done: 50)
        #expect(!short.isShown && written.isEmpty)
    }
}
