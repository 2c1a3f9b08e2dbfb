/// Bytes received from another rank, with who sent them and under which tag.
public struct Message: Sendable, Equatable {
    /// The bytes as sent.
    public var bytes: [UInt8]
    /// The rank that sent them.
    public var source: Int
    /// The tag they were sent with.
    public var tag: Int

    /// A message of `bytes` from rank `source` under `tag`.
    public init(bytes: [UInt8], source: Int, tag: Int) {
        (self.bytes, self.source, self.tag) = (bytes, source, tag)
    }
}

/// The numbers a ``Communicator`` can reduce and gather: `Float` and `Double`.
public protocol ReducibleScalar: BinaryFloatingPoint, Sendable {
    /// Which MPI datatype carries this type.
    static var reducibleKind: ReducibleKind { get }
}

/// The MPI datatype of a ``ReducibleScalar``.
public enum ReducibleKind: Sendable {
    /// `MPI_FLOAT`.
    case float
    /// `MPI_DOUBLE`.
    case double
}

extension Float: ReducibleScalar {
    public static var reducibleKind: ReducibleKind { .float }
}

extension Double: ReducibleScalar {
    public static var reducibleKind: ReducibleKind { .double }
}
