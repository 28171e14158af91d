import DynamoExpressions
import DynamoModel
import TridentStorage

/// Query: the items of one partition in sort-key order (or reverse), narrowed by a sort-key
/// condition, paged by Limit and 1 MB, filtered after reading. Key conditions come from
/// KeyConditionExpression or the legacy KeyConditions; filters from FilterExpression or QueryFilter.
struct Query {
    let tableName: String
    let keyConditions: KeyConditions
    let options: ReadRequestOptions
    let forward: Bool
    let startKey: Item?
    let filterAttributes: [String]
    let filterIsLegacy: Bool

    init(_ request: RequestFields) throws(DynamoError) {
        let shared = try PagedReadRequest(request)
        let forward = try request.bool("ScanIndexForward")
        let legacyKeys = try request.map("KeyConditions", valueType: "com.amazonaws.dynamodb.v20120810.Condition")
        let queryFilter = try request.map("QueryFilter", valueType: "com.amazonaws.dynamodb.v20120810.Condition").map {
            (o) throws(DynamoError) in
            try LegacyConditions(o, parameter: "queryFilter", conditionalOperator: shared.conditionalOperator, allowsExists: false)
        }
        let keyConditionsFilter = try legacyKeys.map { (o) throws(DynamoError) in
            try LegacyConditions(o, parameter: "keyConditions", conditionalOperator: nil, allowsExists: false)
        }
        let hasKeyExpression = request.has("KeyConditionExpression")
        // KeyConditions may stand beside Filter/ProjectionExpression when no KeyConditionExpression is given.
        let legacyNames = ["AttributesToGet", "QueryFilter", "ConditionalOperator"] + (hasKeyExpression ? ["KeyConditions"] : [])
        let expressions = try ExpressionParameters(
            request, expressions: [.projection, .filter, .keyCondition], valueExpressions: [.filter, .keyCondition], legacy: legacyNames)
        _ = try request.string("IndexName")

        var violations = ConstraintViolations()
        shared.addConstraints(to: &violations)
        keyConditionsFilter?.addConstraints(to: &violations)
        queryFilter?.addConstraints(to: &violations)
        try violations.check()

        if request.has("IndexName") {
            throw DynamoError.validation("Trident does not support secondary indexes yet: remove IndexName from the Query")
        }
        guard legacyKeys != nil || hasKeyExpression else {
            throw DynamoError.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        var (startKey, resolver, projection) = try shared.prepare(request, expressions)
        if let text = expressions.text(.keyCondition) {
            keyConditions = try KeyConditions(expression: try resolver.condition(text, kind: .keyCondition))
        } else {
            keyConditions = try KeyConditions(legacy: legacyKeys!)
        }
        options = try shared.finish(legacyFilter: queryFilter, expressions: expressions, resolver: &resolver, projection: projection)
        self.tableName = shared.tableName!
        self.forward = forward ?? true
        self.startKey = startKey
        self.filterAttributes = options.filter.map(attributesRead) ?? []
        self.filterIsLegacy = queryFilter != nil
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let query = try Query(request)
        let table = try engine.dataTable(query.tableName)
        let schema = table.keySchema
        let (partition, sort) = try query.keyConditions.resolve(schema)
        if let key = query.filterAttributes.first(where: schema.isKey) {
            throw DynamoError.validation(
                "\(query.filterIsLegacy ? "QueryFilter" : "Filter Expression") can only contain non-primary key attributes: Primary key attribute: \(key)"
            )
        }
        var start: AttributeValue?
        if let key = query.startKey { start = try startValue(key, schema: schema, partition: partition, sort: sort) }
        var page = ItemPage(
            schema: schema, limit: query.options.limit, filter: query.options.filter, projection: query.options.projection,
            countOnly: query.options.countOnly)
        try engine.read(consistent: query.options.consistent, "Query") { reader in
            try PartitionWalk(table: table, partition: partition, sort: sort, after: start, forward: query.forward).run(reader) { page.offer($0) }
        }
        let units = CapacityUnits.read(bytes: page.bytes, consistent: query.options.consistent)
        try engine.capacity.charge(units, .read, table: table)
        reply(.success(page.response(consumed: query.options.consumedCapacity.report(table: query.tableName, units: units))))
    }

    /// Checks an ExclusiveStartKey against the table and the query; returns its sort value (nil for a
    /// table without sort key).
    static func startValue(_ key: Item, schema: KeySchema, partition: AttributeValue, sort: KeyConditions.SortCondition?) throws(DynamoError)
        -> AttributeValue?
    {
        guard key.count == schema.elements.count, schema.elements.allSatisfy({ key[$0.name] != nil }) else {
            throw DynamoError.validation("The provided starting key is invalid")
        }
        _ = try PrimaryKey.exact(key, schema: schema)
        guard key[schema.partition.name] == partition else {
            throw DynamoError.validation("The provided starting key is outside query boundaries based on provided conditions")
        }
        guard let sortKey = schema.sort else { throw DynamoError.validation("The query can return at most one row and cannot be restarted") }
        let value = key[sortKey.name]!
        if case .equal = sort { throw DynamoError.validation("The query can return at most one row and cannot be restarted") }
        if let sort, !sort.holds(value) { throw DynamoError.validation("The provided starting key does not match the range key predicate") }
        return value
    }
}

/// Walks one partition in sort-key order. Storage keys order items by their encoded sort key;
/// items whose sort key was too long for LMDB share a truncated prefix and are stored in digest
/// order, so such groups are gathered and sorted by value before they are offered.
struct PartitionWalk {
    let table: TableDefinition
    let partition: AttributeValue
    let sort: KeyConditions.SortCondition?
    /// Resume after this sort value (ExclusiveStartKey).
    let after: AttributeValue?
    let forward: Bool

