import DynamoModel

/// ListStreams: the readable streams of one table or of all, by table name then age, paged with
/// `Limit` and `ExclusiveStartStreamArn`.
enum ListStreams {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let tableName = try request.string("TableName")
        let limit = try request.integer("Limit")
        let start = try request.string("ExclusiveStartStreamArn")
        var violations = ConstraintViolations()
        if let tableName { violations.checkName(tableName, path: "tableName", required: true) }
        if let limit {
            if limit < 1 { violations.add(Constraint.minValue(String(limit), "limit", 1)) }
            if limit > 100 { violations.add(Constraint.maxValue(String(limit), "limit", 100)) }
        }
        try violations.check()
        let tables = tableName.map { name in engine.tables.table(name).map { [$0] } ?? [] } ?? engine.tables.all.sorted { $0.name < $1.name }
        if let tableName, tables.isEmpty { throw DynamoError.tableNotFound(tableName) }
        var streams = tables.flatMap { table in table.streams.filter(engine.isReadable).map { LocatedStream(table: table, stream: $0) } }
        if let start, let i = streams.firstIndex(where: { $0.arn == start }) { streams.removeFirst(i + 1) }
        let page = streams.prefix(limit ?? 100)
        var w = JSONWriter()
        w.beginObject()
        w.key("Streams")
        w.beginArray()
        for located in page {
            w.beginObject()
            w.key("StreamArn"); w.string(located.arn)
            w.key("TableName"); w.string(located.table.name)
            w.key("StreamLabel"); w.string(located.stream.label)
            w.endObject()
        }
        w.endArray()
        if page.count < streams.count, let last = page.last {
            w.key("LastEvaluatedStreamArn"); w.string(last.arn)
        }
        w.endObject()
        reply(.success(w.bytes))
    }
}
