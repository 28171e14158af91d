import DynamoModel
import TridentStorage

/// DeleteItem: removes one item by its full key; deleting a missing item succeeds.
struct DeleteItem {
    let tableName: String
    let key: Item
    let returnOld: Bool

    init(_ request: RequestFields) throws(DynamoError) {
        let tableName = try request.string("TableName")
        var decoder = AttributeValueDecoder()
        let key = try decoder.decodeMap(request, "Key")
        let returnValues = try request.string("ReturnValues")
        let consumed = try request.string("ReturnConsumedCapacity")
        let metrics = try request.string("ReturnItemCollectionMetrics")

        var violations = ConstraintViolations()
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        violations.tableName(tableName)
        violations.notNull(key != nil, "key")
        violations.oneOf(returnValues, "returnValues", ParameterValues.returnValues)
        violations.oneOf(metrics, "returnItemCollectionMetrics", ParameterValues.returnItemCollectionMetrics)
        try violations.check()

        try rejectConditions(request)
        try decoder.check()
        guard returnValues == nil || returnValues == "NONE" || returnValues == "ALL_OLD" else {
            throw DynamoError.returnValuesAllOldOrNone
        }
        self.tableName = tableName!
        self.key = key!
        self.returnOld = returnValues == "ALL_OLD"
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let delete = try DeleteItem(request)
        let entry = try engine.dataTableEntry(delete.tableName)
        let key = try PrimaryKey.exact(delete.key, schema: entry.definition.keySchema)
        engine.write("DeleteItem", reply: reply) { context in
            let table = try entry.current(in: context.reader)
            let old = try ItemTable.item(context.reader, table: table.number, itemKey: key.storageKey)
            try ItemTable.write(table: table, itemKey: key.storageKey, old: old, new: nil, in: &context)
            return old
        } respond: { old in
            var w = JSONWriter()
            w.beginObject()
            if delete.returnOld, let old {
                w.key("Attributes")
                w.item(old)
            }
            w.endObject()
            return w.bytes
        }
    }
}
