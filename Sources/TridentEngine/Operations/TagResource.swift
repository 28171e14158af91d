import DynamoModel
import TridentStorage

/// TagResource, UntagResource and ListTagsOfResource on a table's ARN. Tags are part of the
/// table's definition: kept, replicated and deleted with it.
enum TagResource {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let arn = try resourceArn(request)
        guard let tags = try TagRules.read(try request.list("Tags")), !tags.isEmpty else {
            throw DynamoError.validation("Atleast one Tag needs to be provided as Input.")
        }
        try changeTags(engine, arn: arn, "TagResource", reply: reply) { existing throws(DynamoError) in try TagRules.merge(tags, into: existing) }
    }

    static func untag(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let arn = try resourceArn(request)
        let keys = try request.stringList("TagKeys")
        var violations = ConstraintViolations()
        violations.notNull(keys != nil, "tagKeys")
        try violations.check()
        if keys!.count > TagRules.maxTags { throw DynamoError.validation("Number of Tags exceed the current limit for the provided ResourceArn") }
        try changeTags(engine, arn: arn, "UntagResource", reply: reply) { existing in existing.filter { !keys!.contains($0.key) } }
    }

    static func list(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let arn = try resourceArn(request)
        let table = try self.table(engine, arn: arn)
        var w = JSONWriter()
        w.beginObject()
        w.key("Tags")
        w.beginArray()
        for tag in table.tags {
            w.beginObject()
            w.key("Key"); w.string(tag.key)
            w.key("Value"); w.string(tag.value)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        reply(.success(w.bytes))
    }

    private static func resourceArn(_ request: RequestFields) throws(DynamoError) -> String {
        let arn = try request.string("ResourceArn")
        var violations = ConstraintViolations()
        violations.notNull(arn != nil, "resourceArn")
        try violations.check()
        guard arn!.hasPrefix("arn:"), arn!.contains(":table/") else {
            throw DynamoError.validation("Invalid TableArn: Invalid ResourceArn provided as input \(arn!)")
        }
        return arn!
    }

    private static func table(_ engine: Engine, arn: String) throws(DynamoError) -> TableDefinition {
        guard let name = arn.split(separator: "/", maxSplits: 1).last.map(String.init), let table = engine.tables.table(name), table.arn == arn else {
            throw DynamoError(resourceNotFound: "Requested resource not found: ResourceArn: \(arn) not found")
        }
        return table
    }

    private static func changeTags(
        _ engine: Engine, arn: String, _ operation: StaticString, reply: @escaping Reply,
        _ change: @escaping @Sendable ([TableTag]) throws(DynamoError) -> [TableTag]
    ) throws(DynamoError) {
        let name = try table(engine, arn: arn).name
        engine.write(operation, reply: reply) { draft in
            guard var table = try Catalog.table(draft.reader, name: name), table.arn == arn else {
                throw DynamoError(resourceNotFound: "Requested resource not found: ResourceArn: \(arn) not found")
            }
            table.tags = try change(table.tags)
            Catalog.save(table, &draft.changes)
            return table
        } respond: { table in
            engine.tables.store(table)
            return Array("{}".utf8)
        }
    }
}
