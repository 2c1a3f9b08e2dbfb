@testable import Backprop
import Testing

/// A data set's nonzero inputs, as the engine find them once and reuse.
@Suite struct SparseInputsTests {
    /// Examples of `size` bytes: one all zero, one without a zero, the rest random and 60% zero.
    static func data(size: Int, count: Int = 40) -> LabelledData {
        var generator = SeededGenerator(seed: 11)
        var bytes = [UInt8](repeating: 0, count: size) + (0..<size).map { _ in UInt8(1 + generator.nextInt(below: 255)) }
        bytes += (0..<(count - 2) * size).map { _ in
            generator.nextUniform() < 0.6 ? 0 : UInt8(1 + generator.nextInt(below: 255))
        }
        return LabelledData(inputSize: size, classCount: 2, inputBytes: bytes, labels: [UInt8](repeating: 1, count: count))
    }

    @Test("Every scan finds each example's nonzero inputs, in order",
          arguments: [1, 7, 8, 13, 50, 784])  // sizes below, at and between the 8-byte groups
    func positionsAndBytes(size: Int) throws {
        let data = Self.data(size: size)
        for engine in KernelsTests.instructionSets {
            let inputs = try #require(SparseInputs(data, kernels: engine))
            var total = 0
            for e in 0..<data.count {
                let bytes = data.inputBytes[e * size ..< (e + 1) * size]
                let positions = bytes.indices.filter { bytes[$0] != 0 }.map { $0 - e * size }
                let found = inputs.example(e)
                #expect(found.positions == positions, "\(engine), example \(e)")
                #expect(found.bytes == positions.map { bytes[e * size + $0] }, "\(engine), example \(e)")
                total += positions.count
            }
            #expect(inputs.example(0).positions.isEmpty && inputs.example(1).positions.count == size)
            #expect(inputs.nonzeroCount == total)
        }
    }

    @Test func foundOnceSharedByCopiesRenewedWhenTheBytesChange() throws {
        var data = Self.data(size: 20)
        let first = try #require(data.sparseInputs)
        let copy = data
        #expect(copy.sparseInputs === first && data.sparseInputs === first)
        data.keepFirst(10)
        let kept = try #require(data.sparseInputs)
        #expect(kept !== first && kept.count == 10)
        #expect(copy.sparseInputs === first && copy == Self.data(size: 20))
    }

    @Test func inputsBeyondSixteenBitPositionsAreRefused() {
        let data = LabelledData(inputSize: 65_537, classCount: 2, inputBytes: [UInt8](repeating: 1, count: 65_537),
                                labels: [0])
        #expect(SparseInputs(data) == nil)
    }
}

/// Cutting a data set short in place.
@Suite struct KeepFirstTests {
    @Test("Keeping the first examples keeps their bytes exactly, and the array stays usable")
    func keptBytesSurviveTheReleasedPages() {
        // 5 MB: a separate mapping, so that whole pages past the kept examples are released.
        let size = 1000, count = 5000
        let bytes = (0..<size * count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 4093) }
        var data = LabelledData(inputSize: size, classCount: 3, inputBytes: bytes,
                                labels: (0..<count).map { UInt8($0 % 3) })
        data.keepFirst(2345)
        #expect(data.count == 2345 && data.inputBytes == Array(bytes.prefix(2345 * size)))
        var grown = data.inputBytes
        grown.append(contentsOf: bytes[(2345 * size)...])  // into the released pages, then past them
        #expect(grown == bytes)
    }
}
