import DynamoExpressions
import DynamoModel
import TridentStorage

/// GetItem: one item by its full key, from the leader (ConsistentRead) or any zone, projected by
/// `ProjectionExpression` or the legacy `AttributesToGet`.
struct GetItem {
    let tableName: String
    let key: Item
    let consistent: Bool
    let projection: ReadProjection
    let consumedCapacity: ConsumedCapacityMode

    /// The whole item by key, no capacity report (a PartiQL SELECT by key).
    init(tableName: String, key: Item, consistent: Bool) {
        self.tableName = tableName
        self.key = key
        self.consistent = consistent
        projection = .all
        consumedCapacity = ConsumedCapacityMode(nil)
    }

    init(_ request: RequestFields) throws(DynamoError) {
        let tableName = try request.string("TableName")
        var decoder = AttributeValueDecoder()
        let key = try decoder.decodeMap(request, "Key")
        let attributesToGet = try request.stringList("AttributesToGet")
        let consistent = try request.bool("ConsistentRead")
        let consumed = try request.string("ReturnConsumedCapacity")
        // The common request names no projection and no placeholders: nothing to parse or resolve.
        let plain = attributesToGet == nil && !request.has("ProjectionExpression") && !request.has("ExpressionAttributeNames")
        let expressions =
            plain ? nil : try ExpressionParameters(request, expressions: [.projection], valueExpressions: [], legacy: ["AttributesToGet"])

        var violations = ConstraintViolations()
        violations.notNull(key != nil, "key")
        violations.tableName(tableName)
        if let attributesToGet, attributesToGet.isEmpty { violations.add(Constraint.minLength("[]", "attributesToGet", 1)) }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        try violations.check()

        if let expressions {
            try expressions.checkUsage()
            try decoder.check()
            var resolver = try expressions.resolver()
            projection = try ReadProjection.read(attributesToGet: attributesToGet, expression: expressions.text(.projection), resolver: &resolver)
            try resolver.checkUnused()
        } else {
            try decoder.check()
            projection = .all
        }
        self.tableName = tableName!
        self.key = key!
        self.consistent = consistent ?? false
        self.consumedCapacity = ConsumedCapacityMode(consumed)
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        try run(engine, GetItem(request), reply)
    }

    static func run(_ engine: Engine, _ get: GetItem, _ reply: @escaping Reply) throws(DynamoError) {
        let table = try engine.dataTable(get.tableName)
        let key = try PrimaryKey.exact(get.key, schema: table.keySchema)
        // The response is written straight from the stored bytes, inside the read snapshot.
        var w = JSONWriter(capacity: 1536)
        w.beginObject()
        let size = try engine.read(consistent: get.consistent, "GetItem") { reader in
            try reader.withValue(.items, ItemTable.storageKey(table: table.number, itemKey: key.storageKey)) { (bytes) throws -> Int? in
                guard let bytes else { return nil }
                w.key("Item")
                if case .all = get.projection { return try ItemEncoding.writeJSON(bytes, to: &w) }
                let item = try ItemEncoding.decode(bytes)
                w.item(get.projection.apply(item))
                return ItemSize.of(item)
            }
        }
        // The whole item is charged, whatever the projection keeps; a missing item costs the minimum.
        let units = CapacityUnits.read(bytes: size ?? 0, consistent: get.consistent)
        try engine.capacity.charge(units, .read, table: table, operation: "GetItem")
        get.consumedCapacity.report(table: get.tableName, units: units)?.write(to: &w)
        w.endObject()
        reply(.success(w.bytes))
    }
}
