// Seconds per epoch of the book's networks, and the sgemm rate of the BLAS in use.
//
//   BackpropBenchmark epoch --layers 784,30,10 --mini-batch-size 10 --epochs 5 --threads 1
//   BackpropBenchmark sgemm --size 2048 --threads 2
//   BackpropBenchmark load | evaluate [--engine blas]
//   BackpropBenchmark products [--layers 784,1000,1000,10] [--mini-batch-size 100] [--threads N]
//   BackpropBenchmark machine
//   BackpropBenchmark chapter6 [--epochs 1] [--training-size 50000] [--mini-batch-size 10] --threads 2
//
// `--engine automatic` (the default) takes the best instruction set the CPU has, or the one
// BACKPROP_ISA names (avx2, portable); `machine` says which, and the CPU's model.
// Prints one line of JSON per measurement for Benchmarks/run.sh to tabulate.
import Backprop
import Datasets
import Foundation

func option(_ name: String, default value: String) -> String {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: "--" + name), i + 1 < arguments.count else { return value }
    return arguments[i + 1]
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// The --layers option: neurons per layer, input first.
func layersOption(default value: String) -> [Int] {
    option("layers", default: value).split(separator: ",").compactMap { Int($0) }
}

/// The dense products' arithmetic per example: forward w·a (2·n_in·n_out per layer), backward
/// Δ·aᵀ for every layer and wᵀ·Δ for all but the first.
func flopsPerExample(_ layers: [Int]) -> Double {
    zip(layers, layers.dropFirst()).enumerated().reduce(0) { total, layer in
        let (l, (inputs, neurons)) = layer
        return total + Double(2 * inputs * neurons) * (l == 0 ? 2 : 3)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("BackpropBenchmark: \(message)\n".utf8))
    exit(1)
}

let threads = Int(option("threads", default: "1")) ?? 1
BLASBackend.threadCount = threads
do { _ = try Engine.requested() } catch { fail("\(error)") }

