/// A dense row-major matrix: element (i, j) sits at `elements[i * columns + j]`.
///
/// Vectors are plain arrays; a matrix with one column is used where a product needs a matrix.
public struct Matrix<Scalar: BLASScalar>: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    /// The elements, row after row.
    public var elements: [Scalar]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A `rows × columns` matrix holding `elements` row after row.
    public init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(elements.count == rows * columns,
                     "\(elements.count) elements cannot fill a \(rows)×\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from its rows, which must all have the same length.
    public init(_ rowArrays: [[Scalar]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "Rows differ in length")
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    public subscript(row: Int, column: Int) -> Scalar {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Scalar] {
        Array(elements[i * columns ..< (i + 1) * columns])
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Scalar] {
        (0..<rows).map { self[$0, j] }
    }

    /// The matrix with rows and columns exchanged.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { result[j, i] = self[i, j] }
        }
        return result
    }

    /// The same elements in another precision.
    public func converted<Other: BLASScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(rows: rows, columns: columns, elements: elements.map { Other($0) })
    }
}

extension Matrix: Codable {
    /// A matrix is written as a list of its rows, `[[w₀₀, w₀₁, …], [w₁₀, …], …]`, the form people
    /// type by hand and the book's network2.py writes.
    public init(from decoder: Decoder) throws {
        let rowArrays = try decoder.singleValueContainer().decode([[Scalar]].self)
        let columns = rowArrays.first?.count ?? 0
        guard rowArrays.allSatisfy({ $0.count == columns }) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "The rows of a matrix differ in length: \(rowArrays.map(\.count))"))
        }
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode((0..<rows).map(row))
    }
}
