import DynamoModel

/// ListTables: names in ascending order, pages of `Limit` (default and maximum 100); the page ends
/// with LastEvaluatedTableName only when more names follow.
struct ListTables {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let start = try request.string("ExclusiveStartTableName")
        let limit = try request.integer("Limit")
        var violations = ConstraintViolations()
        if let start { violations.checkName(start, path: "exclusiveStartTableName", required: false) }
        if let limit {
            if limit < 1 { violations.add(Constraint.minValue(String(limit), "limit", 1)) }
            if limit > 100 { violations.add(Constraint.maxValue(String(limit), "limit", 100)) }
        }
        try violations.check()

        let all = engine.transient.map { Array(Set(engine.tables.names).union($0.deletingNames)).sorted() } ?? engine.tables.names
        let names = all.filter { start == nil || $0 > start! }
        let page = names.prefix(limit ?? 100)
        var w = JSONWriter()
        w.beginObject()
        w.key("TableNames")
        w.beginArray()
        for name in page { w.string(name) }
        w.endArray()
        if page.count < names.count, let last = page.last {
            w.key("LastEvaluatedTableName")
            w.string(last)
        }
        w.endObject()
        reply(.success(w.bytes))
    }
}
