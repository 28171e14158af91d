import CLMDB

/// A position in a database. The key and value it yields are borrowed from the map and valid
/// until the cursor moves or the transaction ends.
public final class Cursor {
    private var handle: OpaquePointer?

    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)

    init(transaction: Transaction, database: Database) throws {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(transaction.handle, database.dbi, &cursor), "mdb_cursor_open")
        handle = cursor
    }

    func close() {
        if let handle { mdb_cursor_close(handle) }
        handle = nil
    }

    private func move(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws -> Entry? {
        var k = MDB_val()
        if let key {
            k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        }
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get")
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size), UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    public func first() throws -> Entry? { try move(MDB_FIRST) }
    public func last() throws -> Entry? { try move(MDB_LAST) }
    public func next() throws -> Entry? { try move(MDB_NEXT) }
    public func previous() throws -> Entry? { try move(MDB_PREV) }
    public func current() throws -> Entry? { try move(MDB_GET_CURRENT) }

    /// Positions at the first key greater than or equal to `key`.
    public func seek(atLeast key: [UInt8]) throws -> Entry? {
        try key.withUnsafeBytes { try move(MDB_SET_RANGE, key: $0) }
    }

    /// Deletes the entry under the cursor; the cursor then stands on the next entry.
    public func deleteCurrent() throws {
        try check(mdb_cursor_del(handle, 0), "mdb_cursor_del")
    }
}
