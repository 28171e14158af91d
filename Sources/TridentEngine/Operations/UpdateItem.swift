import DynamoExpressions
import DynamoModel
import TridentStorage

/// UpdateItem: edits one item in place with `UpdateExpression` (or the legacy `AttributeUpdates`),
/// creating it when missing, guarded by `ConditionExpression` (or `Expected`). One read-modify-write
/// on the leader, so concurrent `ADD counter :one` lose nothing.
struct UpdateItem {
    enum ReturnValues: String {
        case none = "NONE", allOld = "ALL_OLD", allNew = "ALL_NEW", updatedOld = "UPDATED_OLD", updatedNew = "UPDATED_NEW"
    }

    let tableName: String
    let key: Item
    let update: Update
    let condition: WriteCondition
    let returnValues: ReturnValues
    let consumedCapacity: ConsumedCapacityMode
    let returnsMetrics: Bool

    init(_ request: RequestFields) throws(DynamoError) {
        let tableName = try request.string("TableName")
        var decoder = AttributeValueDecoder()
        let key = try decoder.decodeMap(request, "Key")
        let returnValues = try request.string("ReturnValues")
        let consumed = try request.string("ReturnConsumedCapacity")
        let metrics = try request.string("ReturnItemCollectionMetrics")
        let conditionalOperator = try request.string("ConditionalOperator")
        let legacyUpdates = try request.map("AttributeUpdates", valueType: "com.amazonaws.dynamodb.v20120810.AttributeValueUpdate").map {
            (o) throws(DynamoError) in try LegacyUpdates(o)
        }
        let conditionReader = try WriteCondition.Reader(request)
        let expressions = try ExpressionParameters(
            request, expressions: [.update, .condition], valueExpressions: [.update, .condition],
            legacy: ["AttributeUpdates", "Expected", "ConditionalOperator"])

        var violations = ConstraintViolations()
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        violations.tableName(tableName)
        violations.notNull(key != nil, "key")
        violations.oneOf(returnValues, "returnValues", ParameterValues.returnValues)
        violations.oneOf(metrics, "returnItemCollectionMetrics", ParameterValues.returnItemCollectionMetrics)
        legacyUpdates?.addConstraints(to: &violations)
        conditionReader.addConstraints(&violations, conditionalOperator: conditionalOperator)
        try violations.check()

        try expressions.checkUsage()
        try decoder.check()
        var update = try legacyUpdates?.update() ?? Update(actions: [], legacy: true)
        var condition = try conditionReader.legacyCondition()
        var resolver = try expressions.resolver()
        if let text = expressions.text(.update) { update = try resolver.update(text) }
        if let text = expressions.text(.condition) { condition = try resolver.condition(text, kind: .condition) }
        try resolver.checkUnused()

        self.tableName = tableName!
        self.key = key!
        self.update = update
        self.condition = conditionReader.make(condition)
        self.returnValues = returnValues.flatMap(ReturnValues.init) ?? .none
        self.consumedCapacity = ConsumedCapacityMode(consumed)
        self.returnsMetrics = metrics == "SIZE"
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let request = try UpdateItem(request)
        let update = request.update
        try request.itemWrite(engine).run(engine, "UpdateItem", reply: reply) { outcome in
            let attributes: Item? =
                switch request.returnValues {
                case .none: nil
                case .allOld: outcome.old
                case .allNew: outcome.new
                case .updatedOld: outcome.old.map { Projection.project($0, update.targetPaths) }
                case .updatedNew: outcome.new.map { Projection.project($0, update.targetPaths) }
                }
            return writeResponse(
                attributes, consumed: request.consumedCapacity.report(table: request.tableName, shares: outcome.shares), metrics: outcome.metrics)
        }
    }

    /// The write this request makes, checked against its table (also one action of a transaction).
    func itemWrite(_ engine: Engine) throws(DynamoError) -> ItemWrite {
        let entry = try engine.dataTableEntry(tableName)
        let schema = entry.definition.keySchema
        let key = try PrimaryKey.exact(self.key, schema: schema)
        for path in update.targetPaths where schema.isKey(path.attribute) {
            throw DynamoError.invalidParameter("Cannot update attribute \(path.attribute). This attribute is part of the key")
        }
        let table = entry.definition
        if !table.indexes.isEmpty { try IndexKeyValues.checkPaths(update.targetPaths, table: table) }
        let update = self.update
        let keyAttributes = key.attributes(schema)
        return ItemWrite(entry: entry, key: key, condition: condition, returnsMetrics: returnsMetrics) { old in
            guard let new = try UpdateApplier.apply(update, to: old, key: keyAttributes) else { return nil }
            guard ItemSize.of(new) <= ItemSize.maxItemBytes else {
                throw DynamoError.validation("Item size to update has exceeded the maximum allowed size")
            }
            if !table.indexes.isEmpty { try IndexKeyValues.check(new, table: table, byUpdate: true) }
            return new
        }
    }
}
