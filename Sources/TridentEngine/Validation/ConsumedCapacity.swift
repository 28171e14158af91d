import DynamoModel

/// `ReturnConsumedCapacity`: nothing, the total, or the total with the table's and each index's share.
enum ConsumedCapacityMode: String, Sendable {
    case none = "NONE"
    case total = "TOTAL"
    case indexes = "INDEXES"

    init(_ text: String?) {
        self = text.flatMap(ConsumedCapacityMode.init(rawValue:)) ?? .none
    }

    func report(table: String, units: Double) -> ConsumedCapacityReport? {
        report(table: table, shares: CapacityShares(table: units))
    }

    func report(table: String, shares: CapacityShares) -> ConsumedCapacityReport? {
        self == .none ? nil : ConsumedCapacityReport(mode: self, entries: [(table, shares)])
    }
}

/// Where one request's units went: the table, and each index it read or wrote.
struct CapacityShares: Sendable {
    var table = 0.0
    var globalIndexes: [String: Double] = [:]
    var localIndexes: [String: Double] = [:]

    var total: Double {
        globalIndexes.values.reduce(localIndexes.values.reduce(table, +), +)
    }

    static func += (a: inout CapacityShares, b: CapacityShares) {
        a.table += b.table
        a.globalIndexes.merge(b.globalIndexes, uniquingKeysWith: +)
        a.localIndexes.merge(b.localIndexes, uniquingKeysWith: +)
    }
}

/// The `ConsumedCapacity` member of a response, shaped as DynamoDB sends it: `TableName` and
/// `CapacityUnits` (plus `Table` and the indexes' parts under INDEXES); a list, one entry per
/// table, for batch operations.
struct ConsumedCapacityReport: Sendable {
    let mode: ConsumedCapacityMode
    let entries: [(table: String, shares: CapacityShares)]

    func write(to w: inout JSONWriter, asList: Bool = false) {
        w.key("ConsumedCapacity")
        if asList { w.beginArray() }
        for entry in entries {
            w.beginObject()
            w.key("TableName"); w.string(entry.table)
            w.key("CapacityUnits"); w.number(entry.shares.total)
            if mode == .indexes {
                w.key("Table")
                units(entry.shares.table, to: &w)
                for (member, shares) in [("GlobalSecondaryIndexes", entry.shares.globalIndexes), ("LocalSecondaryIndexes", entry.shares.localIndexes)]
                where !shares.isEmpty {
                    w.key(member)
                    w.beginObject()
                    for (name, value) in shares.sorted(by: { $0.key < $1.key }) {
                        w.key(name)
                        units(value, to: &w)
                    }
                    w.endObject()
                }
            }
            w.endObject()
        }
        if asList { w.endArray() }
    }

    private func units(_ value: Double, to w: inout JSONWriter) {
        w.beginObject()
        w.key("CapacityUnits"); w.number(value)
        w.endObject()
    }
}
