import DynamoModel
import Foundation
import LMDB

/// One availability zone's storage: its own LMDB environment holding the catalog, every table's
/// items and the TTL index, and its journal (`Journal`), the log of every entry it applied.
///
/// Durability comes from the journal: the environment is written without flushing at each commit
/// (`MDB_NOSYNC`, with `MDB_WRITEMAP` so a commit copies nothing through the kernel) and flushed by
/// `checkpoint()` about once a second; at open, journal entries after the environment's recorded
/// position are replayed. A process killed with -9 loses nothing either way (its writes are in the
/// page cache); what was acknowledged is also in the journal, fsynced.
///
/// Only the zone's writer thread writes (LMDB allows one writer); reads run on any thread.
public final class NodeStore: Sendable {
    public let zone: String
    public let path: String
    let environment: Environment
    let catalog: Database
    let items: Database
    let expiry: Database
    /// Zone-local facts, never replicated: the position record.
    let local: Database
    public let journal: Journal

    /// Where the map's size comes from: the data file shows this size (sparse; `du` tells the truth),
    /// and it bounds what one zone can hold.
    public static let mapSize = 1 << 36

    static let positionKey = Array("position".utf8)

    public init(path: String, zone: String, durability: Durability = .journal, journalSegmentBytes: Int = Journal.defaultSegmentCapacity) throws {
        self.zone = zone
        self.path = path
        environment = try Environment(
            path: path, options: .init(mapSize: Self.mapSize, maxDatabases: 8, noSync: durability != .strict, writeMap: true))
        (catalog, items, expiry, local) = try environment.write { txn in
            (try txn.openDatabase("catalog"), try txn.openDatabase("items"), try txn.openDatabase("expiry"), try txn.openDatabase("local"))
        }
        try Self.migrateLogDatabase(environment, local: local)
        let localDatabase = local
        var applied = try environment.read { txn in try Self.storedPosition(txn, localDatabase) }
        let (journal, replay) = try Journal.recover(
            directory: (path as NSString).appendingPathComponent("journal"), after: applied.sequence, segmentCapacity: journalSegmentBytes,
            directWrites: durability == .journal)
        self.journal = journal
        self.durability = durability
        for batch in stride(from: 0, to: replay.count, by: 10_000) {
            // Entries the environment had not flushed when the process or machine stopped.
            let entries = replay[batch..<min(replay.count, batch + 10_000)]
            try environment.write { txn in
                for entry in entries {
                    for op in entry.ops { try apply(op, in: txn) }
                }
                try recordPosition(entries.last!.position, in: txn)
            }
            applied = entries.last!.position
        }
        if journal.last.map({ $0 < applied }) ?? (applied.sequence > 0) {
            // The environment holds entries its journal does not (a copy of another zone's data):
            // the journal continues after them.
            journal.reset(after: applied)
        }
        if !replay.isEmpty { try checkpoint() }
    }

    public let durability: Durability

    /// Data directories written before the journal kept the log in LMDB (`log`, sequence → entry);
    /// its last entry was the position. The position moves to its record, the old log goes.
    private static func migrateLogDatabase(_ environment: Environment, local: Database) throws {
        try environment.write { txn in
            guard let log = try txn.openExistingDatabase("log") else { return }
            let last = try txn.withCursor(log) { cursor in try cursor.last().map { ($0.key.map { $0 }, Array($0.value)) } }
            if let (key, value) = last, try txn.get(local, positionKey) == nil {
                let term = try value.withUnsafeBytes { raw in
                    var reader = Varint.Reader(raw)
                    return UInt64(try reader.varint())
                }
                try txn.put(local, positionKey, encodePosition(LogPosition(sequence: BigEndian.uint64(key), term: term)))
            }
            try txn.drop(log)
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

    /// Records the zone's position (its last applied entry) in the transaction that applied it.
    func recordPosition(_ position: LogPosition, in txn: WriteTransaction) throws {
        try txn.put(local, Self.positionKey, Self.encodePosition(position))
    }

    /// position record: sequence (BE64) ‖ term (BE64).
    private static func encodePosition(_ position: LogPosition) -> [UInt8] {
        BigEndian.bytes(position.sequence) + BigEndian.bytes(position.term)
    }

    static func storedPosition(_ txn: Transaction, _ local: Database) throws -> LogPosition {
        guard let bytes = try txn.get(local, positionKey), bytes.count == 16 else { return .start }
        return LogPosition(sequence: BigEndian.uint64(bytes), term: BigEndian.uint64(bytes.dropFirst(8)))
    }

    /// The last entry this zone applied (0/0 for none).
    public func position() throws -> LogPosition {
        try environment.read { txn in try Self.storedPosition(txn, local) }
    }

    /// Entries with sequence numbers after `sequence`, in order, at most `limit` of them.
    public func logEntries(after sequence: UInt64, limit: Int = .max) throws -> [LogEntry] {
        try journal.entries(after: sequence, limit: limit)
    }

    /// Starts writing what the next `checkpoint()` will flush, without waiting (journal durability
    /// only: strict durability leaves nothing dirty and `none` never flushes).
    public func startCheckpoint() throws {
        if durability == .journal { try environment.startWriteback() }
    }

    /// Flushes the environment: every commit made before the call is on disk when it returns, so
    /// the journal no longer needs the entries up to the position read first.
    @discardableResult
    public func checkpoint() throws -> LogPosition {
        let position = try self.position()
        if durability != .none { try environment.sync() }
        return position
    }

    /// Copies this zone's whole environment into an empty directory (catch-up past a trimmed log);
    /// the copy's position record says what it holds, and its journal starts empty.
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
