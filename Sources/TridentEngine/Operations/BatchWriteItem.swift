import DynamoModel
import TridentStorage

/// BatchWriteItem: up to 25 puts and deletes over several tables, each atomic on its own (the batch
/// is not). Every request is validated before anything is written. Writes a table's capacity cannot
/// pay for come back in UnprocessedItems — never an all-or-nothing error for throttling, unless no
/// write at all could be made.
struct BatchWriteItem {
    static let maxRequests = 25

    enum Write: Sendable {
        case put(Item)
        case delete(Item)
    }

    struct TableWrites: Sendable {
        let name: String
        let writes: [Write]
    }

    let tables: [TableWrites]
    let consumedCapacity: ConsumedCapacityMode
    let returnsMetrics: Bool

    init(_ request: RequestFields) throws(DynamoError) {
        let items = try request.map("RequestItems", valueType: "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>")
        let consumed = try request.string("ReturnConsumedCapacity")
        let metrics = try request.string("ReturnItemCollectionMetrics")
        var decoder = AttributeValueDecoder()
        var raw: [(name: String, writes: [(put: Item?, delete: Item?, hasPut: Bool, hasDelete: Bool)])] = []
        for member in items?.uniqueMembers ?? [] {
            guard case let .array(list) = member.value else {
                throw DynamoError.serialization(
                    member.value.kindName == "object" ? "Start of structure or map found where not expected" : "Unexpected field type")
            }
            var writes: [(put: Item?, delete: Item?, hasPut: Bool, hasDelete: Bool)] = []
            for element in list {
                let fields = try RequestFields.structure(element, type: "WriteRequest", asListMember: true)
                let put = try fields.structure("PutRequest", type: "PutRequest")
                let delete = try fields.structure("DeleteRequest", type: "DeleteRequest")
                writes.append(
                    (
                        try put.flatMap { (p) throws(DynamoError) in try decoder.decodeMap(p, "Item") },
                        try delete.flatMap { (d) throws(DynamoError) in try decoder.decodeMap(d, "Key") },
                        put != nil, delete != nil
                    ))
            }
            raw.append((member.key, writes))
        }

        var violations = ConstraintViolations()
        if let items {
            if items.isEmpty { violations.add(Constraint.minLength("{}", "requestItems", 1)) }
        } else {
            violations.add(Constraint.notNull("requestItems"))
        }
        for table in raw {
            if !(1...Self.maxRequests).contains(table.writes.count) {
                violations.add(
                    "Value '{\(table.name)=[\(table.writes.count) requests]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
                )
            }
            for (i, write) in table.writes.enumerated() {
                let path = "requestItems.\(table.name).member.\(i + 1).member"
                if write.hasPut && write.put == nil { violations.add(Constraint.notNull(path + ".putRequest.item")) }
                if write.hasDelete && write.delete == nil { violations.add(Constraint.notNull(path + ".deleteRequest.key")) }
            }
        }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        violations.oneOf(metrics, "returnItemCollectionMetrics", ParameterValues.returnItemCollectionMetrics)
        try violations.check()

        if raw.reduce(0, { $0 + $1.writes.count }) > Self.maxRequests {
            throw DynamoError.validation("Too many items requested for the BatchWriteItem call")
        }
        var tables: [TableWrites] = []
        for table in raw {
            var writes: [Write] = []
            for write in table.writes {
                // DynamoDB's own words for a WriteRequest with neither or both requests.
                guard write.hasPut != write.hasDelete else { throw DynamoError.multipleDatatypes }
                if let item = write.put { writes.append(.put(item)) } else if let key = write.delete { writes.append(.delete(key)) }
            }
            tables.append(TableWrites(name: table.name, writes: writes))
        }
        try decoder.check()
        for table in tables {
            for case let .put(item) in table.writes where ItemSize.of(item) > ItemSize.maxItemBytes {
                throw DynamoError.itemTooLarge
            }
        }
        self.tables = tables
        self.consumedCapacity = ConsumedCapacityMode(consumed)
        self.returnsMetrics = metrics == "SIZE"
    }

