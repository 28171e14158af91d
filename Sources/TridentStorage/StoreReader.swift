import DynamoModel
import LMDB
import Synchronization

/// Reads inside one transaction: a read snapshot, or the writer's own transaction (which sees the
/// group's writes so far).
public struct StoreReader {
    let store: Store
    let transaction: Transaction

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

    /// The last entry applied in this snapshot.
    public func sequence() throws -> UInt64 {
        try Store.storedPosition(transaction, store.local).sequence
    }

    /// A fingerprint of the contents (catalog, items, TTL index), equal in snapshots holding the
    /// same data: FNV-1a over every key and value, in key order.
    public func contentDigest() throws -> (digest: UInt64, items: Int) {
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
            try walk(db, from: []) { key, value in
                mix(key)
                mix(value)
                return true
            }
        }
        return (hash, try entryCount(.items))
    }
}

/// A read transaction kept open: the data as it was at one commit, for as long as a zone serves it
/// (lagging or isolated). LMDB keeps the pages it sees from being reused until it is released, so
/// holders keep few and release them promptly. One reader at a time: LMDB transactions are not
/// for concurrent use.
public final class Snapshot: Sendable {
    public let sequence: UInt64
    private let store: Store
    private let transaction: Mutex<ReadTransaction>

    init(store: Store, transaction: ReadTransaction) throws {
        self.store = store
        sequence = try Store.storedPosition(transaction, store.local).sequence
        self.transaction = Mutex(transaction)
    }

    deinit {
        transaction.withLock { $0.close() }
    }

    public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
        try transaction.withLock { txn in try body(StoreReader(store: store, transaction: txn)) }
    }
}
