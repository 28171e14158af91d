import DynamoModel

/// Items of all tables live in one database, keyed `table number (BE32) ‖ item key` (see
/// `KeyEncoding` for the item key). Every item write also keeps the table's statistics and TTL
/// index exact, in the same change set.
public enum ItemTable {
    public static func storageKey(table: UInt32, itemKey: [UInt8]) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(4 + itemKey.count)
        for shift in stride(from: 24, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: table >> UInt32(shift))) }
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

    /// Replaces (`new` non-nil) or deletes (`new` nil) one item. `old` must be what is stored now:
    /// callers read it through `reader` to evaluate conditions anyway. `newSize` saves measuring
    /// `new` again when the caller has.
    public static func write(
        table: TableDefinition, itemKey: [UInt8], old: StoredItem?, new: Item?, newSize: Int? = nil, reader: StoreReader,
        into changes: inout ChangeSet
    ) throws {
        if old == nil && new == nil { return }
        let key = storageKey(table: table.number, itemKey: itemKey)
        if let new {
            changes.put(.items, key, ItemEncoding.encode(new))
        } else {
            changes.delete(.items, key)
        }
        var stats = try changes.statistics(table.number, reader)
        stats.itemCount += (new == nil ? 0 : 1) - (old == nil ? 0 : 1)
        stats.sizeBytes += (newSize ?? new.map(ItemSize.of) ?? 0) - (old?.size ?? 0)
        changes.setStatistics(stats, table: table.number)
        if let attribute = table.ttlAttribute {
            ExpiryIndex.update(
                table: table.number, itemKey: itemKey, from: try old?.expiry(attribute: attribute),
                to: new.flatMap { ExpiryIndex.expiry(of: $0, attribute: attribute) }, into: &changes)
        }
    }
}
