import DynamoModel
import LMDB

/// One availability zone's storage: its own LMDB environment holding the catalog, every table's
/// items, the TTL index and the replication log.
///
/// Only the zone's writer thread writes (LMDB allows one writer); reads run on any thread.
public final class NodeStore: Sendable {
    public let zone: String
    public let path: String
    let environment: Environment
    let catalog: Database
    let items: Database
    let expiry: Database
    /// sequence (8 bytes big-endian) → encoded entry. Each zone logs what it applied, so any zone can
    /// become leader and feed the others.
    let log: Database
    /// Zone-local facts, never replicated (none at present; kept so the layout can grow).
    let local: Database

    public init(path: String, zone: String, durable: Bool = true) throws {
        self.zone = zone
        self.path = path
        environment = try Environment(path: path, options: .init(maxDatabases: 8, noSync: !durable))
        (catalog, items, expiry, log, local) = try environment.write { txn in
            (
                try txn.openDatabase("catalog"), try txn.openDatabase("items"), try txn.openDatabase("expiry"),
                try txn.openDatabase("log"), try txn.openDatabase("local")
            )
        }
    }

    func database(_ which: StoreDatabase) -> Database {
        switch which {
        case .catalog: catalog
        case .items: items
        case .expiry: expiry
        }
    }

    /// Runs `body` on a consistent snapshot of this zone.
    public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
        try environment.read { txn in try body(StoreReader(store: self, transaction: txn)) }
    }

    /// One write transaction; only the writer thread calls this.
    func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try environment.write(body)
    }

    /// Applies one op inside a write transaction: the single implementation leader and followers share.
    func apply(_ op: StorageOp, in txn: WriteTransaction) throws {
        switch op {
        case let .put(db, key, value):
            try txn.put(database(db), key, value)
        case let .delete(db, key):
            try txn.delete(database(db), key)
        case let .deletePrefix(db, prefix):
            try txn.withCursor(database(db)) { cursor in
                var entry = try cursor.seek(atLeast: prefix)
                while let e = entry, e.key.starts(with: prefix) {
                    try cursor.deleteCurrent()
                    entry = try cursor.next()
                }
            }
        }
    }

    /// Records an entry in this zone's log, in the caller's transaction. The log's last entry is the
    /// zone's position (trimming always keeps it), so no separate record is rewritten per commit.
    func appendToLog(_ entry: LogEntry, in txn: WriteTransaction) throws {
        try txn.put(log, BigEndian.bytes(entry.sequence), entry.encodedOps())
    }

    /// The last entry this zone applied (0/0 for none).
    public func position() throws -> LogPosition {
        try read { reader in try reader.position() }
    }

    /// Entries with sequence numbers after `sequence`, in order, at most `limit` of them.
    public func logEntries(after sequence: UInt64, limit: Int = .max) throws -> [LogEntry] {
        try read { reader in try reader.logEntries(after: sequence, limit: limit) }
    }

    /// Forces buffered pages to disk (used when the store runs without per-commit fsync).
    public func sync() throws {
        try environment.sync()
    }

    /// Copies this zone's whole environment into an empty directory (catch-up past a trimmed log).
    public func copy(to directory: String) throws {
        try environment.copy(to: directory)
    }

    /// A fingerprint of the replicated contents (catalog, items, TTL index): equal in zones that
    /// hold the same data. FNV-1a over every key and value, in key order.
    public func contentDigest() throws -> (digest: UInt64, items: Int) {
        try read { reader in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            func mix(_ bytes: UnsafeRawBufferPointer) {
                for b in bytes {
                    hash ^= UInt64(b)
                    hash = hash &* 0x100_0000_01b3
                }
                hash ^= 0xFF
                hash = hash &* 0x100_0000_01b3
            }
            for db in StoreDatabase.allCases {
                try reader.walk(db, from: []) { key, value in
                    mix(key)
                    mix(value)
                    return true
                }
            }
            return (hash, try reader.entryCount(.items))
        }
    }
}

/// Fixed-width big-endian integers: their byte order is their numeric order, as LMDB keys need.
public enum BigEndian {
    public static func bytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    public static func bytes(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) }
    }

    public static func uint64(_ bytes: some Collection<UInt8>) -> UInt64 {
        bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static func uint32(_ bytes: some Collection<UInt8>) -> UInt32 {
        bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }
}
