import DynamoModel
import TridentStorage

/// DescribeTable: the definition plus the live figures of the table and its indexes.
struct DescribeTable {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try controlPlaneTableName(request)
        let transition = engine.transient?.transition(name)
        guard let table = engine.tables.table(name) else {
            guard let ghost = transition?.ghost else { throw DynamoError.tableNotFound(name) }
            var w = JSONWriter()
            w.beginObject()
            w.key("Table")
            w.tableDescription(ghost.table, figures: ghost.figures, status: "DELETING")
            w.endObject()
            return reply(.success(w.bytes))
        }
        let figures = try engine.read(consistent: true, "DescribeTable") { try TableFigures.read($0, table) }
        var w = JSONWriter()
        w.beginObject()
        w.key("Table")
        w.tableDescription(
            table, figures: figures, status: transition?.status.rawValue ?? "ACTIVE", creatingIndexes: transition?.creatingIndexes ?? [])
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
