import DynamoExpressions
import DynamoModel
import TridentStorage

/// BatchGetItem: up to 100 keys over several tables, each table with its own ConsistentRead and
/// projection. Keys that would take the response past 16 MB, or that a table's capacity cannot pay
/// for, come back in UnprocessedKeys (with their table's options) for the caller to retry; when
/// throttling leaves nothing processed at all, the call fails with ProvisionedThroughputExceededException.
struct BatchGetItem {
    static let maxKeys = 100
    static let maxResponseBytes = 16 * 1024 * 1024

    struct TableRequest {
        let name: String
        let keys: [Item]
        let consistent: Bool
        let projection: ReadProjection
        /// The request's own options, echoed with unprocessed keys.
        let options: [JSONObject.Member]
    }

    let tables: [TableRequest]
    let consumedCapacity: ConsumedCapacityMode

    init(_ request: RequestFields) throws(DynamoError) {
        let items = try request.map("RequestItems", valueType: "com.amazonaws.dynamodb.v20120810.KeysAndAttributes")
        let consumed = try request.string("ReturnConsumedCapacity")
        struct Raw {
            let name: String
            let fields: RequestFields
            let keys: [Item]?
            let decoder: AttributeValueDecoder
            let attributesToGet: [String]?
            let expressions: ExpressionParameters
        }
        var raws: [Raw] = []
        for member in items?.uniqueMembers ?? [] {
            let fields = try RequestFields.structure(member.value, type: "KeysAndAttributes", asListMember: true)
            var decoder = AttributeValueDecoder()
            var keys: [Item]?
            if let list = try fields.list("Keys") {
                keys = []
                for key in list {
                    guard case let .object(o) = key else { throw DynamoError.serialization("Unexpected value type in payload") }
                    keys!.append(try decoder.decodeMap(o))
                }
            }
            _ = try fields.bool("ConsistentRead")
            raws.append(
                Raw(
                    name: member.key, fields: fields, keys: keys, decoder: decoder, attributesToGet: try fields.stringList("AttributesToGet"),
                    expressions: try ExpressionParameters(fields, expressions: [.projection], valueExpressions: [], legacy: ["AttributesToGet"])))
        }

        var violations = ConstraintViolations()
        if let items {
            if items.isEmpty { violations.add(Constraint.minLength("{}", "requestItems", 1)) }
        } else {
            violations.add(Constraint.notNull("requestItems"))
        }
        for raw in raws {
            if !TableNames.matchesPattern(raw.name) || !(3...255).contains(raw.name.count) {
                violations.add(
                    "Value '{\(raw.name)=...}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]"
                )
            }
            let path = "requestItems.\(raw.name).member.keys"
            if let keys = raw.keys {
                if keys.isEmpty { violations.add(Constraint.minLength("[]", path, 1)) }
                if keys.count > Self.maxKeys { violations.add(Constraint.maxLength("[\(keys.count) keys]", path, Self.maxKeys)) }
            } else {
                violations.add(Constraint.notNull(path))
            }
            if let a = raw.attributesToGet, a.isEmpty {
                violations.add(Constraint.minLength("[]", "requestItems.\(raw.name).member.attributesToGet", 1))
            }
        }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        try violations.check()

        if raws.reduce(0, { $0 + ($1.keys?.count ?? 0) }) > Self.maxKeys {
            throw DynamoError.validation("Too many items requested for the BatchGetItem call")
        }
        var tables: [TableRequest] = []
        for raw in raws {
            try raw.expressions.checkUsage()
            try raw.decoder.check()
            var resolver = try raw.expressions.resolver()
            let projection = try ReadProjection.read(
                attributesToGet: raw.attributesToGet, expression: raw.expressions.text(.projection), resolver: &resolver)
            try resolver.checkUnused()
            if Set(raw.keys!).count != raw.keys!.count { throw DynamoError.validation("Provided list of item keys contains duplicates") }
            tables.append(
                TableRequest(
                    name: raw.name, keys: raw.keys!, consistent: (try? raw.fields.bool("ConsistentRead")) ?? false, projection: projection,
                    options: raw.fields.object.members.filter { $0.key != "Keys" }))
        }
        self.tables = tables
        self.consumedCapacity = ConsumedCapacityMode(consumed)
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let batch = try BatchGetItem(request)
        var resolved: [(TableRequest, TableDefinition, [PrimaryKey])] = []
        for table in batch.tables {
            let definition = try engine.dataTable(table.name)
            var keys: [PrimaryKey] = []
            for key in table.keys { keys.append(try PrimaryKey.exact(key, schema: definition.keySchema)) }
            resolved.append((table, definition, keys))
        }

        var responseBytes = 0
        var found: [(String, [Item])] = []
        var unprocessed: [(TableRequest, [Item])] = []
        var consumed: [(table: String, shares: CapacityShares)] = []
        var throttled = false
        var processed = 0
        for (request, table, keys) in resolved {
            let items = try engine.read(consistent: request.consistent, "BatchGetItem") { reader in
                try keys.map { try ItemTable.item(reader, table: table.number, itemKey: $0.storageKey) }
            }
            var results: [Item] = []
            var left: [Item] = []
            var units = 0.0
            for (index, item) in items.enumerated() {
                let size = item.map(ItemSize.of) ?? 0
                // Each key is charged as a GetItem would be; past 16 MB or the table's capacity, the rest wait.
                let cost = CapacityUnits.read(bytes: size, consistent: request.consistent)
                if !left.isEmpty || responseBytes + size > Self.maxResponseBytes {
                    left.append(request.keys[index])
                    continue
                }
                do {
                    try engine.capacity.charge(cost, .read, table: table, operation: "BatchGetItem")
                } catch {
                    throttled = true
                    left.append(request.keys[index])
                    continue
                }
                units += cost
                processed += 1
                responseBytes += size
                if let item { results.append(request.projection.apply(item)) }
            }
            found.append((request.name, results))
            if !left.isEmpty { unprocessed.append((request, left)) }
            consumed.append((request.name, CapacityShares(table: units)))
        }
        if throttled && processed == 0 { throw DynamoError.throughputExceeded }

        var w = JSONWriter(capacity: responseBytes + 256)
        w.beginObject()
        w.key("Responses")
        w.beginObject()
        for (name, items) in found {
            w.key(name)
            w.beginArray()
            for item in items { w.item(item) }
            w.endArray()
        }
        w.endObject()
        w.key("UnprocessedKeys")
        w.beginObject()
        for (request, keys) in unprocessed {
            w.key(request.name)
            w.beginObject()
            w.key("Keys")
            w.beginArray()
            for key in keys { w.item(key) }
            w.endArray()
            for option in request.options {
                w.key(option.key)
                w.value(option.value)
            }
            w.endObject()
        }
        w.endObject()
        if batch.consumedCapacity != .none {
            ConsumedCapacityReport(mode: batch.consumedCapacity, entries: consumed).write(to: &w, asList: true)
        }
        w.endObject()
        reply(.success(w.bytes))
    }
}
