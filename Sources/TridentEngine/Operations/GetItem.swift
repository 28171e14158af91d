import DynamoModel
import TridentStorage

/// GetItem: one item by its full key, from the leader (ConsistentRead) or any zone.
struct GetItem {
    let tableName: String
    let key: Item
    let consistent: Bool
    let attributesToGet: [String]?

    init(_ request: RequestFields) throws(DynamoError) {
        let tableName = try request.string("TableName")
        var decoder = AttributeValueDecoder()
        let key = try decoder.decodeMap(request, "Key")
        let attributesToGet = try request.stringList("AttributesToGet")
        let consistent = try request.bool("ConsistentRead")
        let consumed = try request.string("ReturnConsumedCapacity")

        var violations = ConstraintViolations()
        violations.notNull(key != nil, "key")
        violations.tableName(tableName)
        if let attributesToGet, attributesToGet.isEmpty { violations.add(Constraint.minLength("[]", "attributesToGet", 1)) }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        try violations.check()

        try rejectConditions(request)
        try decoder.check()
        if let attributesToGet, let duplicate = firstDuplicate(attributesToGet) {
            throw DynamoError.invalidParameter("Duplicate value in attribute name: \(duplicate)")
        }
        self.tableName = tableName!
        self.key = key!
        self.consistent = consistent ?? false
        self.attributesToGet = attributesToGet
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let get = try GetItem(request)
        let table = try engine.dataTable(get.tableName)
        let key = try PrimaryKey.exact(get.key, schema: table.keySchema)
        let item = try engine.read(consistent: get.consistent, "GetItem") { reader in
            try ItemTable.item(reader, table: table.number, itemKey: key.storageKey)
        }
        var w = JSONWriter()
        w.beginObject()
        if let item {
            w.key("Item")
            if let names = get.attributesToGet {
                w.item(item.filter { names.contains($0.key) })
            } else {
                w.item(item)
            }
        }
        w.endObject()
        reply(.success(w.bytes))
    }
}

func firstDuplicate(_ names: [String]) -> String? {
    var seen = Set<String>()
    return names.first { !seen.insert($0).inserted }
}
