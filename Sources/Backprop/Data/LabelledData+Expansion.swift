extension LabelledData {
    /// The data enlarged as in the book's expand_mnist.py: each square image followed by copies
    /// shifted one pixel down, up, right and left (the pixel shifted in is 0), so 50,000 images
    /// become 250,000.
    ///
    /// - Precondition: Each input is a square image of `side × side` bytes.
    public func expandedByOnePixelShifts(side: Int) -> LabelledData {
        precondition(side * side == inputSize, "Inputs of \(inputSize) values are not \(side)×\(side) images")
        var bytes = [UInt8](repeating: 0, count: inputBytes.count * 5)
        var newLabels = [UInt8]()
        newLabels.reserveCapacity(labels.count * 5)
        // (rows, columns) to move the image by: down, up, right, left.
        let shifts = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]
        inputBytes.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBufferPointer { destination in
                for example in 0..<count {
                    let image = source.baseAddress! + example * inputSize
                    for (s, (dr, dc)) in shifts.enumerated() {
                        let out = destination.baseAddress! + (example * 5 + s) * inputSize
                        for row in 0..<side {
                            let from = row - dr
                            guard (0..<side).contains(from) else { continue }
                            for column in 0..<side {
                                let fromColumn = column - dc
                                guard (0..<side).contains(fromColumn) else { continue }
                                out[row * side + column] = image[from * side + fromColumn]
                            }
                        }
                    }
                }
            }
        }
        for label in labels { newLabels += repeatElement(label, count: 5) }
        return LabelledData(inputSize: inputSize, classCount: classCount, inputBytes: bytes, labels: newLabels)
    }
}
