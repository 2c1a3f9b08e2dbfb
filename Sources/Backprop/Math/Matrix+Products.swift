extension Matrix {
    /// Sets this matrix to `alpha·op(a)·op(b) + beta·self` with one BLAS `gemm` call, where
    /// op(x) is x or xᵀ. A transposed operand costs nothing extra: BLAS reads it in place.
    ///
    /// - Parameters:
    ///   - beta: How much of the current contents to keep; 0 overwrites them.
    /// - Precondition: The shapes agree: op(a) is `rows × k`, op(b) is `k × columns`.
    public mutating func assignProduct(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Scalar = 1, beta: Scalar = 0
    ) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kb && m == rows && n == columns,
                     "Cannot put a product of \(m)×\(k) and \(kb)×\(n) into \(rows)×\(columns)")
        guard m > 0, n > 0 else { return }
        let ldc = columns
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                elements.withUnsafeMutableBufferPointer { pc in
                    Scalar.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: pa.baseAddress!, lda: max(a.columns, 1),
                        b: pb.baseAddress!, ldb: max(b.columns, 1),
                        beta: beta, c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
    }

    /// `self · b` as a new matrix.
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        var product = Matrix(rows: a.rows, columns: b.columns)
        product.assignProduct(a, b)
        return product
    }

    /// `self · x` for a vector `x` with one entry per column.
    public static func * (a: Matrix, x: [Scalar]) -> [Scalar] {
        precondition(x.count == a.columns, "Cannot multiply \(a.rows)×\(a.columns) by \(x.count)")
        var y = [Scalar](repeating: 0, count: a.rows)
        guard a.rows > 0, a.columns > 0 else { return y }
        a.elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    Scalar.gemv(transposeA: false, m: a.rows, n: a.columns, alpha: 1,
                                a: pa.baseAddress!, lda: a.columns,
                                x: px.baseAddress!, beta: 0, y: py.baseAddress!)
                }
            }
        }
        return y
    }

    /// `selfᵀ · x` for a vector `x` with one entry per row, without forming the transpose.
    public func transposedTimes(_ x: [Scalar]) -> [Scalar] {
        precondition(x.count == rows, "Cannot multiply (\(rows)×\(columns))ᵀ by \(x.count)")
        var y = [Scalar](repeating: 0, count: columns)
        guard rows > 0, columns > 0 else { return y }
        elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    Scalar.gemv(transposeA: true, m: rows, n: columns, alpha: 1,
                                a: pa.baseAddress!, lda: columns,
                                x: px.baseAddress!, beta: 0, y: py.baseAddress!)
                }
            }
        }
        return y
    }
}
