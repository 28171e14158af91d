import DynamoExpressions
import DynamoModel

/// What PutItem and DeleteItem requests share: a table, an item (`Item`) or key (`Key`), a condition
/// (`ConditionExpression` or `Expected`), and `ReturnValues` limited to NONE / ALL_OLD — validated
/// in DynamoDB's order up to the table lookup.
struct ConditionalWriteRequest {
    let tableName: String
    let attributes: Item
    let returnOld: Bool
    let condition: WriteCondition
    let consumedCapacity: ConsumedCapacityMode
    let returnsMetrics: Bool

    /// `member` is "Item" (PutItem, whose item must fit 400 KB) or "Key" (DeleteItem).
    init(_ request: RequestFields, member: String) throws(DynamoError) {
        let tableName = try request.string("TableName")
        var decoder = AttributeValueDecoder()
        let attributes = try decoder.decodeMap(request, member)
        let returnValues = try request.string("ReturnValues")
        let consumed = try request.string("ReturnConsumedCapacity")
        let metrics = try request.string("ReturnItemCollectionMetrics")
        let conditionalOperator = try request.string("ConditionalOperator")
        let conditionReader = try WriteCondition.Reader(request)
        let expressions = try ExpressionParameters(
            request, expressions: [.condition], valueExpressions: [.condition], legacy: ["Expected", "ConditionalOperator"])

        var violations = ConstraintViolations()
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        violations.tableName(tableName)
        violations.notNull(attributes != nil, member.lowercased())
        violations.oneOf(returnValues, "returnValues", ParameterValues.returnValues)
        violations.oneOf(metrics, "returnItemCollectionMetrics", ParameterValues.returnItemCollectionMetrics)
        conditionReader.addConstraints(&violations, conditionalOperator: conditionalOperator)
        try violations.check()

        try expressions.checkUsage()
        try decoder.check()
        guard returnValues == nil || returnValues == "NONE" || returnValues == "ALL_OLD" else {
            throw DynamoError.returnValuesAllOldOrNone
        }
        if member == "Item" {
            guard ItemSize.of(attributes!) <= ItemSize.maxItemBytes else { throw DynamoError.itemTooLarge }
        }
        var condition = try conditionReader.legacyCondition()
        var resolver = try expressions.resolver()
        if let text = expressions.text(.condition) { condition = try resolver.condition(text, kind: .condition) }
        try resolver.checkUnused()

        self.tableName = tableName!
        self.attributes = attributes!
        self.returnOld = returnValues == "ALL_OLD"
        self.condition = conditionReader.make(condition)
        self.consumedCapacity = ConsumedCapacityMode(consumed)
        self.returnsMetrics = metrics == "SIZE"
    }
}
