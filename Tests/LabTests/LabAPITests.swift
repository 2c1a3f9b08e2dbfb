import Backprop
import Foundation
import Testing
@testable import Lab

@Suite("The lab's interface on MNIST", .enabled(if: mnistAvailable))
struct LabAPITests {
    @Test("An example comes back with its label; its trace is the library's backward pass, number for number")
    func exampleAndTrace() throws {
        let lab = try TestLab()
        let example = lab.object(lab.request("GET", "/api/example", query: ["split": "test", "index": "3"]))
        #expect(example["label"] as? Int == 0)
        #expect(example["count"] as? Int == 10_000)
        let input = example["input"] as! [Double]
        let trace = lab.object(lab.request("POST", "/api/trace", json: #"{"split": "test", "index": 3}"#))
        #expect(trace["example"] as? String == "test image 3 (a 0)")
        // The same numbers from the numbers the page was given.
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["input": input, "target": 0]), as: UTF8.self)
        let again = lab.object(lab.request("POST", "/api/trace", json: body))
        let resent = (again["layers"] as! [[String: Any]])[1]["delta"] as! [Double]
        #expect(close(resent, (trace["layers"] as! [[String: Any]])[1]["delta"] as! [Double], tolerance: 1e-12))
        let network = lab.server.currentNetwork.double
        let pass = network.backpropagate(input: input, target: (0..<10).map { $0 == 0 ? 1 : 0 })
        let layers = trace["layers"] as! [[String: Any]]
        #expect(layers.count == 2)
        #expect(layers[1]["layer"] as? Int == 3)
        // JSON carries each number (the input too) to within a unit in the last place.
        #expect(close(layers[1]["delta"] as! [Double], pass.delta[1]))
        #expect(close((layers[0]["nablaW"] as! [[Double]]).flatMap { $0 }, (0..<30).flatMap { pass.nablaW[0].row($0) }))
        #expect(close([trace["cost"] as! Double], [pass.cost]))
    }

