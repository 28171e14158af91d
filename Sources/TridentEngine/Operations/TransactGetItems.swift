import DynamoExpressions
import DynamoModel
import TridentStorage

/// TransactGetItems: up to 100 `Get`s over one or several tables, read from one snapshot on the
/// leader (so no write lands between two of them), answered in request order at twice the
/// strongly consistent read cost. An item held by a transaction in flight cancels it.
struct TransactGetItems {
    static let maxResponseBytes = 4 << 20

    struct Get {
        let entry: TableRegistry.Entry
        let key: PrimaryKey
        let projection: ReadProjection
    }

    let gets: [Get]
    let consumedCapacity: ConsumedCapacityMode

    init(_ request: RequestFields, engine: Engine) throws(DynamoError) {
        let list = try request.list("TransactItems")
        let consumed = try request.string("ReturnConsumedCapacity")
        var violations = ConstraintViolations()
        TransactionRules.addConstraints(items: list, to: &violations)
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        try violations.check()

        let parsed = try (list ?? []).enumerated().map { (i, value) throws(DynamoError) in try Self.parse(value, at: i + 1) }
        for get in parsed { _ = try engine.dataTableEntry(get.tableName) }
        var gets: [Get] = []
        var schemaError: (index: Int, error: DynamoError)?
        for (i, get) in parsed.enumerated() {
            do {
                let entry = try engine.dataTableEntry(get.tableName)
                gets.append(Get(entry: entry, key: try PrimaryKey.exact(get.key, schema: entry.definition.keySchema), projection: get.projection))
            } catch {
                if schemaError == nil { schemaError = (i, error) }
            }
        }
        try TransactionRules.checkDistinct(gets.map { TransactionRules.itemKey(table: $0.entry.definition.name, key: $0.key) })
        try TransactionRules.cancel(for: schemaError, actions: parsed.count)
        self.gets = gets
        self.consumedCapacity = ConsumedCapacityMode(consumed)
    }

    /// One `Get` as the request alone shows it.
    private struct Parsed {
        let tableName: String
        let key: Item
        let projection: ReadProjection
    }

    private static func parse(_ value: JSONValue, at position: Int) throws(DynamoError) -> Parsed {
        let member = try RequestFields.structure(value, type: "TransactGetItem", asListMember: true)
        let path = "transactItems.\(position).member.get"
        guard let fields = try member.structure("Get", type: "Get") else {
            throw DynamoError.validation("1 validation error detected: " + Constraint.notNull(path))
        }
        let tableName = try fields.string("TableName")
        var decoder = AttributeValueDecoder()
        let key = try decoder.decodeMap(fields, "Key")
        let expressions = try ExpressionParameters(fields, expressions: [.projection], valueExpressions: [], legacy: [])
        var violations = ConstraintViolations()
        violations.notNull(key != nil, path + ".key")
        violations.tableName(tableName, path: path + ".tableName")
        try violations.check()
        try expressions.checkUsage()
        try decoder.check()
        var resolver = try expressions.resolver()
        let projection = try ReadProjection.read(attributesToGet: nil, expression: expressions.text(.projection), resolver: &resolver)
        try resolver.checkUnused()
        return Parsed(tableName: tableName!, key: key!, projection: projection)
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let transaction = try TransactGetItems(request, engine: engine)
        let holds = engine.transactionHolds
        let items = try engine.read(consistent: true, "TransactGetItems") { reader in
            try transaction.gets.map { get -> (table: TableDefinition, item: Item?) in
                let table = try get.entry.current(in: reader)
                return (table, try ItemTable.item(reader, table: table.number, itemKey: get.key.storageKey))
            }
        }
        if let holds {
            let reasons = zip(transaction.gets, items).map { get, found in
                holds.isHeld(table: found.table.number, itemKey: get.key.storageKey) ? CancellationReason.transactionConflict : .none
            }
            if reasons.contains(where: { $0 != .none }) { throw DynamoError.transactionCanceled(reasons) }
        }
        let sizes = items.map { $0.item.map(ItemSize.of) ?? 0 }
        if sizes.reduce(0, +) > Self.maxResponseBytes {
            throw DynamoError.validation("Total size of the items read in a transaction cannot exceed 4 MB")
        }
        // Charged per item (each rounded up alone), all or nothing.
        var charges: [CapacityLimiter.Charge] = []
        var shares: [String: Double] = [:]
        var names: [String] = []
        for (i, found) in items.enumerated() {
            let units = 2 * CapacityUnits.read(bytes: sizes[i], consistent: true)
            do {
                charges.append(try engine.capacity.charge(units, .read, table: found.table, operation: "TransactGetItems"))
            } catch {
                engine.capacity.refund(charges)
                var reasons = [CancellationReason](repeating: .none, count: items.count)
                reasons[i] = .throughputExceeded
                throw DynamoError.transactionCanceled(reasons)
            }
            if shares[found.table.name] == nil { names.append(found.table.name) }
            shares[found.table.name, default: 0] += units
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("Responses")
        w.beginArray()
        for (get, found) in zip(transaction.gets, items) {
            w.beginObject()
            if let item = found.item {
                w.key("Item")
                w.item(get.projection.apply(item))
            }
            w.endObject()
        }
        w.endArray()
        if transaction.consumedCapacity != .none {
            ConsumedCapacityReport(mode: transaction.consumedCapacity, entries: names.map { ($0, CapacityShares(table: shares[$0] ?? 0)) })
                .write(to: &w, asList: true)
        }
        w.endObject()
        reply(.success(w.bytes))
    }
}
