import Foundation
import Testing
@testable import Lab

@Suite("Every endpoint answers bad input with a 4xx and a message")
struct LabAPIRefusalTests {
    static let input = "[" + Array(repeating: "0", count: 784).joined(separator: ",") + "]"

    @Test("Bad requests without MNIST", arguments: [
        ("GET", "/api/nothing", nil, 404, "no such address"),
        ("DELETE", "/api/network", nil, 405, "takes GET"),
        ("GET", "/api/forward", nil, 405, "takes POST"),
        ("POST", "/api/forward", nil, 400, "needs a JSON body"),
        ("POST", "/api/forward", "{bad", 400, "malformed JSON"),
        ("POST", "/api/forward", "[]", 400, "expected"),
        ("POST", "/api/forward", #"{"input": "x"}"#, 400, "field \"input\": expected a list"),
        ("POST", "/api/forward", #"{"input": [1, 2]}"#, 400, "input has 2 values; the network takes 784"),
        ("POST", "/api/forward", #"{"input": [1, "a"]}"#, 400, "input[1]"),
        ("POST", "/api/forward", #"{}"#, 400, "missing field \"input\""),
        ("POST", "/api/forward", #"{"drawing": {"width": 2, "height": 2, "pixels": [0, 0, 0]}}"#, 400, "needs 4"),
        ("POST", "/api/forward", #"{"drawing": {"width": 0, "height": 2, "pixels": []}}"#, 400, "from 1 to 1024"),
        ("POST", "/api/forward", #"{"drawing": {"width": 4, "height": 4, "pixels": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}"#, 400, "blank"),
        ("POST", "/api/forward", #"{"drawing": {"width": 2, "height": 1, "pixels": [1e999, 0]}}"#, 400, "malformed JSON"),
        ("POST", "/api/trace", #"{"input": \#(input)}"#, 400, "missing field \"target\""),
        ("POST", "/api/trace", #"{"input": \#(input), "target": 10}"#, 400, "target 10 is not an output"),
        ("POST", "/api/trace", #"{"input": \#(input), "target": -1}"#, 400, "target -1"),
        ("POST", "/api/trace", #"{"input": \#(input), "target": 2.5}"#, 400, "whole number"),
        ("POST", "/api/demon", #"{"input": \#(input), "target": 1, "neuron": 0, "dz": 0.1}"#, 400, "missing field \"layer\""),
        ("POST", "/api/demon", #"{"input": \#(input), "target": 1, "layer": 1, "neuron": 0, "dz": 0.1}"#, 400, "layer 1 is not a layer with weights"),
        ("POST", "/api/demon", #"{"input": \#(input), "target": 1, "layer": 4, "neuron": 0, "dz": 0.1}"#, 400, "2 to 3"),
        ("POST", "/api/demon", #"{"input": \#(input), "target": 1, "layer": 2, "neuron": 30, "dz": 0.1}"#, 400, "neuron 30 is outside"),
        ("POST", "/api/demon", #"{"input": \#(input), "target": 1, "layer": 2, "neuron": 0}"#, 400, "missing field \"dz\""),
        ("POST", "/api/demon", #"{"input": \#(input), "target": 1, "layer": 2, "neuron": 0, "dz": 1e300}"#, 400, "at most 10⁶"),
        ("POST", "/api/nudge", #"{"input": \#(input), "target": 1, "layer": 3, "j": 0, "k": 30, "dw": 0.1}"#, 400, "k 30 is outside"),
        ("POST", "/api/nudge", #"{"input": \#(input), "target": 1, "layer": 3, "j": 10, "dw": 0.1}"#, 400, "j 10 is outside"),
        ("GET", "/api/network/weights", nil, 400, "missing query parameter layer"),
        ("POST", "/api/train", #"{"layers": [784, 10]}"#, 503, "backprop download"),
        ("POST", "/api/train", #"{"layers": [100, 10]}"#, 400, "784"),
        ("POST", "/api/train", #"{"layers": [784, 0, 10]}"#, 400, "each at least 1"),
        ("POST", "/api/train", #"{"cost": "hinge"}"#, 400, "cost: \"hinge\" is not one of quadratic, cross-entropy, log-likelihood"),
        ("POST", "/api/train", #"{"activation": "softmax"}"#, 400, "softmax is for the output layer"),
        ("POST", "/api/train", #"{"activation": "relu", "cost": "cross-entropy"}"#, 400, "needs outputs in (0, 1)"),
        ("POST", "/api/train", #"{"epochs": 0}"#, 400, "epochs: from 1"),
        ("POST", "/api/train", #"{"momentum": 1.5}"#, 400, "momentum"),
        ("POST", "/api/train", #"{"dropout": 1}"#, 400, "dropout"),
        ("POST", "/api/train", #"{"eta": -3}"#, 400, "eta: a positive number"),
        ("POST", "/api/train", #"{"lambda": -1}"#, 400, "lambda"),
        ("GET", "/api/example?split=test&index=-1", nil, 400, "index=-1"),
        ("POST", "/api/train", #"{"miniBatchSize": 0}"#, 400, "miniBatchSize"),
        ("POST", "/api/train", #"{"trainingSize": 60000}"#, 400, "trainingSize"),
        ("POST", "/api/train", #"{"regularization": "l3", "lambda": 1}"#, 400, "l2 or l1"),
        ("POST", "/api/train", #"{"evaluateOn": "training"}"#, 400, "test, validation or none"),
        ("POST", "/api/train", #"{"eta": "fast"}"#, 400, "field \"eta\": expected a number"),
        ("POST", "/api/train", #"{"layers": [784, 5000, 5000, 10]}"#, 400, "more than the lab's"),
        ("POST", "/api/train/control", #"{"action": "pause"}"#, 409, "no training is running"),
        ("POST", "/api/train/control", #"{"action": "jump"}"#, 400, "not one of pause, resume"),
        ("GET", "/api/runs/abc", nil, 404, "no such address"),
        ("GET", "/api/runs/99", nil, 404, "no run 99"),
        ("POST", "/api/runs/99/load", nil, 404, "no run 99"),
        ("GET", "/api/runs/1/unload", nil, 404, "no such address"),
        ("GET", "/api/save?format=pickle", nil, 400, "model, network2 or safetensors"),
        ("GET", "/api/example?split=test&index=0", nil, 503, "backprop download"),
        ("GET", "/../etc/passwd", nil, 404, "no such page file"),
        ("GET", "/.hidden.js", nil, 404, "no such page file"),
        ("POST", "/index.html", nil, 405, "GET it"),
    ] as [(String, String, String?, Int, String)])
    func refuses(method: String, target: String, body: String?, status: Int, message: String) throws {
        let lab = try TestLab(mnist: "/nonexistent")
        let parts = target.split(separator: "?", maxSplits: 1)
        let path = String(parts[0])
        var query: [String: String] = [:]
        for item in parts.dropFirst().first?.split(separator: "&") ?? [] {
            let pair = item.split(separator: "=", maxSplits: 1)
            query[String(pair[0])] = String(pair[1])
        }
        let reply = lab.request(method, path, query: query, json: body)
        #expect(reply.status == status, "\(method) \(path): \(String(decoding: reply.body, as: UTF8.self))")
        #expect(lab.error(reply).contains(message), "\(lab.error(reply))")
        #expect(reply.contentType.hasPrefix("application/json"))
    }

    @Test("The page and the interface still answer after every refusal")
    func stillServing() throws {
        let lab = try TestLab(mnist: "/nonexistent")
        _ = lab.request("POST", "/api/forward", json: "{bad")
        #expect(lab.request("GET", "/").status == 200)
        #expect(lab.object(lab.request("GET", "/api/network"))["layerSizes"] as? [Int] == [784, 30, 10])
    }

    @Test("A model file that cannot be read stops the lab from starting, naming the file")
    func badModel() throws {
        let path = NSTemporaryDirectory() + "lab-bad-model-\(UUID().uuidString).json"
        try Data("{\"format\": 1".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: LabError.self) { try TestLab(model: path) }
        do { _ = try TestLab(model: path) } catch let error as LabError { #expect(error.message.contains(path)) }
    }
}
