import DynamoExpressions
import DynamoModel
import TridentStorage

/// One page of a Query or Scan, filled item by item in key order: it stops at `Limit` items
/// evaluated or at 1 MB read — both counted before the filter, as DynamoDB does — and remembers the
/// last evaluated key so the caller can resume.
struct ItemPage {
    static let maxBytes = 1024 * 1024

    /// The attributes LastEvaluatedKey holds: the table's keys (and the index's, reading an index).
    let keyNames: [String]
    let limit: Int?
    let filter: Condition?
    let projection: ReadProjection
    let countOnly: Bool

    private(set) var items: [Item] = []
    private(set) var count = 0
    private(set) var scanned = 0
    /// Bytes of every item evaluated (capacity is charged for these, filter or not), and of every
    /// item fetched from the table for a local index's entry.
    private(set) var bytes = 0
    private(set) var fetchedBytes = 0
    private(set) var lastEvaluatedKey: Item?
    private var lastKey: Item?

    init(keyNames: [String], limit: Int?, filter: Condition?, projection: ReadProjection, countOnly: Bool) {
        self.keyNames = keyNames
        self.limit = limit
        self.filter = filter
        self.projection = projection
        self.countOnly = countOnly
    }

    /// Takes one item; false once the page is full (the item is in it).
    mutating func offer(_ item: Item) -> Bool {
        record(item, returning: matches(item) ? item : nil)
    }

    /// Takes one index entry; `fetch` gives the whole table item for an entry that is returned
    /// (a local index asked for more than it projects), which is read and charged too.
    mutating func offer(_ entry: Item, fetch: (Item) throws -> Item?) throws -> Bool {
        let matched = matches(entry)
        guard matched, !countOnly else { return record(entry, returning: matched ? entry : nil) }
        var returned = entry
        if let whole = try fetch(entry) {
            let size = ItemSize.of(whole)
            fetchedBytes += size
            bytes += size
            returned = whole
        }
        return record(entry, returning: returned)
    }

    private func matches(_ item: Item) -> Bool {
        filter.map { Evaluator.evaluate($0, on: item) } ?? true
    }

    /// Counts an evaluated item, and `returned` if it passed the filter.
    private mutating func record(_ item: Item, returning returned: Item?) -> Bool {
        scanned += 1
        bytes += ItemSize.of(item)
        if let returned {
            count += 1
            if !countOnly { items.append(projection.apply(returned)) }
        }
        lastKey = item.filter { keyNames.contains($0.key) }
        if scanned == limit || bytes >= Self.maxBytes {
            lastEvaluatedKey = lastKey
            return false
        }
        return true
    }

    /// The page as Query and Scan answer it.
    func response(consumed: ConsumedCapacityReport?) -> [UInt8] {
        var w = JSONWriter(capacity: bytes + 256)
        w.beginObject()
        if !countOnly {
            w.key("Items")
            w.beginArray()
            for item in items { w.item(item) }
            w.endArray()
        }
        w.key("Count"); w.number(count)
        w.key("ScannedCount"); w.number(scanned)
        if let lastEvaluatedKey {
            w.key("LastEvaluatedKey")
            w.item(lastEvaluatedKey)
        }
        consumed?.write(to: &w)
        w.endObject()
        return w.bytes
    }
}

/// The members Query and Scan share, read and checked in the order DynamoDB checks them; each
/// operation adds its own (key conditions, segments) between the steps.
struct PagedReadRequest {
    let tableName: String?
    let indexName: String?
    let select: String?
    let attributesToGet: [String]?
    let limit: Int?
    let consistent: Bool?
    let consumed: String?
    let conditionalOperator: String?

    /// Reads the shared members (wrong JSON types are SerializationExceptions).
    init(_ request: RequestFields) throws(DynamoError) {
        tableName = try request.string("TableName")
        indexName = try request.string("IndexName")
        select = try request.string("Select")
        attributesToGet = try request.stringList("AttributesToGet")
        limit = try request.integer("Limit")
        consistent = try request.bool("ConsistentRead")
        consumed = try request.string("ReturnConsumedCapacity")
        conditionalOperator = try request.string("ConditionalOperator")
    }

    func addConstraints(to violations: inout ConstraintViolations) {
        violations.tableName(tableName)
        if let indexName { violations.checkName(indexName, path: "indexName", required: true) }
        if let limit, limit < 1 { violations.add(Constraint.minValue(String(limit), "limit", 1)) }
        violations.oneOf(select, "select", ParameterValues.select)
        if let attributesToGet, attributesToGet.isEmpty { violations.add(Constraint.minLength("[]", "attributesToGet", 1)) }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        violations.oneOf(conditionalOperator, "conditionalOperator", ParameterValues.conditionalOperator)
    }

