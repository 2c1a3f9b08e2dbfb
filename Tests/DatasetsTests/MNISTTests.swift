import Backprop
import Datasets
import Foundation
import Testing

@Suite("MNIST: reading, checking and splitting")
struct MNISTTests {
    @Test("The book's split: last images of the training file for validation", arguments: [true, false])
    func split(gzipped: Bool) throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        fixtures.writeMNIST(training: 30, test: 7, gzipped: gzipped)
        let mnist = try MNIST(directory: fixtures.directory, validationCount: 10)
        #expect(mnist.training.count == 20)
        #expect(mnist.validation.count == 10)
        #expect(mnist.test.count == 7)
        #expect(mnist.training.labels.prefix(3) == [0, 1, 2])
        #expect(mnist.validation.labels.first == 0)  // image 20
        #expect(mnist.validation.inputBytes.first == UInt8(truncatingIfNeeded: 20 * 784 * 7))
        let pixels: [Float] = mnist.training.input(1)
        #expect(pixels.count == 784)
        #expect(pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(pixels[0] == Float(UInt8(truncatingIfNeeded: 784 * 7)) / 255)
        #expect(mnist.test.target(0, as: Float.self) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    }

    @Test("Missing files are listed with how to get them")
    func missingFiles() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        fixtures.write("train-images-idx3-ubyte.gz", IDXFixtures.images(count: 1))
        #expect(throws: MNISTError.missingFiles(directory: fixtures.directory, missing: [
            "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
        ])) {
            try MNIST(directory: fixtures.directory)
        }
        let message = "\(MNISTError.missingFiles(directory: "d", missing: ["x"]))"
        #expect(message.contains("backprop download"))
    }

    @Test("Image and label files that disagree in count")
    func countMismatch() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        let images = fixtures.write("i", IDXFixtures.images(count: 3))
        let labels = fixtures.write("l", IDXFixtures.labels([1, 2]))
        #expect(throws: IDXError.countMismatch(imagesPath: images, images: 3, labelsPath: labels, labels: 2)) {
            try MNIST.readSet(images: images, labels: labels)
        }
    }

    @Test("A label that is not a digit")
    func labelOutOfRange() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        let images = fixtures.write("i", IDXFixtures.images(count: 3))
        let labels = fixtures.write("l", IDXFixtures.labels([1, 12, 2]))
        #expect(throws: IDXError.labelOutOfRange(path: labels, index: 1, value: 12)) {
            try MNIST.readSet(images: images, labels: labels)
        }
    }

    @Test("Images that are not 28×28")
    func wrongImageSize() throws {
        let fixtures = try IDXFixtures()
        defer { fixtures.remove() }
        let images = fixtures.write("i", IDXFixtures.idx(dimensions: [2, 4, 4], data: [UInt8](repeating: 0, count: 32)))
        let labels = fixtures.write("l", IDXFixtures.labels([1, 2]))
        #expect(throws: IDXError.badDimensions(path: images, dimensions: [2, 4, 4], reason: "are not images of 28×28 pixels")) {
            try MNIST.readSet(images: images, labels: labels)
        }
    }

    @Test("The data folder comes from --data, then MNIST_DIR, then the default")
    func location() {
        #expect(MNISTLocation.directory(explicit: "/a", environment: ["MNIST_DIR": "/b"]) == "/a")
        #expect(MNISTLocation.directory(explicit: nil, environment: ["MNIST_DIR": "/b"]) == "/b")
        #expect(MNISTLocation.directory(explicit: nil, environment: ["HOME": "/h"]) == "/h/.local/share/backprop/mnist")
        #expect(MNISTLocation.directory(explicit: nil, environment: ["XDG_DATA_HOME": "/x"]) == "/x/backprop/mnist")
    }
}

/// Tests on the real data set, when `MNIST_DIR` points at it.
@Suite("MNIST itself", .enabled(if: ProcessInfo.processInfo.environment["MNIST_DIR"] != nil))
struct RealMNISTTests {
    let directory = ProcessInfo.processInfo.environment["MNIST_DIR"] ?? ""

    @Test("The files load with the book's split")
    func load() throws {
        let mnist = try MNIST(directory: directory)
        #expect(mnist.training.count == 50_000)
        #expect(mnist.validation.count == 10_000)
        #expect(mnist.test.count == 10_000)
        #expect(mnist.training.labels.prefix(5) == [5, 0, 4, 1, 9])
    }

    /// With the book's N(0, 1) initialization about one seed in five leaves an output neuron
    /// saturated after the first epoch (near 83% here for seeds 1 and 11, as in any
    /// implementation); seed 6 is a typical one.
    @Test("One epoch of [784, 30, 10] reaches 90% test accuracy")
    func oneEpoch() throws {
        let mnist = try MNIST(directory: directory)
        var generator = SeededGenerator(seed: 6)
        var network = Network<Float>(layerSizes: [784, 30, 10], using: &generator)
        let history = try StochasticGradientDescent(epochs: 1, miniBatchSize: 10, eta: 3)
            .train(&network, on: mnist.training, evaluatingOn: mnist.test, using: &generator)
        let accuracy = try #require(history.epochs.first?.evaluation).accuracy
        #expect(accuracy >= 0.90, "test accuracy after one epoch: \(accuracy)")
    }
}
