import DynamoModel

/// Entries of every secondary index live in one database, keyed by `IndexKeyEncoding` (index
/// number first), each valued with its projected item. Item writes keep them exact in the same
/// change set as the item — on every zone at once, as the zones read one store — with each index's
/// statistics (entry count, and size with DynamoDB's 100 bytes of overhead per entry).
public enum IndexTable {
    /// What one item write did to one index, for capacity: the entry before and after (sizes by
    /// DynamoDB's rules), and whether its key changed (a delete and a put).
    public struct Change: Sendable, Equatable {
        public let index: String
        public let kind: SecondaryIndex.Kind
        public let oldSize: Int?
        public let newSize: Int?
        public let keyChanged: Bool
    }

    public static let entryOverheadBytes = 100

    /// Whether an index receives writes: a deleting one no longer does.
    static func isMaintained(_ index: SecondaryIndex) -> Bool {
        index.status != .deleting
    }

    public static func entryKey(_ index: SecondaryIndex, entry: Item, tableItemKey: [UInt8]) -> [UInt8]? {
        guard let key = index.keyValues(of: entry) else { return nil }
        return IndexKeyEncoding.entryKey(index: index.number, partition: key.partition, sort: key.sort, tableItemKey: tableItemKey)
    }

    /// Brings the table's indexes in line with an item going from `old` to `new` (nil: absent).
    static func maintain(
        table: TableDefinition, itemKey: [UInt8], old: Item?, new: Item?, reader: StoreReader, into changes: inout ChangeSet
    ) throws -> [Change] {
        var done: [Change] = []
        for index in table.indexes where isMaintained(index) {
            var before = old.flatMap { index.entry(of: $0, tableKeys: table.keySchema) }
            let after = new.flatMap { index.entry(of: $0, tableKeys: table.keySchema) }
            if before == nil && after == nil { continue }
            if before == after { continue }
            var oldKey = before.flatMap { entryKey(index, entry: $0, tableItemKey: itemKey) }
            // While a backfill runs, an item it has not reached yet has no entry to replace.
            if index.status == .creating, let key = oldKey, try reader.withValue(.indexes, key, { $0 == nil }) {
                before = nil
                oldKey = nil
            }
            let newKey = after.flatMap { entryKey(index, entry: $0, tableItemKey: itemKey) }
            if let oldKey, oldKey != newKey { changes.delete(.indexes, oldKey) }
            if let newKey, let after { changes.put(.indexes, newKey, ItemEncoding.encode(after)) }
            let oldSize = before.map(ItemSize.of), newSize = after.map(ItemSize.of)
            var stats = try changes.statistics(index.number, reader)
            stats.itemCount += (after == nil ? 0 : 1) - (before == nil ? 0 : 1)
            stats.sizeBytes += (newSize.map { $0 + entryOverheadBytes } ?? 0) - (oldSize.map { $0 + entryOverheadBytes } ?? 0)
            changes.setStatistics(stats, table: index.number)
            done.append(
                Change(
                    index: index.name, kind: index.kind, oldSize: oldSize, newSize: newSize,
                    keyChanged: oldKey != nil && newKey != nil && oldKey != newKey))
        }
        return done
    }

    /// Adds the entry of one stored item to an index being backfilled (nothing if the item has
    /// none, or already has it: a write since the backfill began put it there).
    public static func backfill(
        _ index: SecondaryIndex, table: TableDefinition, itemKey: [UInt8], item: Item, reader: StoreReader, into changes: inout ChangeSet
    ) throws {
        guard let entry = index.entry(of: item, tableKeys: table.keySchema), let key = entryKey(index, entry: entry, tableItemKey: itemKey)
        else { return }
        if try reader.withValue(.indexes, key, { $0 != nil }) { return }
        changes.put(.indexes, key, ItemEncoding.encode(entry))
        var stats = try changes.statistics(index.number, reader)
        stats.itemCount += 1
        stats.sizeBytes += ItemSize.of(entry) + entryOverheadBytes
        changes.setStatistics(stats, table: index.number)
    }

    /// Removes an index's entries and statistics.
    public static func drop(_ index: SecondaryIndex, _ changes: inout ChangeSet) {
        changes.deletePrefix(.indexes, BigEndian.bytes(index.number))
        changes.forgetStatistics(index.number)
        changes.delete(.catalog, Catalog.statisticsKey(index.number))
    }
}
