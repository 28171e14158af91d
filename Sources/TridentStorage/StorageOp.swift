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
public struct LogEntry: Sendable, Equatable {
    public let sequence: UInt64
    public let ops: [StorageOp]

    public init(sequence: UInt64, ops: [StorageOp]) {
        self.sequence = sequence
        self.ops = ops
    }
}
