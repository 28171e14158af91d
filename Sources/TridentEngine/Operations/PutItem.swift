import DynamoModel

/// PutItem: replaces the whole item (or creates it), guarded by `ConditionExpression` or the legacy
/// `Expected`, optionally returning the old item.
enum PutItem {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let put = try ConditionalWriteRequest(request, member: "Item")
        try itemWrite(put, engine).run(engine, "PutItem", reply: reply) { outcome in
            writeResponse(
                put.returnOld ? outcome.old : nil, consumed: put.consumedCapacity.report(table: put.tableName, shares: outcome.shares),
                metrics: outcome.metrics)
        }
    }

    /// The write a request makes, checked against its table (also one action of a transaction).
    static func itemWrite(_ put: ConditionalWriteRequest, _ engine: Engine) throws(DynamoError) -> ItemWrite {
        let entry = try engine.dataTableEntry(put.tableName)
        let key = try PrimaryKey.of(item: put.attributes, schema: entry.definition.keySchema)
        let item = put.attributes
        if !entry.definition.indexes.isEmpty { try IndexKeyValues.check(item, table: entry.definition) }
        return ItemWrite(
            entry: entry, key: key, condition: put.condition, attemptedSize: ItemSize.of(item),
            needsOldItem: put.condition.condition != nil || put.returnOld, returnsMetrics: put.returnsMetrics
        ) { _ in item }
    }
}
