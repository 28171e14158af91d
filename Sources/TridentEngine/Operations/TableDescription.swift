import DynamoModel
import TridentStorage

/// A table's live figures: its own, and each index's (kept exact on every write, where DynamoDB
/// refreshes them about every six hours).
struct TableFigures: Sendable {
    var table = Catalog.Statistics()
    var indexes: [UInt32: Catalog.Statistics] = [:]

    static func read(_ reader: StoreReader, _ table: TableDefinition) throws -> TableFigures {
        var figures = TableFigures(table: try Catalog.statistics(reader, table: table.number))
        for index in table.indexes { figures.indexes[index.number] = try Catalog.statistics(reader, table: index.number) }
        return figures
    }
}

/// The TableDescription object CreateTable, DescribeTable, UpdateTable and DeleteTable return.
extension JSONWriter {
    /// DeleteTable's answer leaves out the schema, the indexes and the creation time, as DynamoDB's does.
    /// `creatingIndexes`: global indexes shown CREATING whatever their backfill says (transient statuses).
    mutating func tableDescription(_ table: TableDefinition, figures: TableFigures, status: String = "ACTIVE", creatingIndexes: Set<String> = []) {
        let deleting = status == "DELETING"
        beginObject()
        if !deleting {
            key("AttributeDefinitions")
            beginArray()
            for definition in table.attributeDefinitions {
                beginObject()
                key("AttributeName"); string(definition.name)
                key("AttributeType"); string(definition.type.rawValue)
                endObject()
            }
            endArray()
        }
        key("TableName"); string(table.name)
        if !deleting {
            keySchema(table.keySchema)
        }
        key("TableStatus"); string(status)
        if !deleting {
            key("CreationDateTime"); number(table.creationDateTime)
        }
        throughput(table.throughput)
        key("TableSizeBytes"); number(figures.table.sizeBytes)
        key("ItemCount"); number(figures.table.itemCount)
        key("TableArn"); string(table.arn)
        key("TableId"); string(table.id)
        // DynamoDB omits the summary for tables that were always provisioned.
        if table.billingMode == .payPerRequest || table.lastUpdateToPayPerRequestDateTime != nil {
            key("BillingModeSummary")
            beginObject()
            key("BillingMode"); string(table.billingMode.rawValue)
            if let t = table.lastUpdateToPayPerRequestDateTime { key("LastUpdateToPayPerRequestDateTime"); number(t) }
            endObject()
        }
        if !deleting {
            for kind in [SecondaryIndex.Kind.global, .local] {
                let indexes = table.indexes.filter { $0.kind == kind }
                guard !indexes.isEmpty else { continue }
                key(kind == .global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes")
                beginArray()
                for index in indexes {
                    indexDescription(
                        index, of: table, figures: figures.indexes[index.number] ?? Catalog.Statistics(), creating: creatingIndexes.contains(index.name))
                }
                endArray()
            }
        }
        streamFields(table)
        if let tableClass = table.tableClass {
            key("TableClassSummary")
            beginObject()
            key("TableClass"); string(tableClass)
            if let updated = table.tableClassUpdated { key("LastUpdateDateTime"); number(updated) }
            endObject()
        }
        key("DeletionProtectionEnabled"); bool(table.deletionProtection)
        endObject()
    }

    /// The enabled stream's specification, and the newest stream's label and ARN (kept after it
    /// is disabled, as the service does).
    private mutating func streamFields(_ table: TableDefinition) {
        guard let latest = table.streams.last else { return }
        if let enabled = table.enabledStream {
            key("StreamSpecification")
            beginObject()
            key("StreamEnabled"); bool(true)
            key("StreamViewType"); string(enabled.viewType.rawValue)
            endObject()
        }
        key("LatestStreamLabel"); string(latest.label)
        key("LatestStreamArn"); string(table.streamArn(latest))
    }

    private mutating func indexDescription(_ index: SecondaryIndex, of table: TableDefinition, figures: Catalog.Statistics, creating shown: Bool) {
        beginObject()
        key("IndexName"); string(index.name)
        keySchema(index.keySchema)
        key("Projection")
        beginObject()
        key("ProjectionType"); string(index.projectionType.rawValue)
        if !index.nonKeyAttributes.isEmpty {
            key("NonKeyAttributes")
            beginArray()
            for attribute in index.nonKeyAttributes.sorted() { string(attribute) }
            endArray()
        }
        endObject()
        if index.kind == .global {
            let creating = index.status == .creating || shown
            key("IndexStatus"); string(creating ? SecondaryIndex.Status.creating.rawValue : index.status.rawValue)
            if creating { key("Backfilling"); bool(index.status == .creating && index.backfilling) }
            throughput(index.throughput)
        }
        key("IndexSizeBytes"); number(figures.sizeBytes)
        key("ItemCount"); number(figures.itemCount)
        key("IndexArn"); string(table.indexArn(index))
        endObject()
    }

    private mutating func keySchema(_ schema: KeySchema) {
        key("KeySchema")
        beginArray()
        for (element, keyType) in zip(schema.elements, ["HASH", "RANGE"]) {
            beginObject()
            key("AttributeName"); string(element.name)
            key("KeyType"); string(keyType)
            endObject()
        }
        endArray()
    }

    private mutating func throughput(_ throughput: ProvisionedThroughput) {
        key("ProvisionedThroughput")
        beginObject()
        if let t = throughput.lastIncreaseDateTime { key("LastIncreaseDateTime"); number(t) }
        if let t = throughput.lastDecreaseDateTime { key("LastDecreaseDateTime"); number(t) }
        key("NumberOfDecreasesToday"); number(throughput.numberOfDecreasesToday)
        key("ReadCapacityUnits"); number(throughput.readCapacityUnits)
        key("WriteCapacityUnits"); number(throughput.writeCapacityUnits)
        endObject()
    }
}
