import DynamoModel
import TridentStorage

/// DescribeTable: the definition plus the live figures of the table and its indexes.
struct DescribeTable {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try controlPlaneTableName(request)
        guard let table = engine.tables.table(name) else { throw DynamoError.tableNotFound(name) }
        let figures = try engine.read(consistent: true, "DescribeTable") { try TableFigures.read($0, table) }
        var w = JSONWriter()
        w.beginObject()
        w.key("Table")
        w.tableDescription(table, figures: figures)
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
