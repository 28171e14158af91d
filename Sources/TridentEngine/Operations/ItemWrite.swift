import DynamoExpressions
import DynamoModel
import TridentStorage

/// The read-modify-write every item write shares (PutItem, UpdateItem, DeleteItem): one pass on
/// the leader's writer, inside the group transaction — read the stored item, check the condition,
/// compute the new item (a pure function, so the pass may be retried), store it.
struct ItemWrite: Sendable {
    let entry: TableRegistry.Entry
    let key: PrimaryKey
    let condition: WriteCondition
    /// The new item from the old one; nil deletes (or creates nothing).
    let compute: @Sendable (Item?) throws -> Item?

    struct Outcome: Sendable {
        let old: Item?
        let new: Item?
    }

    func run(_ engine: Engine, _ operation: StaticString, reply: @escaping Reply, respond: @escaping @Sendable (Outcome) -> [UInt8]) {
        engine.write(operation, reply: reply) { [self] context in
            let table = try entry.current(in: context.reader)
            let old = try ItemTable.item(context.reader, table: table.number, itemKey: key.storageKey)
            try condition.check(old)
            let new = try compute(old)
            try ItemTable.write(table: table, itemKey: key.storageKey, old: old, new: new, in: &context)
            return Outcome(old: old, new: new)
        } respond: { outcome in
            respond(outcome)
        }
    }
}

/// `{"Attributes": {…}}` when there is something to return, `{}` otherwise.
func attributesResponse(_ attributes: Item?) -> [UInt8] {
    var w = JSONWriter()
    w.beginObject()
    if let attributes, !attributes.isEmpty {
        w.key("Attributes")
        w.item(attributes)
    }
    w.endObject()
    return w.bytes
}
