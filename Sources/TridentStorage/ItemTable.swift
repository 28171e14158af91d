import DynamoModel

/// Items of all tables live in one database, keyed `table number (BE32) ‖ item key` (see
/// `KeyEncoding` for the item key). Every item write also keeps the table's statistics and TTL
/// index exact, in the same change set.
public enum ItemTable {
    public static func storageKey(table: UInt32, itemKey: [UInt8]) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(4 + itemKey.count)
        BigEndian.append(table, to: &key)
        key.append(contentsOf: itemKey)
        return key
    }

    public static func item(_ reader: StoreReader, table: UInt32, itemKey: [UInt8]) throws -> Item? {
        try reader.withValue(.items, storageKey(table: table, itemKey: itemKey)) { bytes in
            try bytes.map { try ItemEncoding.decode($0) }
        }
    }

    /// The stored item, undecoded (see `StoredItem`).
    public static func stored(_ reader: StoreReader, table: UInt32, itemKey: [UInt8]) throws -> StoredItem? {
        try reader.withValue(.items, storageKey(table: table, itemKey: itemKey)) { bytes in
            try bytes.map { try StoredItem(bytes: Array($0)) }
        }
    }

    /// What an item write did beyond the item: each index entry it changed, and — in a table with
    /// local indexes — the size its item collection has now.
    public struct Effect: Sendable {
        public var indexes: [IndexTable.Change] = []
        public var collectionBytes: Int?
        /// Whether the collection grew (only a growing collection can break its limit).
        public var collectionGrew = false
    }

    /// Replaces (`new` non-nil) or deletes (`new` nil) one item, and its index entries. `old` must be
    /// what is stored now: callers read it through `reader` to evaluate conditions anyway (and pass
    /// its attributes as `oldItem` when they decoded them). `newSize` saves measuring `new` again
    /// when the caller has.
    /// With a stream enabled, the change is also its record (`byTTL`: a TTL deletion, which the
    /// record attributes to the service).
    @discardableResult
    public static func write(
        table: TableDefinition, itemKey: [UInt8], old: StoredItem?, oldItem: Item? = nil, new: Item?, newSize: Int? = nil,
        reader: StoreReader, into changes: inout ChangeSet, byTTL: Bool = false
    ) throws -> Effect {
        if old == nil && new == nil { return Effect() }
        let key = storageKey(table: table.number, itemKey: itemKey)
        if let new {
            changes.put(.items, key, ItemEncoding.encode(new))
        } else {
            changes.delete(.items, key)
        }
        var stats = try changes.statistics(table.number, reader)
        let itemDelta = (newSize ?? new.map(ItemSize.of) ?? 0) - (old?.size ?? 0)
        stats.itemCount += (new == nil ? 0 : 1) - (old == nil ? 0 : 1)
        stats.sizeBytes += itemDelta
        changes.setStatistics(stats, table: table.number)
        if let attribute = table.ttlAttribute {
            ExpiryIndex.update(
                table: table.number, itemKey: itemKey, from: try old?.expiry(attribute: attribute),
                to: new.flatMap { ExpiryIndex.expiry(of: $0, attribute: attribute) }, into: &changes)
        }
        let stream = table.enabledStream
        guard !table.indexes.isEmpty || stream != nil else { return Effect() }
        let before = try oldItem ?? old?.item()
        if let stream, let event = StreamRecord.event(old: before, new: new) {
            let time = changes.time
            try StreamLog.append(stream: stream, time: time, into: &changes, reader: reader) { sequence in
                StreamRecord.json(event, table: table, stream: stream, old: before, new: new, time: time, sequence: sequence, byTTL: byTTL)
            }
        }
        guard !table.indexes.isEmpty else { return Effect() }
        var effect = Effect()
        effect.indexes = try IndexTable.maintain(table: table, itemKey: itemKey, old: before, new: new, reader: reader, into: &changes)
        if table.hasLocalIndexes {
            let delta = effect.indexes.filter { $0.kind == .local }.reduce(itemDelta) { $0 + ($1.newSize ?? 0) - ($1.oldSize ?? 0) }
            let key = Catalog.collectionKey(table: table.number, partitionDigest: itemKey.prefix(KeyEncoding.digestLength))
            let size = max(0, try changes.collectionSize(key, reader) + delta)
            changes.setCollectionSize(size, key: key)
            effect.collectionBytes = size
            effect.collectionGrew = delta > 0
        }
        return effect
    }
}