    private enum Place {
        case before
        case inside
        case beyond
    }

    /// Where a sort value lies against the condition and the start key, in the walk's direction.
    private func place(_ value: AttributeValue) -> Place {
        if let after, let o = Evaluator.order(value, after), forward ? o <= 0 : o >= 0 { return .before }
        guard let sort, !sort.holds(value) else { return .inside }
        return sort.isBelow(value) == forward ? .before : .beyond
    }

    /// Offers matching items to `offer` until it returns false or the partition is done.
    func run(_ reader: StoreReader, offer: (Item) -> Bool) throws {
        let digest = KeyEncoding.partitionDigest(partition)
        let prefix = ItemTable.storageKey(table: table.number, itemKey: digest)
        let partitionName = table.keySchema.partition.name
        guard let sortName = table.keySchema.sort?.name else {
            if let item = try ItemTable.item(reader, table: table.number, itemKey: digest), item[partitionName] == partition, after == nil {
                _ = offer(item)
            }
            return
        }
        var group: [Item] = []
        var groupPrefix: [UInt8] = []
        var going = true

        /// Offers one item in order; false when the walk should end.
        func take(_ item: Item) -> Bool {
            guard let value = item[sortName] else { return true }
            switch place(value) {
            case .before: return true
            case .beyond: return false
            case .inside: return offer(item)
            }
        }
        func flush() -> Bool {
            defer { group.removeAll() }
            let ordered = group.sorted { a, b in
                let o = Evaluator.order(a[sortName]!, b[sortName]!) ?? 0
                return forward ? o < 0 : o > 0
            }
            for item in ordered where !take(item) { return false }
            return true
        }

        try reader.walk(.items, from: seekKey(prefix), forward: forward) { key, value in
            guard key.starts(with: prefix) else { return false }
            let item = try ItemEncoding.decode(value)
            // Another partition whose key has the same digest (never seen in practice): not ours.
            guard item[partitionName] == partition else { return true }
            let itemKey = key.dropFirst(4)
            if KeyEncoding.isTruncated(itemKey: itemKey) {
                let p = Array(key.prefix(4 + KeyEncoding.digestLength + KeyEncoding.truncatedPrefixLength))
                if p != groupPrefix {
                    guard flush() else {
                        going = false
                        return false
                    }
                    groupPrefix = p
                }
                group.append(item)
                return true
            }
            guard flush(), take(item) else {
                going = false
                return false
            }
            return true
        }
        if going { _ = flush() }
    }

    /// Where to start: at the lowest (forward) or highest (backward) stored key that can match.
    private func seekKey(_ prefix: [UInt8]) -> [UInt8] {
        func stored(_ value: AttributeValue) -> [UInt8] {
            Array(KeyEncoding.sortEncoding(value).prefix(KeyEncoding.truncatedPrefixLength))
        }
        if forward {
            let candidates = [sort?.lowerBound, after].compactMap { $0 }.map(stored)
            return prefix + (candidates.max { $0.lexicographicallyPrecedes($1) } ?? [])
        }
        var bounds = [sort?.upperBound, after].compactMap { $0 }
        if case let .beginsWith(p)? = sort { bounds.append(p) }
        guard let lowest = bounds.map(stored).min(by: { $0.lexicographicallyPrecedes($1) }) else {
            return prefix + [UInt8](repeating: 0xFF, count: KeyEncoding.maxSortPartLength + 1)
        }
        return prefix + lowest + [UInt8](repeating: 0xFF, count: KeyEncoding.truncationDigestLength + 1)
    }
}
