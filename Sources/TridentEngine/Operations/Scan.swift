import DynamoExpressions
import DynamoModel
import TridentStorage

/// Scan: every item of a table (or entry of an index) in storage order — partition-key digest first, which looks unordered
/// as DynamoDB's does — paged by Limit and 1 MB, filtered after reading. A parallel scan's segments
/// are disjoint ranges of the digest space that together cover it.
struct Scan {
    let tableName: String
    let indexName: String?
    let select: String?
    let options: ReadRequestOptions
    let startKey: Item?
    let segment: (index: Int, total: Int)?

    init(_ request: RequestFields) throws(DynamoError) {
        let shared = try PagedReadRequest(request)
        let segment = try request.integer("Segment")
        let totalSegments = try request.integer("TotalSegments")
        let scanFilter = try request.map("ScanFilter", valueType: "com.amazonaws.dynamodb.v20120810.Condition").map {
            (o) throws(DynamoError) in
            try LegacyConditions(o, parameter: "scanFilter", conditionalOperator: shared.conditionalOperator, allowsExists: false)
        }
        let expressions = try ExpressionParameters(
            request, expressions: [.projection, .filter], valueExpressions: [.filter],
            legacy: ["AttributesToGet", "ScanFilter", "ConditionalOperator"])

        var violations = ConstraintViolations()
        shared.addConstraints(to: &violations)
        if let segment, segment < 0 { violations.add(Constraint.minValue(String(segment), "segment", 0)) }
        if let segment, segment > 999_999 { violations.add(Constraint.maxValue(String(segment), "segment", 999_999)) }
        if let totalSegments, totalSegments < 1 { violations.add(Constraint.minValue(String(totalSegments), "totalSegments", 1)) }
        if let totalSegments, totalSegments > 1_000_000 { violations.add(Constraint.maxValue(String(totalSegments), "totalSegments", 1_000_000)) }
        scanFilter?.addConstraints(to: &violations)
        try violations.check()

        switch (segment, totalSegments) {
        case (.some, nil):
            throw DynamoError.validation(
                "The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
        case (nil, .some):
            throw DynamoError.validation(
                "The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
        case let (s?, t?) where s >= t:
            throw DynamoError.validation(
                "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: \(s) is not less than TotalSegments: \(t)"
            )
        default:
            break
        }
        var (startKey, resolver, projection) = try shared.prepare(request, expressions)
        options = try shared.finish(legacyFilter: scanFilter, expressions: expressions, resolver: &resolver, projection: projection)
        self.tableName = shared.tableName!
        self.indexName = shared.indexName
        self.select = shared.select
        self.startKey = startKey
        self.segment = segment.map { ($0, totalSegments!) }
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let scan = try Scan(request)
        let table = try engine.dataTable(scan.tableName)
        let plan = try ReadPlan(
            table: table, indexName: scan.indexName, options: scan.options, select: scan.select,
            filterAttributes: scan.options.filter.map(attributesRead) ?? [], engine: engine)
        let source = plan.source
        let start = try scan.startKey.map { (key) throws(DynamoError) -> [UInt8] in
            guard key.count == source.keyNames.count, source.keyNames.allSatisfy({ key[$0] != nil }) else {
                throw DynamoError.validation("The provided starting key is invalid")
            }
            let storageKey = try source.storageKey(of: key)
            // A parallel scan resumes only inside its own segment.
            if let segment = scan.segment, !Self.digestRange(segment: segment.index, of: segment.total).contains(BigEndian.uint64(storageKey.dropFirst(4))) {
                throw DynamoError.validation("The provided Exclusive start key does not map to the provided Segment and TotalSegments values.")
            }
            return storageKey
        }
        var page = ItemPage(
            keyNames: source.keyNames, limit: scan.options.limit, filter: scan.options.filter, projection: scan.options.projection,
            countOnly: scan.options.countOnly)
        let range = scan.segment.map { Self.digestRange(segment: $0.index, of: $0.total) }
        try engine.read(consistent: scan.options.consistent, extraLag: plan.extraLag, "Scan") { reader in
            let prefix = BigEndian.bytes(source.number)
            var from = prefix + BigEndian.bytes(range?.lowerBound ?? 0)
            if let start, from.lexicographicallyPrecedes(start) { from = start }
            try reader.walk(source.database, from: from) { key, value in
                guard key.starts(with: prefix) else { return false }
                if let range, BigEndian.uint64(key.dropFirst(4)) > range.upperBound { return false }
                if let start, key.elementsEqual(start) { return true }
                let entry = try ItemEncoding.decode(value)
                return plan.fetchesItems ? try page.offer(entry) { try plan.fetch($0, reader) } : page.offer(entry)
            }
        }
        let shares = try plan.charge(page, consistent: scan.options.consistent, engine: engine, operation: "Scan")
        reply(.success(page.response(consumed: scan.options.consumedCapacity.report(table: scan.tableName, shares: shares))))
    }

    /// Segment `index` of `total`: an equal share of the first 8 digest bytes; the last segment runs
    /// to the end, so the segments are disjoint and cover every key.
    static func digestRange(segment index: Int, of total: Int) -> ClosedRange<UInt64> {
        let step = UInt64.max / UInt64(total)
        let lower = UInt64(index) * step
        let upper = index == total - 1 ? UInt64.max : UInt64(index + 1) * step - 1
        return lower...upper
    }
}
