import DynamoModel

/// `ReturnConsumedCapacity`: nothing, the total, or the total with the table's share (indexes would
/// be listed there too; Trident has none).
enum ConsumedCapacityMode: String, Sendable {
    case none = "NONE"
    case total = "TOTAL"
    case indexes = "INDEXES"

    init(_ text: String?) {
        self = text.flatMap(ConsumedCapacityMode.init(rawValue:)) ?? .none
    }

    func report(table: String, units: Double) -> ConsumedCapacityReport? {
        self == .none ? nil : ConsumedCapacityReport(mode: self, entries: [(table, units)])
    }
}

/// The `ConsumedCapacity` member of a response, shaped as DynamoDB sends it: `TableName` and
/// `CapacityUnits` (plus `Table` under INDEXES); a list, one entry per table, for batch operations.
struct ConsumedCapacityReport: Sendable {
    let mode: ConsumedCapacityMode
    let entries: [(table: String, units: Double)]

    func write(to w: inout JSONWriter, asList: Bool = false) {
        w.key("ConsumedCapacity")
        if asList { w.beginArray() }
        for entry in entries {
            w.beginObject()
            w.key("TableName"); w.string(entry.table)
            w.key("CapacityUnits"); w.number(entry.units)
            if mode == .indexes {
                w.key("Table")
                w.beginObject()
                w.key("CapacityUnits"); w.number(entry.units)
                w.endObject()
            }
            w.endObject()
        }
        if asList { w.endArray() }
    }
}