switch CommandLine.arguments.dropFirst().first {
case "epoch":
    let layers = layersOption(default: "784,30,10")
    let miniBatchSize = Int(option("mini-batch-size", default: "10")) ?? 10
    let epochs = Int(option("epochs", default: "5")) ?? 5
    let directory = MNISTLocation.directory(explicit: option("data", default: ""))
    let mnist: MNIST
    do { mnist = try MNIST(directory: directory) } catch { fail("\(error)") }
    var generator = SeededGenerator(seed: 1)
    var network = Network<Float>(layerSizes: layers, using: &generator)
    let sgd = StochasticGradientDescent(epochs: epochs, miniBatchSize: miniBatchSize, eta: 3)
    let history: TrainingHistory
    guard let engine = Engine(rawValue: option("engine", default: "automatic")) else { fail("unknown --engine") }
    do { history = try sgd.train(&network, on: mnist.training, using: &generator, engine: engine) } catch { fail("\(error)") }
    let seconds = history.epochs.map(\.trainingSeconds)
    let inUse = engine.resolved(for: network, configuration: sgd)
    let flops = flopsPerExample(layers) * Double(mnist.training.count)
    let accuracy = network.evaluate(on: mnist.test).accuracy
    print(#"{"impl":"backprop","layers":"\#(layers.map(String.init).joined(separator: ","))","mb":\#(miniBatchSize),"threads":\#(threads),"median_s":\#(median(seconds)),"min_s":\#(seconds.min()!),"gflop_per_epoch":\#(flops / 1e9),"test_accuracy":\#(accuracy),"core":"\#(BLASBackend.coreName)","kernels":"\#(inUse.rawValue)"}"#)

case "chapter6":
    // network3.py's two-conv-pool ReLU network (conv 20×5×5, pool 2, conv 40×5×5, pool 2, FC 100,
    // softmax 10; η 0.03, λ 0.1, mini-batch 10) on the convolutional engine, then the sgemm rate
    // of 2048² products on the same threads, for the share of it the epoch reaches.
    let epochs = Int(option("epochs", default: "1")) ?? 1
    let mnist: MNIST
    do { mnist = try MNIST(directory: MNISTLocation.directory(explicit: option("data", default: ""))) } catch { fail("\(error)") }
    var training = mnist.training
    training.keepFirst(min(Int(option("training-size", default: "50000")) ?? 50000, training.count))
    var generator = SeededGenerator(seed: 1)
    var layers: [any LayerKind<Float>] = [], shape = ImageShape(depth: 1, height: 28, width: 28), flops = 0.0
    for maps in [20, 40] {
        let conv = ConvolutionLayer<Float>(input: shape, maps: maps, kernel: 5, activation: .relu, using: &generator)
        // Forward, BP4 and (after the first layer) BP2, each 2·maps·(depth·k·k)·positions.
        flops += Double(2 * conv.weights.elements.count * conv.output.height * conv.output.width) * (layers.isEmpty ? 2 : 3)
        let pool = MaxPoolingLayer<Float>(input: conv.output, size: 2)
        layers += [conv, pool]
        shape = pool.output
    }
    for (inputs, neurons, activation) in [(shape.count, 100, Activation.relu), (100, 10, .softmax)] {
        let (w, b): (Matrix<Float>, [Float]) = WeightInitializer.scaledNormal.initialParameters(neurons: neurons, inputs: inputs, using: &generator)
        layers.append(DenseLayer(weights: w, biases: b, activation: activation))
        flops += Double(2 * inputs * neurons) * 3
    }
    var network = Network(layers: layers, cost: .logLikelihood)
    let miniBatch = Int(option("mini-batch-size", default: "10")) ?? 10
    let sgd = StochasticGradientDescent(epochs: epochs, miniBatchSize: miniBatch, eta: 0.03, regularization: .l2(lambda: 0.1), monitoring: [])
    let history: TrainingHistory
    do { history = try sgd.train(&network, on: training, using: &generator, engine: .automatic) } catch { fail("\(error)") }
    let seconds = median(history.epochs.map(\.trainingSeconds))
    let n = 2048
    let a = Matrix<Float>(rows: n, columns: n, elements: (0..<n * n).map { _ in Float(generator.nextUniform()) })
    var c = Matrix<Float>(rows: n, columns: n)
    c.assignProduct(a, a)
    let sgemm = 2 * Double(n * n * n) / median((0..<5).map { _ in ContinuousClock().measure { c.assignProduct(a, a) }.inSeconds }) / 1e9
    let gflops = flops * Double(training.count) / seconds / 1e9
    print(#"{"impl":"backprop","network":"chapter6","images":\#(training.count),"mb":\#(miniBatch),"threads":\#(threads),"median_s":\#(seconds),"per_50000_s":\#(seconds * 50000 / Double(training.count)),"mflop_per_example":\#(flops / 1e6),"gflops":\#(gflops),"sgemm_gflops":\#(sgemm),"share":\#(gflops / sgemm),"test_accuracy":\#(network.evaluate(on: mnist.test).accuracy),"core":"\#(BLASBackend.coreName)"}"#)

case "load":
    // Seconds to read MNIST from its gzipped files (60,000 + 10,000 images), median of 5.
    let directory = MNISTLocation.directory(explicit: option("data", default: ""))
    let clock = ContinuousClock()
    var times: [Double] = [], loaded: MNIST?
    for _ in 0..<5 {
        times.append(clock.measure { loaded = try? MNIST(directory: directory) }.inSeconds)
    }
    // And the nonzero pixels of an image, on average over the 50,000 training images: the rows the
    // kernels' first layer reads and writes per example.
    guard let mnist = loaded else { fail("cannot read MNIST from \(directory)") }
    let nonzero = mnist.training.inputBytes.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
    print(#"{"impl":"load","seconds":\#(median(times)),"nonzero_per_image":\#(Double(nonzero) / Double(mnist.training.count))}"#)

case "evaluate":
    // Seconds to evaluate [784, 30, 10] on the 10,000 test images, median of 20.
    let directory = MNISTLocation.directory(explicit: option("data", default: ""))
    let mnist: MNIST
    do { mnist = try MNIST(directory: directory) } catch { fail("\(error)") }
    guard let engine = Engine(rawValue: option("engine", default: "automatic")) else { fail("unknown --engine") }
    var generator = SeededGenerator(seed: 1)
    let network = Network<Float>(layerSizes: [784, 30, 10], using: &generator)
    let clock = ContinuousClock()
    let times = (0..<20).map { _ in clock.measure { _ = network.evaluate(on: mnist.test, engine: engine) }.inSeconds }
    let inUse = engine.resolved(for: network, configuration: StochasticGradientDescent())
    print(#"{"impl":"evaluate","seconds":\#(median(times)),"kernels":"\#(inUse.rawValue)"}"#)

case "products":
    // OpenBLAS alone on the products the matrix path makes in one epoch of `layers` (forward
    // W·A, BP2 Wᵀ·Δ, BP4 W += Δ·Aᵀ, with the same shapes and transposes as MiniBatch), on random
    // numbers, median of 3 epochs: the most the matrix path could reach with this BLAS.
    let layers = layersOption(default: "784,1000,1000,10")
    let m = Int(option("mini-batch-size", default: "100")) ?? 100
    let examples = Int(option("examples", default: "50000")) ?? 50000
    var generator = SeededGenerator(seed: 3)
    func random(_ rows: Int, _ columns: Int) -> Matrix<Float> {
        Matrix(rows: rows, columns: columns, elements: (0..<rows * columns).map { _ in Float(generator.nextUniform()) - 0.5 })
    }
    let pairs = Array(zip(layers, layers.dropFirst()))
    var weights = pairs.map { random($1, $0) }
    let inputRows = random(m, layers[0])  // the mini-batch's inputs, one example per row
    let activations = pairs.map { random($1, m) }
    let delta = activations  // any numbers will do for the errors
    var z = activations, below = activations
    let clock = ContinuousClock()
    let times = (0..<3).map { _ in
        clock.measure {
            for _ in 0..<(examples / m) {
                for l in weights.indices {
                    if l == 0 { z[0].assignProduct(weights[0], inputRows, transposeB: true) }
                    else { z[l].assignProduct(weights[l], activations[l - 1]) }
                }
                for l in weights.indices.reversed() {
                    if l > 0 { below[l - 1].assignProduct(weights[l], delta[l], transposeA: true) }
                    if l == 0 { weights[0].assignProduct(delta[0], inputRows, alpha: -1e-6, beta: 1) }
                    else { weights[l].assignProduct(delta[l], activations[l - 1], transposeB: true, alpha: -1e-6, beta: 1) }
                }
            }
        }.inSeconds
    }
    let gflops = flopsPerExample(layers) * Double(examples / m * m) / median(times) / 1e9
    print(#"{"impl":"products","layers":"\#(layers.map(String.init).joined(separator: ","))","mb":\#(m),"threads":\#(threads),"seconds":\#(median(times)),"gflops":\#(gflops)}"#)

case "sgemm":
    let n = Int(option("size", default: "2048")) ?? 2048
    let repeats = Int(option("repeats", default: "5")) ?? 5
    var generator = SeededGenerator(seed: 2)
    let a = Matrix<Float>(rows: n, columns: n, elements: (0..<n * n).map { _ in Float(generator.nextUniform()) })
    let b = Matrix<Float>(rows: n, columns: n, elements: (0..<n * n).map { _ in Float(generator.nextUniform()) })
    var c = Matrix<Float>(rows: n, columns: n)
    c.assignProduct(a, b)  // warm-up
    let clock = ContinuousClock()
    let times = (0..<repeats).map { _ in clock.measure { c.assignProduct(a, b) }.inSeconds }
    let gflops = 2 * Double(n) * Double(n) * Double(n) / median(times) / 1e9
    print(#"{"impl":"sgemm","size":\#(n),"threads":\#(threads),"gflops":\#(gflops),"core":"\#(BLASBackend.coreName)"}"#)

case "machine":
    // Where the figures were measured: the CPU, and the instruction set `automatic` runs with.
    let requested = try? Engine.requested()
    let cpu = Engine.cpuModel.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    print(#"{"impl":"machine","cpu":"\#(cpu)","kernels":"\#(Engine.best.rawValue)","cpu_best":"\#(Engine.supported.last!.rawValue)","backprop_isa":"\#(requested?.rawValue ?? "")"}"#)

default:
    fail("usage: BackpropBenchmark epoch|chapter6|sgemm|load|evaluate|products|machine [--layers L] [--mini-batch-size M] [--epochs E] [--threads T] [--engine E] [--size N]")
}