    /// A write ready to run: its table, key and new item (nil deletes).
    struct Planned: Sendable {
        let entry: TableRegistry.Entry
        let key: PrimaryKey
        let new: Item?
        let request: Write
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let batch = try BatchWriteItem(request)
        var plan: [Planned] = []
        for table in batch.tables {
            let entry = try engine.dataTableEntry(table.name)
            let schema = entry.definition.keySchema
            var seen = Set<[UInt8]>()
            for write in table.writes {
                let key: PrimaryKey
                switch write {
                case let .put(item):
                    // A batch names a missing or mistyped key the way GetItem does, not PutItem.
                    guard schema.elements.allSatisfy({ item[$0.name]?.type == $0.type.attributeType }) else {
                        throw DynamoError.keyDoesNotMatchSchema
                    }
                    key = try PrimaryKey.of(item: item, schema: schema)
                    if !entry.definition.indexes.isEmpty { try IndexKeyValues.check(item, table: entry.definition) }
                    plan.append(Planned(entry: entry, key: key, new: item, request: write))
                case let .delete(k):
                    key = try PrimaryKey.exact(k, schema: schema)
                    plan.append(Planned(entry: entry, key: key, new: nil, request: write))
                }
                guard seen.insert(key.storageKey).inserted else { throw DynamoError.validation("Provided list of item keys contains duplicates") }
            }
        }
        let names = batch.tables.map(\.name)
        let planned = plan
        let collectionLimit = engine.configuration.itemCollectionLimitBytes
        let holds = engine.transactionHolds
        engine.write("BatchWriteItem", reply: reply) { draft in
            var unprocessed: [Int] = []
            var units: [String: CapacityShares] = [:]
            var metrics: [String: [ItemCollectionMetrics]] = [:]
            var current: [String: TableDefinition] = [:]
            for (index, write) in planned.enumerated() {
                let name = write.entry.definition.name
                if current[name] == nil { current[name] = try write.entry.current(in: draft.reader) }
                let table = current[name]!
                if let holds, holds.isHeld(table: table.number, itemKey: write.key.storageKey) { throw DynamoError.transactionConflict }
                let old = try ItemTable.stored(draft.reader, table: table.number, itemKey: write.key.storageKey)
                let newSize = write.new.map(ItemSize.of)
                let cost = CapacityUnits.write(oldBytes: old?.size, newBytes: newSize)
                // The index changes are kept only if the write's capacity is paid.
                var changes = draft.changes
                let effect = try ItemTable.write(
                    table: table, itemKey: write.key.storageKey, old: old, new: write.new, newSize: newSize, reader: draft.reader,
                    into: &changes)
                try ItemCollectionMetrics.check(effect, limit: collectionLimit)
                do {
                    units[name, default: CapacityShares()] += try draft.chargeWrite(cost, indexes: effect.indexes, table: table)
                } catch {
                    unprocessed.append(index)
                    continue
                }
                draft.changes = changes
                if let m = ItemCollectionMetrics(requested: batch.returnsMetrics, table: table, partition: write.key.partition, effect: effect) {
                    metrics[name, default: []].append(m)
                }
            }
            if !planned.isEmpty && unprocessed.count == planned.count { throw DynamoError.throughputExceeded }
            return (unprocessed, units, metrics)
        } respond: { (unprocessed, units, metrics) in
            var w = JSONWriter()
            w.beginObject()
            w.key("UnprocessedItems")
            w.beginObject()
            for name in names {
                let left = unprocessed.map { planned[$0] }.filter { $0.entry.definition.name == name }
                guard !left.isEmpty else { continue }
                w.key(name)
                w.beginArray()
                for write in left {
                    w.beginObject()
                    switch write.request {
                    case let .put(item):
                        w.key("PutRequest"); w.beginObject(); w.key("Item"); w.item(item); w.endObject()
                    case let .delete(key):
                        w.key("DeleteRequest"); w.beginObject(); w.key("Key"); w.item(key); w.endObject()
                    }
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
            if batch.returnsMetrics {
                w.key("ItemCollectionMetrics")
                w.beginObject()
                for name in names {
                    guard let list = metrics[name] else { continue }
                    w.key(name)
                    w.beginArray()
                    for m in list { m.write(to: &w) }
                    w.endArray()
                }
                w.endObject()
            }
            if batch.consumedCapacity != .none {
                ConsumedCapacityReport(mode: batch.consumedCapacity, entries: names.map { ($0, units[$0] ?? CapacityShares()) }).write(to: &w, asList: true)
            }
            w.endObject()
            return w.bytes
        }
    }
}
