import DynamoModel
import TridentStorage

/// DescribeTable: the definition plus live ItemCount and TableSizeBytes (kept exact on every
/// write, where DynamoDB refreshes them about every six hours).
struct DescribeTable {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try controlPlaneTableName(request)
        guard let table = engine.tables.table(name) else { throw DynamoError.tableNotFound(name) }
        let statistics = try engine.read(consistent: true, "DescribeTable") { try Catalog.statistics($0, table: table.number) }
        var w = JSONWriter()
        w.beginObject()
        w.key("Table")
        w.tableDescription(table, statistics: statistics)
        w.endObject()
        reply(.success(w.bytes))
    }
}

/// The table name of a control-plane request (Describe/Delete/UpdateTable, TTL): required and 3 to 255
/// characters (their own messages), then the character pattern as a constraint.
func controlPlaneTableName(_ request: RequestFields) throws(DynamoError) -> String {
    let name = try TableNames.validateControlPlane(try request.string("TableName"))
    if !TableNames.matchesPattern(name) { throw DynamoError.constraints([Constraint.pattern(name, "tableName")]) }
    return name
}
