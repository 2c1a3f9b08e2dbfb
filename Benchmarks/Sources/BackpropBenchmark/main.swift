// Seconds per epoch of the book's networks, and the sgemm rate of the BLAS in use.
//
//   backprop-benchmark epoch --layers 784,30,10 --mini-batch-size 10 --epochs 5 --threads 1
//   backprop-benchmark sgemm --size 2048 --threads 2
//   backprop-benchmark load | evaluate [--kernels blas]
//
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

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("backprop-benchmark: \(message)\n".utf8))
    exit(1)
}

let threads = Int(option("threads", default: "1")) ?? 1
BLASBackend.threadCount = threads

switch CommandLine.arguments.dropFirst().first {
case "epoch":
    let layers = option("layers", default: "784,30,10").split(separator: ",").compactMap { Int($0) }
    let miniBatchSize = Int(option("mini-batch-size", default: "10")) ?? 10
    let epochs = Int(option("epochs", default: "5")) ?? 5
    let directory = MNISTLocation.directory(explicit: option("data", default: ""))
    let mnist: MNIST
    do { mnist = try MNIST(directory: directory) } catch { fail("\(error)") }
    var generator = SeededGenerator(seed: 1)
    var network = Network<Float>(layerSizes: layers, using: &generator)
    let sgd = StochasticGradientDescent(epochs: epochs, miniBatchSize: miniBatchSize, learningRate: 3)
    let history: TrainingHistory
    guard let kernels = Kernels(rawValue: option("kernels", default: "automatic")) else { fail("unknown --kernels") }
    do { history = try sgd.train(&network, on: mnist.training, using: &generator, kernels: kernels) } catch { fail("\(error)") }
    let seconds = history.epochs.map(\.trainingSeconds)
    let inUse = kernels.resolved(for: network, configuration: sgd)
    // FLOPs per example: forward w·a (2·n_in·n_out per layer), backward Δ·aᵀ for every layer and
    // wᵀ·Δ for all but the first.
    var flops = 0.0
    for (l, (inputs, neurons)) in zip(layers, layers.dropFirst()).enumerated() {
        flops += Double(2 * inputs * neurons) * (l == 0 ? 2 : 3)
    }
    flops *= Double(mnist.training.count)
    let accuracy = network.evaluate(on: mnist.test).accuracy
    print(#"{"impl":"backprop","layers":"\#(layers.map(String.init).joined(separator: ","))","mb":\#(miniBatchSize),"threads":\#(threads),"median_s":\#(median(seconds)),"min_s":\#(seconds.min()!),"gflop_per_epoch":\#(flops / 1e9),"test_accuracy":\#(accuracy),"core":"\#(BLASBackend.coreName)","kernels":"\#(inUse.rawValue)"}"#)

case "load":
    // Seconds to read MNIST from its gzipped files (60,000 + 10,000 images), median of 5.
    let directory = MNISTLocation.directory(explicit: option("data", default: ""))
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<5 {
        times.append(clock.measure { _ = try? MNIST(directory: directory) }.inSeconds)
    }
    print(#"{"impl":"load","seconds":\#(median(times))}"#)

case "evaluate":
    // Seconds to evaluate [784, 30, 10] on the 10,000 test images, median of 20.
    let directory = MNISTLocation.directory(explicit: option("data", default: ""))
    let mnist: MNIST
    do { mnist = try MNIST(directory: directory) } catch { fail("\(error)") }
    guard let kernels = Kernels(rawValue: option("kernels", default: "automatic")) else { fail("unknown --kernels") }
    var generator = SeededGenerator(seed: 1)
    let network = Network<Float>(layerSizes: [784, 30, 10], using: &generator)
    let clock = ContinuousClock()
    let times = (0..<20).map { _ in clock.measure { _ = network.evaluate(on: mnist.test, kernels: kernels) }.inSeconds }
    let inUse = kernels.resolved(for: network, configuration: StochasticGradientDescent())
    print(#"{"impl":"evaluate","seconds":\#(median(times)),"kernels":"\#(inUse.rawValue)"}"#)

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

default:
    fail("usage: backprop-benchmark epoch|sgemm|load|evaluate [--layers L] [--mini-batch-size M] [--epochs E] [--threads T] [--kernels K] [--size N]")
}
