/// The databases of the data file. Raw values are stored in the log: frozen.
public enum StoreDatabase: UInt8, Sendable, CaseIterable {
    /// Table definitions, per-table statistics, counters.
    case catalog = 1
    /// Items of every table, keyed `table number ‖ item key`.
    case items = 2
    /// The TTL expiry index, keyed `table number ‖ expiry seconds ‖ item key`.
    case expiry = 3
    /// Secondary-index entries, keyed `index number ‖ index key ‖ table key digest` (see `IndexKeyEncoding`).
    case indexes = 4
    /// Stream records, keyed `stream number ‖ shard number ‖ sequence` (see `StreamLog`).
    case streams = 5
}

/// One change to the data, as a write computed it: what the log records and what a replay after a
/// crash applies again, without re-running conditions or update expressions.
public enum StorageOp: Sendable, Equatable {
    case put(StoreDatabase, key: [UInt8], value: [UInt8])
    case delete(StoreDatabase, key: [UInt8])
    /// Deletes every key starting with `prefix` (dropping a table's items or index entries).
    case deletePrefix(StoreDatabase, prefix: [UInt8])
}
