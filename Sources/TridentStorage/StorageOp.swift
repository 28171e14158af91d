/// The databases of a zone's environment. Raw values are stored in the replication log: frozen.
public enum StoreDatabase: UInt8, Sendable, CaseIterable {
    /// Table definitions, per-table statistics, counters. Replicated.
    case catalog = 1
    /// Items of every table, keyed `table number ‖ item key`. Replicated.
    case items = 2
    /// The TTL expiry index, keyed `table number ‖ expiry seconds ‖ item key`. Replicated.
    case expiry = 3
}

/// One change to a zone's data, as the leader computed it. Followers apply the same ops blindly,
/// so every zone ends in the same state without re-running conditions or update expressions.
public enum StorageOp: Sendable, Equatable {
    case put(StoreDatabase, key: [UInt8], value: [UInt8])
    case delete(StoreDatabase, key: [UInt8])
    /// Deletes every key starting with `prefix` (dropping a table's items or index entries).
    case deletePrefix(StoreDatabase, prefix: [UInt8])
}

/// One replicated write: the ops of one client request (or one table change, or one TTL delete),
/// numbered by the leader. Applying entries in sequence order reproduces the leader's state.
/// `term` counts leaderships: it grows at every failover, so entries a deposed leader wrote after
/// losing its place can be told apart from the new leader's (like Raft's terms).
public struct LogEntry: Sendable, Equatable {
    public let sequence: UInt64
    public let term: UInt64
    public let ops: [StorageOp]
    /// The ops in the replication encoding, with their hash: made once, where the entry is made,
    /// and copied as they are into the journal of every zone that applies the entry.
    let encoded: EncodedOps

    public init(sequence: UInt64, term: UInt64, ops: [StorageOp]) {
        self.sequence = sequence
        self.term = term
        self.ops = ops
        encoded = EncodedOps(sequence: sequence, term: term, ops: ops)
    }

    init(sequence: UInt64, term: UInt64, ops: [StorageOp], encoded: EncodedOps) {
        self.sequence = sequence
        self.term = term
        self.ops = ops
        self.encoded = encoded
    }

    public var position: LogPosition { LogPosition(sequence: sequence, term: term) }

    public static func == (a: LogEntry, b: LogEntry) -> Bool {
        a.sequence == b.sequence && a.term == b.term && a.ops == b.ops
    }
}

/// Where a zone's log ends: its last applied entry's sequence number and term (0/0 for none).
public struct LogPosition: Sendable, Hashable, Comparable {
    public var sequence: UInt64
    public var term: UInt64

    public init(sequence: UInt64, term: UInt64) {
        self.sequence = sequence
        self.term = term
    }

    public static let start = LogPosition(sequence: 0, term: 0)

    /// The more up-to-date log: higher term first, then the longer log.
    public static func < (a: LogPosition, b: LogPosition) -> Bool {
        (a.term, a.sequence) < (b.term, b.sequence)
    }
}

/// How writes reach the disk.
public enum Durability: String, Sendable, CaseIterable {
    /// Each group of writes fsynced in the zone's journal before it is acknowledged; the LMDB
    /// environment flushed at checkpoints. Survives `kill -9` and zone failures; after an OS crash
    /// or power loss the journal is replayed, but a data file changed since its last checkpoint may
    /// be damaged.
    case journal
    /// Also every LMDB commit flushed by LMDB itself: intact after a power loss too, and slower.
    case strict
    /// Nothing flushed (`--in-memory`, tests).
    case none
}
