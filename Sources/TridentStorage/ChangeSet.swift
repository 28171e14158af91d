import DynamoModel

/// The changes one write makes, gathered as values while it reads: nothing touches the data until
/// the writer applies `ops` — so a write can fail at any point before that (a condition, a
/// throttle) with nothing to undo. Item writes keep their table's statistics and TTL index exact.
public struct ChangeSet: Sendable {
    private var changes: [StorageOp] = []
    /// Each touched table's statistics, as the write leaves them.
    private var statistics: [UInt32: Catalog.Statistics] = [:]
    /// Each touched item collection's size, as the write leaves it (tables with local indexes).
    private var collections: [[UInt8]: Int] = [:]
    /// Each touched stream's cursor, as the write leaves it.
    private var streamCursors: [UInt32: StreamLog.Cursor] = [:]
    /// When the write happens by Trident's clock (seconds since the epoch): the time of the
    /// stream records it makes.
    public var time: Double = 0

    public init() {}

    public var isEmpty: Bool { changes.isEmpty && statistics.isEmpty && collections.isEmpty && streamCursors.isEmpty }

    /// Everything to apply, statistics and collection sizes last.
    public var ops: [StorageOp] {
        changes + statistics.sorted { $0.key < $1.key }.map { .put(.catalog, key: Catalog.statisticsKey($0.key), value: Catalog.encode($0.value)) }
            + collections.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, size in
                size > 0 ? .put(.catalog, key: key, value: Catalog.encode(size: size)) : .delete(.catalog, key: key)
            }
            + streamCursors.sorted { $0.key < $1.key }.map { .put(.catalog, key: StreamLog.cursorKey($0.key), value: $0.value.bytes) }
    }

    public mutating func put(_ db: StoreDatabase, _ key: [UInt8], _ value: [UInt8]) {
        changes.append(.put(db, key: key, value: value))
    }

    public mutating func delete(_ db: StoreDatabase, _ key: [UInt8]) {
        changes.append(.delete(db, key: key))
    }

    public mutating func deletePrefix(_ db: StoreDatabase, _ prefix: [UInt8]) {
        changes.append(.deletePrefix(db, prefix: prefix))
    }

    /// A table's statistics as this change set leaves them (read once, then kept here).
    mutating func statistics(_ table: UInt32, _ reader: StoreReader) throws -> Catalog.Statistics {
        if let known = statistics[table] { return known }
        let stored = try Catalog.statistics(reader, table: table)
        statistics[table] = stored
        return stored
    }

    mutating func setStatistics(_ value: Catalog.Statistics, table: UInt32) {
        statistics[table] = value
    }

    /// An item collection's size as this change set leaves it (read once, then kept here).
    mutating func collectionSize(_ key: [UInt8], _ reader: StoreReader) throws -> Int {
        if let known = collections[key] { return known }
        let stored = try Catalog.collectionSize(reader, key: key)
        collections[key] = stored
        return stored
    }

    mutating func setCollectionSize(_ size: Int, key: [UInt8]) {
        collections[key] = size
    }

    /// A stream's cursor as this change set leaves it (read once, then kept here).
    mutating func streamCursor(_ stream: UInt32, _ reader: StoreReader) throws -> StreamLog.Cursor {
        if let known = streamCursors[stream] { return known }
        let stored = try StreamLog.cursor(reader, stream: stream)
        streamCursors[stream] = stored
        return stored
    }

    mutating func setStreamCursor(_ cursor: StreamLog.Cursor, stream: UInt32) {
        streamCursors[stream] = cursor
    }

    /// The stream is going: its cursor is dropped, not rewritten.
    mutating func forgetStreamCursor(_ stream: UInt32) {
        streamCursors[stream] = nil
    }

    /// The table is going: its statistics record is dropped, not rewritten.
    mutating func forgetStatistics(_ table: UInt32) {
        statistics[table] = nil
    }
}
