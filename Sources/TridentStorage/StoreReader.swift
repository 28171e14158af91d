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
            var entry = try cursor.seek(atLeast: start)
            if !forward {
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

    public func appliedSequence() throws -> UInt64 {
        guard let bytes = try transaction.getBytes(store.local, NodeStore.appliedKey) else { return 0 }
        return BigEndian.uint64(bytes)
    }

    public func logEntries(after sequence: UInt64, limit: Int = .max) throws -> [LogEntry] {
        var entries: [LogEntry] = []
        try transaction.withCursor(store.log) { cursor in
            var entry = try cursor.seek(atLeast: BigEndian.bytes(sequence &+ 1))
            while let e = entry, entries.count < limit {
                entries.append(try LogEntry(sequence: BigEndian.uint64(e.key), encodedOps: e.value))
                entry = try cursor.next()
            }
        }
        return entries
    }

    /// The lowest sequence number still in the log, or nil when the log is empty.
    public func oldestLoggedSequence() throws -> UInt64? {
        try transaction.withCursor(store.log) { cursor in
            try cursor.first().map { BigEndian.uint64($0.key) }
        }
    }
}

/// The writer's view of one transaction: reads see earlier writes of the transaction, and every
/// write is applied and recorded as a `StorageOp`, so the same change can be shipped to the
/// other zones.
public struct StoreWriteContext {
    public let reader: StoreReader
    let transaction: WriteTransaction
    public private(set) var ops: [StorageOp] = []

    init(store: NodeStore, transaction: WriteTransaction) {
        self.reader = StoreReader(store: store, transaction: transaction)
        self.transaction = transaction
    }

    public mutating func apply(_ op: StorageOp) throws {
        try reader.store.apply(op, in: transaction)
        ops.append(op)
    }

    public mutating func put(_ db: StoreDatabase, _ key: [UInt8], _ value: [UInt8]) throws {
        try apply(.put(db, key: key, value: value))
    }

    public mutating func delete(_ db: StoreDatabase, _ key: [UInt8]) throws {
        try apply(.delete(db, key: key))
    }
}
