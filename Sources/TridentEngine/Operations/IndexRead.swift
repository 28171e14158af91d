import DynamoModel
import TridentStorage

/// What a Query or Scan reads and how: the table, or the index `IndexName` names — with DynamoDB's
/// rules for reading an index (a global one is eventually consistent and returns only what it
/// projects; a local one fetches from the table what it does not project, at a cost).
struct ReadPlan {
    let source: ReadSource
    /// Whole items come from the table for each entry returned (a local index asked for more than it projects).
    let fetchesItems: Bool
    /// Milliseconds a global index's reads lag behind its zone's (`--gsi-lag-ms`).
    let extraLag: Int

    init(table: TableDefinition, indexName: String?, options: ReadRequestOptions, select: String?, filterAttributes: [String], engine: Engine)
        throws(DynamoError)
    {
        guard let indexName else {
            source = .table(table)
            fetchesItems = false
            extraLag = 0
            return
        }
        guard let index = table.index(named: indexName), index.status != .deleting else {
            throw DynamoError.validation("The table does not have the specified index: \(indexName)")
        }
        if index.status == .creating {
            throw DynamoError.validation("Cannot read from backfilling global secondary index: \(indexName)")
        }
        let global = index.kind == .global
        if global && options.consistent {
            throw DynamoError.validation("Consistent reads are not supported on global secondary indexes")
        }
        let tableKeys = table.keySchema
        let unprojectedFilter = filterAttributes.filter { !index.projects($0, tableKeys: tableKeys) }
        if !unprojectedFilter.isEmpty {
            throw DynamoError.invalidParameter(
                "Secondary index \(indexName) does not project one or more filter attributes: [\(Self.distinct(unprojectedFilter).joined(separator: ", "))]")
        }
        var fetches = false
        if select == "ALL_ATTRIBUTES" && index.projectionType != .all {
            if global {
                throw DynamoError.invalidParameter(
                    "Select type ALL_ATTRIBUTES is not supported for global secondary index \(indexName) because its projection type is not ALL")
            }
            fetches = true
        }
        if let wanted = options.projection.topLevelAttributes {
            let unprojected = Self.distinct(wanted.filter { !index.projects($0, tableKeys: tableKeys) })
            if !unprojected.isEmpty {
                if global {
                    throw DynamoError.invalidParameter(
                        "Global secondary index \(indexName) does not project [\(unprojected.joined(separator: ", "))]")
                }
                fetches = true
            }
        }
        source = .index(index, of: table)
        fetchesItems = fetches && !options.countOnly
        extraLag = global ? engine.indexLag(index) : 0
    }

    private static func distinct(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// The table item an index entry stands for (for a local index's fetches).
    func fetch(_ entry: Item, _ reader: StoreReader) throws -> Item? {
        let table = source.table
        let key = try PrimaryKey.exact(entry.filter { table.keySchema.isKey($0.key) }, schema: table.keySchema)
        return try ItemTable.item(reader, table: table.number, itemKey: key.storageKey)
    }

    /// Charges a page: a global index on its own throughput, a local one on its table; returns
    /// where the units went (a local index's fetches are the table's share).
    func charge(_ page: ItemPage, consistent: Bool, engine: Engine, operation: String) throws(DynamoError) -> CapacityShares {
        let table = source.table
        let units = CapacityUnits.read(bytes: page.bytes, consistent: consistent)
        guard let index = source.index else {
            try engine.capacity.charge(units, .read, table: table, operation: operation)
            return CapacityShares(table: units)
        }
        if index.kind == .global {
            _ = try engine.capacity.charge(units, .read, index: index, of: table, operation: operation)
            return CapacityShares(globalIndexes: [index.name: units])
        }
        try engine.capacity.charge(units, .read, table: table, operation: operation)
        let entryUnits = page.fetchedBytes == 0 ? units : CapacityUnits.read(bytes: page.bytes - page.fetchedBytes, consistent: consistent)
        return CapacityShares(table: units - entryUnits, localIndexes: [index.name: entryUnits])
    }
}