    @Test("The demon's ΔC is close to δ·Δz, and a nudged weight's to ∂C/∂w·Δw")
    func demonAndNudge() throws {
        let lab = try TestLab()
        for (layer, neuron) in [(2, 4), (3, 7)] {
            let reply = lab.object(lab.request("POST", "/api/demon", json: #"{"split": "test", "index": 0, "layer": \#(layer), "neuron": \#(neuron), "dz": 0.001}"#))
            let measured = reply["measured"] as! Double, predicted = reply["predicted"] as! Double
            #expect(close([predicted], [(reply["delta"] as! Double) * 0.001]))
            #expect(abs(measured - predicted) <= 0.01 * abs(predicted) + 1e-12, "\(reply)")
        }
        let weight = lab.object(lab.request("POST", "/api/nudge", json: #"{"split": "test", "index": 0, "target": 3, "layer": 3, "j": 3, "k": 5, "dw": 0.001}"#))
        #expect(abs((weight["measured"] as! Double) - (weight["predicted"] as! Double)) <= 0.01 * abs(weight["predicted"] as! Double) + 1e-12)
        let bias = lab.object(lab.request("POST", "/api/nudge", json: #"{"split": "test", "index": 0, "layer": 2, "j": 1, "dw": -0.001}"#))
        #expect(bias["gradient"] != nil)
    }

    @Test("A drawing is prepared as MNIST's digits were and classified")
    func drawing() throws {
        let lab = try TestLab()
        // A vertical bar, 10 wide and 60 tall, in a 100×100 picture: a "1".
        var pixels = [Double](repeating: 0, count: 100 * 100)
        for y in 20..<80 { for x in 45..<55 { pixels[y * 100 + x] = 1 } }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["drawing": ["width": 100, "height": 100, "pixels": pixels]]), as: UTF8.self)
        let reply = lab.object(lab.request("POST", "/api/forward", json: body))
        let input = reply["input"] as! [Double]
        #expect(input.count == 784)
        // The ink fills 20 rows (4 to 23) and sits in the middle columns.
        let rows = (0..<28).filter { y in (0..<28).contains { input[y * 28 + $0] > 0 } }
        #expect(rows == Array(4..<24))
        #expect((reply["layers"] as! [[String: Any]]).count == 2)
        #expect((reply["output"] as! [Double]).count == 10)
        #expect((0..<10).contains(reply["prediction"] as! Int))
    }

    @Test("A training runs, pauses, steps one mini-batch and one epoch, stops, and is recorded with its model")
    func trainingControls() throws {
        let lab = try TestLab()
        let started = lab.request("POST", "/api/train", json: #"{"trainingSize": 1000, "epochs": 3, "paused": true}"#)
        #expect(started.status == 202)
        #expect(lab.object(started)["state"] as? String == "paused")
        let second = lab.request("POST", "/api/train", json: "{}")
        #expect(second.status == 409)
        #expect(lab.error(second).contains("one training at a time"))
        #expect(lab.request("POST", "/api/runs/1/load").status == 409)

        _ = lab.request("POST", "/api/train/control", json: #"{"action": "step-batch"}"#)
        var status = lab.waitForTraining { $0["state"] as? String == "paused" && $0["miniBatches"] as? Int == 1 }
        #expect(status["examplesDone"] as? Int == 10)
        _ = lab.request("POST", "/api/train/control", json: #"{"action": "step-epoch"}"#)
        status = lab.waitForTraining { $0["state"] as? String == "paused" && ($0["history"] as? [Any])?.count == 1 }
        #expect(status["epoch"] as? Int == 1)
        #expect(status["miniBatches"] as? Int == 100)
        let point = (status["history"] as! [[String: Any]])[0]
        #expect((point["accuracy"] as! Double) > 0.15)  // better than chance after 100 steps
        #expect(((status["firstLayer"] as! [String: Any])["weights"] as! [[Double]]).count == 16)
        #expect(((status["learningSpeed"] as! [String: Any])["biasGradientNorms"] as! [Double]).count == 2)

        _ = lab.request("POST", "/api/train/control", json: #"{"action": "stop"}"#)
        status = lab.waitForTraining { $0["state"] as? String == "stopped" }
        #expect(status["state"] as? String == "stopped")
        let model = status["model"] as! String
        let saved = try ModelFile.load(from: model)
        #expect(saved.training?.nextEpoch == 1)
        #expect(lab.request("POST", "/api/train/control", json: #"{"action": "resume"}"#).status == 409)

        let runs = try JSONSerialization.jsonObject(with: lab.request("GET", "/api/runs").body) as! [[String: Any]]
        #expect(runs.count == 1)
        #expect(runs[0]["status"] as? String == "stopped")
        #expect(runs[0]["model"] as? Bool == true)
        let detail = lab.object(lab.request("GET", "/api/runs/1"))
        #expect((detail["epochs"] as! [Any]).count == 1)
        let loaded = lab.object(lab.request("POST", "/api/runs/1/load"))
        #expect(loaded["run"] as? Int == 1)
        #expect(lab.server.currentNetwork.float == saved.network)
    }

    @Test("Training in the lab gives the run `train` gives: same seed, same weights")
    func sameAsTrain() throws {
        let lab = try TestLab()
        _ = lab.request("POST", "/api/train", json: #"{"trainingSize": 2000, "epochs": 2, "seed": 5}"#)
        let status = lab.waitForTraining { $0["state"] as? String == "finished" }
        #expect(status["state"] as? String == "finished")
        let fromLab = try ModelFile.load(from: status["model"] as! String).network

        let settings = TrainingSettings.defaults(trainingSize: 2000, epochs: 2, seed: 5)
        var (network, sgd, generator) = try settings.make()
        let mnist = try lab.server.workspaceData()
        _ = try sgd.train(&network, on: mnist.training[0..<2000], evaluatingOn: mnist.test, using: &generator)
        #expect(fromLab == network)
    }

    @Test("The network saves in all three formats, each readable again")
    func save() throws {
        let lab = try TestLab()
        let network = lab.server.currentNetwork.float
        for format in ["model", "network2", "safetensors"] {
            let reply = lab.request("GET", "/api/save", query: ["format": format])
            #expect(reply.status == 200)
            #expect(reply.headers["Content-Disposition"]?.hasPrefix("attachment") == true)
            let path = NSTemporaryDirectory() + "lab-save-\(UUID().uuidString)" + (format == "safetensors" ? ".safetensors" : ".json")
            try reply.body.write(to: URL(fileURLWithPath: path))
            #expect(try ModelFile.loadNetwork(from: path, as: Float.self).layerSizes == network.layerSizes)
        }
        let model = lab.request("GET", "/api/save", query: ["format": "model"])
        #expect(try ModelFile.decode(model.body, path: "download").network == network)
    }
}

/// Whether two lists agree to a few units in the last place.
private func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
    guard a.count == b.count else { print("counts \(a.count) \(b.count)"); return false }
    if let i = a.indices.first(where: { abs(a[$0] - b[$0]) > tolerance * max(abs(a[$0]), abs(b[$0])) }) {
        print("first difference at \(i): \(a[i]) \(b[i])")
        return false
    }
    return true
}