    /// Expression usage, Select, the start key, the placeholder maps and the projection.
    func prepare(_ request: RequestFields, _ expressions: ExpressionParameters) throws(DynamoError)
        -> (startKey: Item?, resolver: ExpressionResolver, projection: ReadProjection)
    {
        try expressions.checkUsage()
        try ReadRequestOptions.checkSelect(
            select, hasAttributesToGet: attributesToGet != nil, hasProjection: expressions.text(.projection) != nil, hasIndex: indexName != nil)
        let startKey = try ReadRequestOptions.decodeStartKey(request)
        var resolver = try expressions.resolver()
        let projection = try ReadProjection.read(attributesToGet: attributesToGet, expression: expressions.text(.projection), resolver: &resolver)
        return (startKey, resolver, projection)
    }

    /// The filter (legacy or expression), the unused-placeholder check, and the options to read with.
    func finish(
        legacyFilter: LegacyConditions?, expressions: ExpressionParameters, resolver: inout ExpressionResolver, projection: ReadProjection
    ) throws(DynamoError) -> ReadRequestOptions {
        var filter = try legacyFilter?.condition()
        if let text = expressions.text(.filter) { filter = try resolver.condition(text, kind: .filter) }
        try resolver.checkUnused()
        return ReadRequestOptions(
            limit: limit, countOnly: select == "COUNT", projection: projection, filter: filter, consistent: consistent ?? false,
            consumedCapacity: ConsumedCapacityMode(consumed))
    }
}

/// What Query and Scan read with: Limit, Select, projection, filter, consistency.
struct ReadRequestOptions {
    let limit: Int?
    let countOnly: Bool
    let projection: ReadProjection
    let filter: Condition?
    let consistent: Bool
    let consumedCapacity: ConsumedCapacityMode

    /// Checks Select against the projection parameters, as DynamoDB words it.
    static func checkSelect(_ select: String?, hasAttributesToGet: Bool, hasProjection: Bool, hasIndex: Bool) throws(DynamoError) {
        switch select {
        case "COUNT":
            if hasAttributesToGet { throw DynamoError.validation("Cannot specify the AttributesToGet when choosing to get only the Count") }
            if hasProjection { throw DynamoError.validation("Cannot specify the ProjectionExpression when choosing to get only the Count") }
        case "ALL_ATTRIBUTES":
            if hasAttributesToGet { throw DynamoError.validation("Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES") }
            if hasProjection { throw DynamoError.validation("Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES") }
        case "ALL_PROJECTED_ATTRIBUTES":
            if hasAttributesToGet {
                throw DynamoError.validation("Cannot specify the AttributesToGet when choosing to get ALL_PROJECTED_ATTRIBUTES")
            }
            if hasProjection {
                throw DynamoError.validation("Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES")
            }
            if !hasIndex { throw DynamoError.validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName") }
        case "SPECIFIC_ATTRIBUTES":
            if !hasAttributesToGet && !hasProjection {
                throw DynamoError.validation("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
            }
        default:
            break
        }
    }

    /// `ExclusiveStartKey` values, checked like any attribute value but reported as a bad start key.
    static func decodeStartKey(_ request: RequestFields) throws(DynamoError) -> Item? {
        guard let object = try request.map("ExclusiveStartKey") else { return nil }
        var decoder = AttributeValueDecoder()
        let key = try decoder.decodeMap(object)
        if let problem = decoder.firstProblem {
            throw DynamoError.validation("The provided starting key is invalid: " + problem.message)
        }
        return key
    }
}

/// The paths a condition reads (to refuse key attributes in a Query's filter).
func attributesRead(by condition: Condition) -> [String] {
    func operand(_ o: Operand) -> [String] {
        switch o {
        case let .path(p): [p.attribute]
        case .value: []
        case let .size(x): operand(x)
        case let .ifNotExists(p, x): [p.attribute] + operand(x)
        case let .listAppend(a, b), let .add(a, b), let .subtract(a, b): operand(a) + operand(b)
        }
    }
    switch condition {
    case let .comparison(_, a, b), let .beginsWith(a, b), let .contains(a, b), let .notContains(a, b): return operand(a) + operand(b)
    case let .between(a, b, c): return operand(a) + operand(b) + operand(c)
    case let .isIn(a, list): return operand(a) + list.flatMap(operand)
    case let .attributeExists(p), let .attributeNotExists(p): return [p.attribute]
    case let .attributeType(a, x): return operand(a) + operand(x)
    case let .not(c): return attributesRead(by: c)
    case let .and(a, b), let .or(a, b): return attributesRead(by: a) + attributesRead(by: b)
    case .always: return []
    }
}
