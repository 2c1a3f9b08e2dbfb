import Backprop

/// The MNIST handwritten digits, split as in the book: the first 50,000 training images for
/// training, the last 10,000 for validation, and the 10,000 test images for testing.
///
/// Images stay as bytes (28×28 = 784 per image, 0 = white background); ``LabelledData`` scales
/// them to [0, 1] a mini-batch at a time.
public struct MNIST: Sendable {
    public var training: LabelledData
    public var validation: LabelledData
    public var test: LabelledData

    /// Image side length in pixels.
    public static let imageSide = 28
    /// Pixels per image, the size of the network's input layer.
    public static let inputSize = imageSide * imageSide
    /// The number of classes (the digits 0–9).
    public static let classCount = 10
    /// The four files of the data set, by role.
    public enum File: String, CaseIterable, Sendable {
        case trainingImages = "train-images-idx3-ubyte"
        case trainingLabels = "train-labels-idx1-ubyte"
        case testImages = "t10k-images-idx3-ubyte"
        case testLabels = "t10k-labels-idx1-ubyte"

        /// The MD5 checksum of the uncompressed file as published with MNIST.
        public var md5: String {
            switch self {
            case .trainingImages: return "6bbc9ace898e44ae57da46a324031adb"
            case .trainingLabels: return "a25bea736e30d166cdddb491f175f624"
            case .testImages: return "2646ac647ad5339dbf082846283269ea"
            case .testLabels: return "27ae3e4e09519cfbb04c329615203637"
            }
        }
    }

    public init(training: LabelledData, validation: LabelledData, test: LabelledData) {
        self.training = training
        self.validation = validation
        self.test = test
    }

    /// Reads the four MNIST files from `directory`, gzipped (`NAME.gz`) or raw (`NAME`).
    ///
    /// - Parameter validationCount: How many of the last training images to hold out for
    ///   validation; the book uses 10,000.
    /// - Throws: ``MNISTError`` when files are absent or the folder is not one,
    ///   ``IDXError`` when one is malformed.
    /// - Parameter includingTest: Whether to read the test images; without them only the two
    ///   `train` files are needed, and ``test`` is empty.
    public init(directory: String, validationCount: Int = 10_000, includingTest: Bool = true) throws {
        let files = includingTest ? File.allCases : Split.training.files
        let location = try MNISTLocation(directory: directory, files: files)
        (training, validation) = try Self.readTrainingFiles(at: location, validationCount: validationCount)
        test = includingTest
            ? try Self.readSet(images: location.path(of: .testImages), labels: location.path(of: .testLabels))
            : LabelledData(inputSize: Self.inputSize, classCount: Self.classCount, inputBytes: [], labels: [])
    }

    /// The training file's images, split into the first ones for training and the last
    /// `validationCount` for validation.
    static func readTrainingFiles(at location: MNISTLocation, validationCount: Int) throws
        -> (training: LabelledData, validation: LabelledData) {
        var training = try readSet(images: location.path(of: .trainingImages), labels: location.path(of: .trainingLabels))
        guard training.count > validationCount else {
            throw MNISTError.tooFewTrainingImages(count: training.count, validationCount: validationCount)
        }
        let split = training.count - validationCount
        let validation = training[split..<training.count]
        // The training images keep the file's buffer, cut short, rather than a 39 MB copy.
        training.keepFirst(split)
        return (training, validation)
    }

    /// Reads one image file and its label file as labelled examples.
    public static func readSet(images imagesPath: String, labels labelsPath: String) throws(IDXError) -> LabelledData {
        let images = try IDXFile(contentsOf: imagesPath, dimensionCount: 3)
        guard images.dimensions[1] == imageSide, images.dimensions[2] == imageSide else {
            throw .badDimensions(path: imagesPath, dimensions: images.dimensions,
                                 reason: "are not images of \(imageSide)×\(imageSide) pixels")
        }
        let labels = try IDXFile(contentsOf: labelsPath, dimensionCount: 1)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw .countMismatch(imagesPath: imagesPath, images: images.dimensions[0],
                                 labelsPath: labelsPath, labels: labels.dimensions[0])
        }
        if let bad = labels.data.firstIndex(where: { $0 >= classCount }) {
            throw .labelOutOfRange(path: labelsPath, index: bad, value: labels.data[bad])
        }
        return LabelledData(inputSize: inputSize, classCount: classCount,
                            inputBytes: images.data, labels: labels.data)
    }
}
