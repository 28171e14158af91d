import DynamoExpressions
import DynamoModel
import TridentStorage

/// The read-modify-write every item write shares (PutItem, UpdateItem, DeleteItem), decided once on
/// the leader's writer inside the group transaction: read the stored item, check the condition,
/// compute the new item (a pure function), charge write capacity for the larger of the two and for
/// each index entry it changes (a failed condition is charged too, as DynamoDB does), and hand back
/// the change.
struct ItemWrite: Sendable {
    let entry: TableRegistry.Entry
    let key: PrimaryKey
    let condition: WriteCondition
    /// The size of the item a PutItem would write, charged when its condition fails.
    var attemptedSize: Int? = nil
    /// Whether the stored item's attributes are needed (a condition, an update, ReturnValues);
    /// otherwise only its stored size is read.
    var needsOldItem = true
    /// `ReturnItemCollectionMetrics: SIZE`.
    var returnsMetrics = false
    /// The new item from the old one; nil deletes (or creates nothing).
    let compute: @Sendable (Item?) throws -> Item?

    struct Outcome: Sendable {
        let old: Item?
        let new: Item?
        /// The units charged, to the table and to each index the write changed.
        let shares: CapacityShares
        let table: TableDefinition
        let metrics: ItemCollectionMetrics?
    }

    func run(_ engine: Engine, _ operation: StaticString, reply: @escaping Reply, respond: @escaping @Sendable (Outcome) -> [UInt8]) {
        let collectionLimit = engine.configuration.itemCollectionLimitBytes
        engine.write(operation, reply: reply) { [self] draft in
            let table = try entry.current(in: draft.reader)
            let stored = try ItemTable.stored(draft.reader, table: table.number, itemKey: key.storageKey)
            let old = needsOldItem ? try stored?.item() : nil
            if let failure = condition.failure(on: old) {
                try draft.charge(CapacityUnits.write(oldBytes: stored?.size, newBytes: attemptedSize), .write, table: table)
                throw failure
            }
            let new = try compute(old)
            let newSize = new.map(ItemSize.of)
            let units = CapacityUnits.write(oldBytes: stored?.size, newBytes: newSize)
            let effect = try ItemTable.write(
                table: table, itemKey: key.storageKey, old: stored, oldItem: needsOldItem ? old : nil, new: new, newSize: newSize,
                reader: draft.reader, into: &draft.changes)
            try ItemCollectionMetrics.check(effect, limit: collectionLimit)
            let shares = try draft.chargeWrite(units, indexes: effect.indexes, table: table)
            let metrics = ItemCollectionMetrics(requested: returnsMetrics, table: table, partition: key.partition, effect: effect)
            return Outcome(old: old, new: new, shares: shares, table: table, metrics: metrics)
        } respond: { outcome in
            respond(outcome)
        }
    }
}

/// `{"Attributes": {…}, "ConsumedCapacity": {…}, "ItemCollectionMetrics": {…}}`, each part only
/// when there is something to say.
func writeResponse(_ attributes: Item?, consumed: ConsumedCapacityReport? = nil, metrics: ItemCollectionMetrics? = nil) -> [UInt8] {
    var w = JSONWriter()
    w.beginObject()
    if let attributes, !attributes.isEmpty {
        w.key("Attributes")
        w.item(attributes)
    }
    consumed?.write(to: &w)
    if let metrics {
        w.key("ItemCollectionMetrics")
        metrics.write(to: &w)
    }
    w.endObject()
    return w.bytes
}
