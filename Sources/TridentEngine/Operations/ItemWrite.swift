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

    /// The item as the write finds it in the group transaction.
    struct Found {
        let table: TableDefinition
        let stored: StoredItem?
        let old: Item?
    }

    func find(_ reader: StoreReader) throws -> Found {
        let table = try entry.current(in: reader)
        let stored = try ItemTable.stored(reader, table: table.number, itemKey: key.storageKey)
        return Found(table: table, stored: stored, old: needsOldItem ? try stored?.item() : nil)
    }

    /// Makes the write into `draft` once its condition held: the new item, its index entries, the
    /// item-collection limit, and the capacity (`factor` times the units: 2 in a transaction).
    func apply(_ found: Found, to draft: inout WriteDraft, factor: Double = 1, collectionLimit: Int) throws -> Outcome {
        let new = try compute(found.old)
        let newSize = new.map(ItemSize.of)
        let units = CapacityUnits.write(oldBytes: found.stored?.size, newBytes: newSize) * factor
        let effect = try ItemTable.write(
            table: found.table, itemKey: key.storageKey, old: found.stored, oldItem: needsOldItem ? found.old : nil, new: new,
            newSize: newSize, reader: draft.reader, into: &draft.changes)
        try ItemCollectionMetrics.check(effect, limit: collectionLimit)
        let shares = try draft.chargeWrite(units, indexes: effect.indexes, table: found.table, factor: factor)
        let metrics = ItemCollectionMetrics(requested: returnsMetrics, table: found.table, partition: key.partition, effect: effect)
        return Outcome(old: found.old, new: new, shares: shares, table: found.table, metrics: metrics)
    }

    func run(_ engine: Engine, _ operation: StaticString, reply: @escaping Reply, respond: @escaping @Sendable (Outcome) -> [UInt8]) {
        let collectionLimit = engine.configuration.itemCollectionLimitBytes
        let holds = engine.transactionHolds
        engine.write(operation, reply: reply) { [self] draft in
            let found = try find(draft.reader)
            if let holds, holds.isHeld(table: found.table.number, itemKey: key.storageKey) { throw DynamoError.transactionConflict }
            if let failure = condition.failure(on: found.old) {
                try draft.charge(CapacityUnits.write(oldBytes: found.stored?.size, newBytes: attemptedSize), .write, table: found.table)
                throw failure
            }
            return try apply(found, to: &draft, collectionLimit: collectionLimit)
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
