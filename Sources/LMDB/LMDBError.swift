import CLMDB

/// A failed LMDB call: the return code and LMDB's own description of it.
public struct LMDBError: Error, CustomStringConvertible, Equatable, Sendable {
    public let code: Int32
    public let operation: String

    public var description: String {
        "\(operation): \(String(cString: mdb_strerror(code))) (\(code))"
    }

    public var isMapFull: Bool { code == MDB_MAP_FULL }
    public var isNotFound: Bool { code == MDB_NOTFOUND }
}

/// Every LMDB return code passes through here, so no call can silently ignore one.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    if code != MDB_SUCCESS {
        throw LMDBError(code: code, operation: operation())
    }
}
