import Backprop
import Foundation
import Testing
@testable import Lab

@Suite("The lab's guard: its own Host and Origin only, bodies within the limit")
struct RequestGuardTests {
    let check = RequestGuard(host: "127.0.0.1", port: 8080)

    @Test("The lab's own addresses pass", arguments: ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080"])
    func ownHost(host: String) {
        #expect(check.problem(host: host, origin: nil, bodyLength: 10) == nil)
        #expect(check.problem(host: host, origin: "http://\(host)", bodyLength: nil) == nil)
    }

    @Test("Another Host is refused with 403 (DNS rebinding)", arguments: [
        "evil.example:8080", "127.0.0.1:8081", "127.0.0.1", "localhost.evil.example:8080", "",
    ])
    func foreignHost(host: String) {
        #expect(check.problem(host: host, origin: nil, bodyLength: nil)?.status == 403)
    }

    @Test("A missing Host is refused")
    func missingHost() {
        #expect(check.problem(host: nil, origin: nil, bodyLength: nil)?.status == 403)
    }

    @Test("A page of another origin is refused with 403", arguments: [
        "http://evil.example", "https://127.0.0.1:8080", "null", "http://127.0.0.1:9999", "file://",
    ])
    func foreignOrigin(origin: String) {
        let problem = check.problem(host: "127.0.0.1:8080", origin: origin, bodyLength: nil)
        #expect(problem?.status == 403)
        #expect(problem?.message.contains(origin) == true)
    }

    @Test("A body over 1 MiB is refused with 413")
    func bodyLimit() {
        #expect(check.problem(host: "127.0.0.1:8080", origin: nil, bodyLength: 1 << 20) == nil)
        #expect(check.problem(host: "127.0.0.1:8080", origin: nil, bodyLength: (1 << 20) + 1)?.status == 413)
    }

    @Test("A lab listening on another address accepts that name too")
    func otherHost() {
        let wide = RequestGuard(host: "192.168.1.5", port: 9000)
        #expect(wide.problem(host: "192.168.1.5:9000", origin: "http://192.168.1.5:9000", bodyLength: nil) == nil)
        #expect(wide.problem(host: "127.0.0.1:9000", origin: nil, bodyLength: nil) == nil)
    }
}

@Suite("The live status as JSON")
struct StatusJSONTests {
    @Test("The hand-written first-layer weights give the same JSON as JSONEncoder")
    func sameAsEncoder() throws {
        var generator = SeededGenerator(seed: 7)
        var network = Network<Float>(layerSizes: [784, 30, 10], using: &generator)
        network.layers[0].weights[3, 5] = .nan
        var status = TrainingStatus()
        status.firstLayer = TrainingStatus.WeightRows(network, layer: 0, limit: 16)
        status.version = 12
        let fast = try JSONSerialization.jsonObject(with: status.json) as! NSDictionary
        var viaEncoder = status
        viaEncoder.firstLayer!.weights[3][5] = 0  // JSONEncoder writes NaN as a string; the fast path as null
        let slow = try JSONSerialization.jsonObject(with: JSONBody.encode(viaEncoder)) as! NSDictionary
        let fastWeights = (fast["firstLayer"] as! [String: Any])["weights"] as! [[Any]]
        #expect(fastWeights[3][5] is NSNull)
        let slowWeights = (slow["firstLayer"] as! [String: Any])["weights"] as! [[Double]]
        for j in 0..<16 { for k in 0..<784 where !(j == 3 && k == 5) { #expect(fastWeights[j][k] as! Double == slowWeights[j][k]) } }
        #expect(fast["version"] as? Int == 12)
        #expect((fast.allKeys as! [String]).sorted() == (slow.allKeys as! [String]).sorted())
    }
}
