import DynamoExpressions
import DynamoModel
import TridentStorage

/// Query: the items of one partition in sort-key order (or reverse), narrowed by a sort-key
/// condition, paged by Limit and 1 MB, filtered after reading. Key conditions come from
/// KeyConditionExpression or the legacy KeyConditions; filters from FilterExpression or QueryFilter.
struct Query {
    let tableName: String
    let indexName: String?
    let select: String?
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

        var violations = ConstraintViolations()
        shared.addConstraints(to: &violations)
        keyConditionsFilter?.addConstraints(to: &violations)
        queryFilter?.addConstraints(to: &violations)
        try violations.check()

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
        self.indexName = shared.indexName
        self.select = shared.select
        self.forward = forward ?? true
        self.startKey = startKey
        self.filterAttributes = options.filter.map(attributesRead) ?? []
        self.filterIsLegacy = queryFilter != nil
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        try run(engine, request, keysInFilter: false, reply)
    }

    /// `keysInFilter`: a PartiQL SELECT's other conditions on key attributes are filtered like the rest.
    static func run(_ engine: Engine, _ request: RequestFields, keysInFilter: Bool, _ reply: @escaping Reply) throws(DynamoError) {
        let query = try Query(request)
        let table = try engine.dataTable(query.tableName)
        let plan = try ReadPlan(
            table: table, indexName: query.indexName, options: query.options, select: query.select,
            filterAttributes: query.filterAttributes, engine: engine)
        let source = plan.source
        let schema = source.keySchema
        let (partition, sort) = try query.keyConditions.resolve(schema)
        if !keysInFilter, let key = query.filterAttributes.first(where: schema.isKey) {
            throw DynamoError.validation(
                "\(query.filterIsLegacy ? "QueryFilter" : "Filter Expression") can only contain non-primary key attributes: Primary key attribute: \(key)"
            )
        }
        let start = try query.startKey.map { (key) throws(DynamoError) in try startPosition(key, source: source, partition: partition, sort: sort) }
        var page = ItemPage(
            keyNames: source.keyNames, limit: query.options.limit, filter: query.options.filter, projection: query.options.projection,
            countOnly: query.options.countOnly)
        try engine.read(consistent: query.options.consistent, extraLag: plan.extraLag, "Query") { reader in
            let walk = PartitionWalk(source: source, partition: partition, sort: sort, after: start, forward: query.forward)
            try walk.run(reader) { entry in
                plan.fetchesItems ? try page.offer(entry) { try plan.fetch($0, reader) } : page.offer(entry)
            }
        }
        let shares = try plan.charge(page, consistent: query.options.consistent, engine: engine, operation: "Query")
        reply(.success(page.response(consumed: query.options.consumedCapacity.report(table: query.tableName, shares: shares))))
    }

    /// Checks an ExclusiveStartKey against the table or index and the query; returns where the walk resumes.
    static func startPosition(_ key: Item, source: ReadSource, partition: AttributeValue, sort: KeyConditions.SortCondition?)
        throws(DynamoError) -> PartitionWalk.Position
    {
        let names = source.keyNames
        guard key.count == names.count, names.allSatisfy({ key[$0] != nil }) else {
            throw DynamoError.validation("The provided starting key is invalid")
        }
        let storageKey = try source.storageKey(of: key)
        let schema = source.keySchema
        guard key[schema.partition.name] == partition else {
            throw DynamoError.validation("The provided starting key is outside query boundaries based on provided conditions")
        }
        // An index key can be shared by many items: only a table key names one row.
        let unique = source.index == nil
        guard let sortKey = schema.sort else {
            // The service words this one as an invalid key (an equality on the sort key below, not).
            if unique { throw DynamoError.validation("The provided starting key is invalid: The query can return at most one row and cannot be restarted") }
            return PartitionWalk.Position(sortValue: nil, storageKey: storageKey)
        }
        let value = key[sortKey.name]!
        if unique, case .equal = sort { throw DynamoError.validation("The query can return at most one row and cannot be restarted") }
        if let sort, !sort.holds(value) { throw DynamoError.validation("The provided starting key does not match the range key predicate") }
        return PartitionWalk.Position(sortValue: value, storageKey: storageKey)
    }
}
