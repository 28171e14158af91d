import DynamoModel
import LMDB

/// Reads from one zone inside one transaction: a read snapshot, or the writer's own transaction
/// (which sees the writes made so far in it).
public struct StoreReader {
    let store: NodeStore
    let transaction: Transaction

    public var zone: String { store.zone }

    /// The raw value stored under `key`, copied out.
    public func value(_ db: StoreDatabase, _ key: [UInt8]) throws -> [UInt8]? {
        try transaction.getBytes(store.database(db), key)
    }

    /// Runs `body` with the value borrowed from the map (no copy); it must not escape.
    public func withValue<T>(_ db: StoreDatabase, _ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> T) throws -> T {
        try body(try transaction.get(store.database(db), key))
    }

    /// Walks keys from `start` (inclusive) forwards, or from the last key ≤ `start` backwards, while
    /// `visit` returns true. Keys and values are borrowed: copy what must outlive the call.
    public func walk(
        _ db: StoreDatabase,
        from start: [UInt8],
        forward: Bool = true,
        _ visit: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try transaction.withCursor(store.database(db)) { cursor in
            // LMDB refuses an empty key to seek to: the start of the database is `first`.
            var entry = start.isEmpty ? (forward ? try cursor.first() : try cursor.last()) : try cursor.seek(atLeast: start)
            if !forward && !start.isEmpty {
                // Backwards from `start`: the first key ≥ start may be past it; step back once then.
                if let e = entry {
                    if !e.key.elementsEqual(start) { entry = try cursor.previous() }
                } else {
                    entry = try cursor.last()
                }
            }
            while let e = entry {
                guard try visit(e.key, e.value) else { return }
                entry = forward ? try cursor.next() : try cursor.previous()
            }
        }
    }

    /// Number of entries in a database (LMDB keeps the count; no walk).
    public func entryCount(_ db: StoreDatabase) throws -> Int {
        try transaction.statistics(store.database(db)).entries
    }

    /// The last entry this zone applied, as recorded with it.
    public func position() throws -> LogPosition {
        try NodeStore.storedPosition(transaction, store.local)
    }
}

/// The writer's view of one transaction: reads see earlier writes of the transaction, and every
/// write is applied and recorded as a `StorageOp`, so the same change can be shipped to the other
/// zones. A task `seal`s its ops into numbered log entries (one per client write; several when a
/// follower applies a run of shipped entries); the writer journals them with the group.
public struct StoreWriteContext {
    public let reader: StoreReader
    let transaction: WriteTransaction
    /// Ops applied since the last seal.
    public private(set) var ops: [StorageOp] = []
    /// Entries sealed by this task, in order.
    public private(set) var entries: [LogEntry] = []
    /// The zone's position including this transaction's earlier entries.
    public private(set) var position: LogPosition
    /// Whether anything changed in the transaction (so a failure must roll the group back).
    public private(set) var touched = false
    /// Entries sealed by earlier tasks of the same group (not yet in the journal).
    let groupEntries: [LogEntry]

    init(store: NodeStore, transaction: WriteTransaction, position: LogPosition, groupEntries: [LogEntry] = []) {
        self.reader = StoreReader(store: store, transaction: transaction)
        self.transaction = transaction
        self.position = position
        self.groupEntries = groupEntries
    }

    /// The term under which this zone holds entry `sequence`, or nil when it no longer knows.
    public func term(at sequence: UInt64) -> UInt64? {
        if let entry = entries.last(where: { $0.sequence == sequence }) ?? groupEntries.last(where: { $0.sequence == sequence }) {
            return entry.term
        }
        return reader.store.journal.term(at: sequence)
    }

    public mutating func apply(_ op: StorageOp) throws {
        touched = true
        try reader.store.apply(op, in: transaction)
        ops.append(op)
    }

    /// Logs the ops applied since the last seal as the next entry of the leader's `term`.
    @discardableResult
    public mutating func seal(term: UInt64) throws -> LogEntry? {
        guard !ops.isEmpty else { return nil }
        return try seal(LogPosition(sequence: position.sequence + 1, term: term))
    }

    /// Logs the ops applied since the last seal under a shipped entry's own position.
    @discardableResult
    public mutating func seal(_ at: LogPosition) throws -> LogEntry {
        let entry = LogEntry(sequence: at.sequence, term: at.term, ops: ops)
        touched = true
        ops.removeAll()
        entries.append(entry)
        position = at
        return entry
    }

    /// Applies a shipped entry and logs it as it is (its encoding is journaled unchanged).
    public mutating func replay(_ entry: LogEntry) throws {
        for op in entry.ops { try apply(op) }
        ops.removeAll()
        touched = true
        entries.append(entry)
        position = entry.position
    }

    public mutating func put(_ db: StoreDatabase, _ key: [UInt8], _ value: [UInt8]) throws {
        try apply(.put(db, key: key, value: value))
    }

    public mutating func delete(_ db: StoreDatabase, _ key: [UInt8]) throws {
        try apply(.delete(db, key: key))
    }
}
