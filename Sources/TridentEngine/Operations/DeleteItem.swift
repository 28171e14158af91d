import DynamoModel

/// DeleteItem: removes one item by its full key (deleting a missing item succeeds), guarded by
/// `ConditionExpression` or the legacy `Expected`.
enum DeleteItem {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let delete = try ConditionalWriteRequest(request, member: "Key")
        try itemWrite(delete, engine).run(engine, "DeleteItem", reply: reply) { outcome in
            writeResponse(
                delete.returnOld ? outcome.old : nil, consumed: delete.consumedCapacity.report(table: delete.tableName, shares: outcome.shares),
                metrics: outcome.metrics)
        }
    }

    /// The write a request makes, checked against its table (also one action of a transaction).
    static func itemWrite(_ delete: ConditionalWriteRequest, _ engine: Engine) throws(DynamoError) -> ItemWrite {
        let entry = try engine.dataTableEntry(delete.tableName)
        let key = try PrimaryKey.exact(delete.attributes, schema: entry.definition.keySchema)
        return ItemWrite(
            entry: entry, key: key, condition: delete.condition, needsOldItem: delete.condition.condition != nil || delete.returnOld,
            returnsMetrics: delete.returnsMetrics
        ) { _ in nil }
    }
}
