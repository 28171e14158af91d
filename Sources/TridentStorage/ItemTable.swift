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
        let encoded = new.map(ItemEncoding.encode)
        if let encoded {
            changes.put(.items, key, encoded)
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
        if let stream = table.enabledStream {
            try record(
                in: stream, table: table, old: old, oldItem: oldItem, new: new, newSize: newSize ?? new.map(ItemSize.of), encoded: encoded,
                byTTL: byTTL, reader: reader, into: &changes)
        }
        guard !table.indexes.isEmpty else { return Effect() }
        let before = try oldItem ?? old?.item()
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

    /// The change's stream record, unless it changes nothing: an item of another size has changed,
    /// one of the same size is compared attribute by attribute.
    private static func record(
        in stream: TableStream, table: TableDefinition, old: StoredItem?, oldItem: Item?, new: Item?, newSize: Int?, encoded: [UInt8]?,
        byTTL: Bool,
        reader: StoreReader, into changes: inout ChangeSet
    ) throws {
        let event: StreamRecord.Event
        var keySource = new
        switch (old, new) {
        case (nil, _?):
            event = .insert
        case let (old?, new?):
            if old.size == newSize, try (oldItem ?? old.item()) == new { return }
            event = .modify
        case let (old?, nil):
            event = .remove
            keySource = try oldItem ?? old.item()
        case (nil, nil):
            return
        }
        let keys = (keySource ?? [:]).filter { table.keySchema.isKey($0.key) }
        let bytes = StreamRecord.encode(event, byTTL: byTTL, keys: keys, old: old?.bytes, new: encoded, view: stream.viewType)
        try StreamLog.append(stream: stream, time: changes.time, record: bytes, into: &changes, reader: reader)
    }
}
