import DynamoModel
import TridentStorage

/// The TableDescription object CreateTable, DescribeTable and DeleteTable return.
extension JSONWriter {
    mutating func tableDescription(_ table: TableDefinition, statistics: Catalog.Statistics, status: String = "ACTIVE") {
        beginObject()
        key("AttributeDefinitions")
        beginArray()
        for definition in table.attributeDefinitions {
            beginObject()
            key("AttributeName"); string(definition.name)
            key("AttributeType"); string(definition.type.rawValue)
            endObject()
        }
        endArray()
        key("TableName"); string(table.name)
        key("KeySchema")
        beginArray()
        for (element, keyType) in zip(table.keySchema.elements, ["HASH", "RANGE"]) {
            beginObject()
            key("AttributeName"); string(element.name)
            key("KeyType"); string(keyType)
            endObject()
        }
        endArray()
        key("TableStatus"); string(status)
        key("CreationDateTime"); number(table.creationDateTime)
        key("ProvisionedThroughput")
        beginObject()
        if let t = table.throughput.lastIncreaseDateTime { key("LastIncreaseDateTime"); number(t) }
        if let t = table.throughput.lastDecreaseDateTime { key("LastDecreaseDateTime"); number(t) }
        key("NumberOfDecreasesToday"); number(table.throughput.numberOfDecreasesToday)
        key("ReadCapacityUnits"); number(table.throughput.readCapacityUnits)
        key("WriteCapacityUnits"); number(table.throughput.writeCapacityUnits)
        endObject()
        key("TableSizeBytes"); number(statistics.sizeBytes)
        key("ItemCount"); number(statistics.itemCount)
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
        endObject()
    }
}
