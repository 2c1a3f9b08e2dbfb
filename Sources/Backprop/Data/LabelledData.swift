/// Examples for classification: inputs stored compactly as bytes (x = byte / 255, so each input
/// lies in [0, 1]) and one class label per example.
///
/// Bytes keep a data set small in memory (MNIST's 50,000 training images take 39 MB instead of
/// 157 MB as `Float`); they are converted a mini-batch at a time.
public struct LabelledData: Equatable, Sendable {
    /// Values per input, e.g. 784 for a 28×28 image.
    public let inputSize: Int
    /// The number of classes; labels run from 0 to `classCount − 1`.
    public let classCount: Int
    /// Input bytes, one example after another.
    public private(set) var inputBytes: [UInt8] {
        didSet { sparseInputsCache = SparseInputsCache() }
    }
    /// The class of each example.
    public private(set) var labels: [UInt8]
    /// The nonzero inputs once the kernels have needed them (see `sparseInputs`).
    private(set) var sparseInputsCache = SparseInputsCache()

    /// Examples from their input bytes and labels.
    /// - Precondition: `inputBytes` holds `labels.count` inputs of `inputSize`, and every label is
    ///   below `classCount`.
    public init(inputSize: Int, classCount: Int, inputBytes: [UInt8], labels: [UInt8]) {
        precondition(inputSize > 0 && classCount > 0)
        precondition(inputBytes.count == inputSize * labels.count,
                     "\(inputBytes.count) input bytes do not make \(labels.count) inputs of \(inputSize)")
        precondition(labels.allSatisfy { Int($0) < classCount }, "A label is not below \(classCount)")
        self.inputSize = inputSize
        self.classCount = classCount
        self.inputBytes = inputBytes
        self.labels = labels
    }

    /// The number of examples.
    public var count: Int { labels.count }

    /// Equal when the sizes, bytes and labels are (whatever has been worked out from them).
    public static func == (lhs: LabelledData, rhs: LabelledData) -> Bool {
        lhs.inputSize == rhs.inputSize && lhs.classCount == rhs.classCount && lhs.inputBytes == rhs.inputBytes
            && lhs.labels == rhs.labels
    }

    /// Examples `range`, e.g. the book's first 50,000 training images.
    public subscript(range: Range<Int>) -> LabelledData {
        if range == 0..<count { return self }  // all of it: shares the bytes (and their nonzero inputs)
        return LabelledData(
            inputSize: inputSize, classCount: classCount,
            inputBytes: Array(inputBytes[range.lowerBound * inputSize ..< range.upperBound * inputSize]),
            labels: Array(labels[range]))
    }

    /// Keeps examples 0 ..< `count` only, in place: no copy when this value holds the only
    /// reference to its bytes, and the memory of the bytes dropped goes back to the system.
    public mutating func keepFirst(_ count: Int) {
        precondition((0...self.count).contains(count), "Cannot keep \(count) of \(self.count) examples")
        inputBytes.removeSubrange((count * inputSize)...)
        labels.removeSubrange(count...)
        inputBytes.releaseSpareCapacity()
    }

    /// Input `i` as numbers in [0, 1].
    public func input<Scalar: BLASScalar>(_ i: Int, as _: Scalar.Type = Scalar.self) -> [Scalar] {
        inputBytes[i * inputSize ..< (i + 1) * inputSize].map { Scalar($0) / 255 }
    }

    /// The desired output for example `i`: 1 for its class, 0 elsewhere (one-hot).
    public func target<Scalar: BLASScalar>(_ i: Int, as _: Scalar.Type = Scalar.self) -> [Scalar] {
        var y = [Scalar](repeating: 0, count: classCount)
        y[Int(labels[i])] = 1
        return y
    }
}
