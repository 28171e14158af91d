import CLMDB

/// Operations shared by read and write transactions. Byte buffers handed out by `get` and cursors
/// point into the map and are valid only until the transaction ends: copy them before they escape.
public class Transaction: @unchecked Sendable {
    var handle: OpaquePointer?
    unowned let environment: Environment

    init(environment: Environment, flags: UInt32) throws {
        self.environment = environment
        var txn: OpaquePointer?
        try check(mdb_txn_begin(environment.handle, nil, flags, &txn), "mdb_txn_begin")
        handle = txn
    }

    func abort() {
        if let handle { mdb_txn_abort(handle) }
        handle = nil
    }

    /// The value stored under `key`, borrowed from the map, or nil.
    public func get(_ database: Database, _ key: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, database.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_get")
        return UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
    }

    public func get(_ database: Database, _ key: [UInt8]) throws -> UnsafeRawBufferPointer? {
        try key.withUnsafeBytes { try get(database, $0) }
    }

    /// The value stored under `key`, copied out.
    public func getBytes(_ database: Database, _ key: [UInt8]) throws -> [UInt8]? {
        try get(database, key).map { Array($0) }
    }

    /// Runs `body` with a cursor that is closed when it returns, before the transaction can end
    /// (LMDB frees write-transaction cursors at commit, so a cursor must never outlive its closure).
    public func withCursor<T>(_ database: Database, _ body: (Cursor) throws -> T) throws -> T {
        let cursor = try Cursor(transaction: self, database: database)
        defer { cursor.close() }
        return try body(cursor)
    }

    public func statistics(_ database: Database) throws -> DatabaseStatistics {
        var stat = MDB_stat()
        try check(mdb_stat(handle, database.dbi, &stat), "mdb_stat")
        return DatabaseStatistics(
            entries: stat.ms_entries,
            depth: Int(stat.ms_depth),
            pages: stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages
        )
    }
}

/// A read-only snapshot. Obtained through `Environment.read`, which pools them.
public final class ReadTransaction: Transaction, @unchecked Sendable {
    init(environment: Environment) throws {
        try super.init(environment: environment, flags: UInt32(MDB_RDONLY))
    }

    func reset() {
        if let handle { mdb_txn_reset(handle) }
    }

    func renew() throws {
        try check(mdb_txn_renew(handle), "mdb_txn_renew")
    }

    /// Ends a snapshot from `Environment.openSnapshot` (its pages may be reused from then on).
    public func close() {
        abort()
    }
}

/// The single write transaction of an environment. Obtained through `Environment.write`.
public final class WriteTransaction: Transaction, @unchecked Sendable {
    init(environment: Environment) throws {
        try super.init(environment: environment, flags: 0)
    }

    func commit() throws {
        let rc = mdb_txn_commit(handle)
        handle = nil
        try check(rc, "mdb_txn_commit")
    }

    public func openDatabase(_ name: String, create: Bool = true) throws -> Database {
        var dbi: MDB_dbi = 0
        try check(mdb_dbi_open(handle, name, create ? UInt32(MDB_CREATE) : 0, &dbi), "mdb_dbi_open \(name)")
        return Database(dbi: dbi)
    }

    public func put(_ database: Database, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(handle, database.dbi, &k, &v, 0), "mdb_put")
    }

    public func put(_ database: Database, _ key: [UInt8], _ value: [UInt8]) throws {
        try key.withUnsafeBytes { k in
            try value.withUnsafeBytes { v in try put(database, k, v) }
        }
    }

    /// Deletes `key`; returns whether it existed.
    @discardableResult
    public func delete(_ database: Database, _ key: UnsafeRawBufferPointer) throws -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_del(handle, database.dbi, &k, nil)
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "mdb_del")
        return true
    }

    @discardableResult
    public func delete(_ database: Database, _ key: [UInt8]) throws -> Bool {
        try key.withUnsafeBytes { try delete(database, $0) }
    }

    /// Removes every entry of the database, keeping the database itself.
    public func empty(_ database: Database) throws {
        try check(mdb_drop(handle, database.dbi, 0), "mdb_drop")
    }

    /// Opens a named database only if it exists.
    public func openExistingDatabase(_ name: String) throws -> Database? {
        var dbi: MDB_dbi = 0
        let rc = mdb_dbi_open(handle, name, 0, &dbi)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_dbi_open \(name)")
        return Database(dbi: dbi)
    }

    /// Deletes a named database and everything in it.
    public func drop(_ database: Database) throws {
        try check(mdb_drop(handle, database.dbi, 1), "mdb_drop")
    }
}
