import DynamoModel
import TridentStorage

/// PutItem: replaces the whole item (or creates it), optionally returning the old one.
struct PutItem {
    let tableName: String
    let item: Item
    let returnOld: Bool

    init(_ request: RequestFields) throws(DynamoError) {
        let tableName = try request.string("TableName")
        var decoder = AttributeValueDecoder()
        let item = try decoder.decodeMap(request, "Item")
        let returnValues = try request.string("ReturnValues")
        let consumed = try request.string("ReturnConsumedCapacity")
        let metrics = try request.string("ReturnItemCollectionMetrics")

        var violations = ConstraintViolations()
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        violations.tableName(tableName)
        violations.notNull(item != nil, "item")
        violations.oneOf(returnValues, "returnValues", ParameterValues.returnValues)
        violations.oneOf(metrics, "returnItemCollectionMetrics", ParameterValues.returnItemCollectionMetrics)
        try violations.check()

        try rejectConditions(request)
        try decoder.check()
        guard returnValues == nil || returnValues == "NONE" || returnValues == "ALL_OLD" else {
            throw DynamoError.returnValuesAllOldOrNone
        }
        guard ItemSize.of(item!) <= ItemSize.maxItemBytes else { throw DynamoError.itemTooLarge }
        self.tableName = tableName!
        self.item = item!
        self.returnOld = returnValues == "ALL_OLD"
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let put = try PutItem(request)
        let entry = try engine.dataTableEntry(put.tableName)
        let key = try PrimaryKey.of(item: put.item, schema: entry.definition.keySchema)
        engine.write("PutItem", reply: reply) { context in
            let table = try entry.current(in: context.reader)
            let old = try ItemTable.item(context.reader, table: table.number, itemKey: key.storageKey)
            try ItemTable.write(table: table, itemKey: key.storageKey, old: old, new: put.item, in: &context)
            return old
        } respond: { old in
            var w = JSONWriter()
            w.beginObject()
            if put.returnOld, let old {
                w.key("Attributes")
                w.item(old)
            }
            w.endObject()
            return w.bytes
        }
    }
}

/// Conditions arrive with the expression language; until then they are refused, never ignored.
func rejectConditions(_ request: RequestFields) throws(DynamoError) {
    for name in ["ConditionExpression", "Expected", "ExpressionAttributeNames", "ExpressionAttributeValues", "ProjectionExpression"]
    where request.has(name) {
        throw DynamoError.validation("Trident does not support \(name) yet")
    }
}
