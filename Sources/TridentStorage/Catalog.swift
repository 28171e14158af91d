import DynamoModel

/// The catalog database's records, replicated like items:
///
///     "t" ‖ table name          → table definition (JSON, see TableDefinition+Storage)
///     "s" ‖ table number (BE32) → statistics: varint item count ‖ varint size in bytes
///     "n"                       → next table number (BE32)
///     "c" ‖ table number ‖ partition digest → size of the item collection, in bytes (tables with
///                                 local indexes: the partition's items and their local-index entries)
///
/// Table numbers prefix every item and index key of a table and are never reused, so a table
/// deleted and created again under the same name starts empty.
public enum Catalog {
    static let definitionPrefix = UInt8(ascii: "t")
    static let statisticsPrefix = UInt8(ascii: "s")
    static let nextNumberKey: [UInt8] = [UInt8(ascii: "n")]
    static let collectionPrefix = UInt8(ascii: "c")

    public struct Statistics: Sendable, Equatable {
        public var itemCount: Int
        public var sizeBytes: Int

        public init(itemCount: Int = 0, sizeBytes: Int = 0) {
            self.itemCount = itemCount
            self.sizeBytes = sizeBytes
        }
    }

    static func definitionKey(_ name: String) -> [UInt8] {
        [definitionPrefix] + Array(name.utf8)
    }

    static func statisticsKey(_ number: UInt32) -> [UInt8] {
        [statisticsPrefix] + BigEndian.bytes(number)
    }

    /// Every table of the zone, in name order.
    public static func tables(_ reader: StoreReader) throws -> [TableDefinition] {
        var tables: [TableDefinition] = []
        try reader.walk(.catalog, from: [definitionPrefix]) { key, value in
            guard key.first == definitionPrefix else { return false }
            tables.append(try TableDefinition(storageJSON: Array(value)))
            return true
        }
        return tables
    }

    /// The stored definition bytes of a table, for cheap "is it still the same table" checks.
    public static func definitionBytes(_ reader: StoreReader, name: String) throws -> [UInt8]? {
        try reader.value(.catalog, definitionKey(name))
    }

    public static func table(_ reader: StoreReader, name: String) throws -> TableDefinition? {
        try definitionBytes(reader, name: name).map { try TableDefinition(storageJSON: $0) }
    }

    public static func statistics(_ reader: StoreReader, table number: UInt32) throws -> Statistics {
        guard let bytes = try reader.value(.catalog, statisticsKey(number)) else { return Statistics() }
        return try bytes.withUnsafeBytes { raw in
            var r = Varint.Reader(raw)
            return Statistics(itemCount: try r.varint(), sizeBytes: try r.varint())
        }
    }

    static func collectionKey(table: UInt32, partitionDigest: some Collection<UInt8>) -> [UInt8] {
        [collectionPrefix] + BigEndian.bytes(table) + partitionDigest
    }

    static func collectionSize(_ reader: StoreReader, key: [UInt8]) throws -> Int {
        guard let bytes = try reader.value(.catalog, key) else { return 0 }
        return try bytes.withUnsafeBytes { raw in
            var r = Varint.Reader(raw)
            return try r.varint()
        }
    }

    static func encode(size: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        Varint.write(max(0, size), into: &bytes)
        return bytes
    }

    static func encode(_ stats: Statistics) -> [UInt8] {
        var bytes: [UInt8] = []
        Varint.write(max(0, stats.itemCount), into: &bytes)
        Varint.write(max(0, stats.sizeBytes), into: &bytes)
        return bytes
    }

    /// Takes the next `count` unused numbers (a table's, then its indexes'): once per write, as the
    /// counter is read from the store, not from `changes`.
    public static func allocateNumbers(_ count: Int, _ reader: StoreReader, _ changes: inout ChangeSet) throws -> [UInt32] {
        let next = try reader.value(.catalog, nextNumberKey).map { BigEndian.uint32($0) } ?? 1
        changes.put(.catalog, nextNumberKey, BigEndian.bytes(next + UInt32(count)))
        return (0..<UInt32(count)).map { next + $0 }
    }

    /// Stores a new or changed definition.
    public static func save(_ table: TableDefinition, _ changes: inout ChangeSet) {
        changes.put(.catalog, definitionKey(table.name), table.storageJSON())
    }

    /// Removes a table with all its items, index entries and statistics.
    public static func drop(_ table: TableDefinition, _ changes: inout ChangeSet) {
        let prefix = BigEndian.bytes(table.number)
        changes.deletePrefix(.items, prefix)
        changes.deletePrefix(.expiry, prefix)
        for index in table.indexes { IndexTable.drop(index, &changes) }
        if table.hasLocalIndexes { changes.deletePrefix(.catalog, [collectionPrefix] + prefix) }
        changes.forgetStatistics(table.number)
        changes.delete(.catalog, statisticsKey(table.number))
        changes.delete(.catalog, definitionKey(table.name))
    }
}
