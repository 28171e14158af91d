import DynamoModel
import TridentStorage

/// DeleteTable: answers with the description in DELETING state; the table and all its items are
/// gone by the time the answer is sent (DynamoDB takes a while, and waiters poll for it).
struct DeleteTable {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try controlPlaneTableName(request)
        guard engine.tables.table(name) != nil else { throw DynamoError.tableNotFound(name) }
        try engine.transient?.checkChangeable(name)
        engine.write("DeleteTable", reply: reply) { draft in
            guard let table = try Catalog.table(draft.reader, name: name) else { throw DynamoError.tableNotFound(name) }
            if table.deletionProtection {
                throw DynamoError.validation(
                    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
            }
            let figures = try TableFigures.read(draft.reader, table)
            Catalog.drop(table, &draft.changes)
            // Its streams go with it (the service keeps them readable for a day; Trident does not).
            for stream in table.streams { StreamLog.drop(stream: stream.number, into: &draft.changes) }
            return (table, figures)
        } respond: { (table, figures) in
            engine.tables.remove(table.name)
            engine.capacity.forget(table)
            engine.transient?.begin(.deleting, table: table.name, ghost: (table, figures))
            var w = JSONWriter()
            w.beginObject()
            w.key("TableDescription")
            w.tableDescription(table, figures: figures, status: "DELETING")
            w.endObject()
            return w.bytes
        }
    }
}
