import DynamoModel
import TridentStorage

/// `ReturnItemCollectionMetrics: SIZE` on a table with local indexes: the partition key of the
/// collection a write touched and its size, as DynamoDB's range of whole gigabytes.
struct ItemCollectionMetrics: Sendable {
    let key: Item
    let bytes: Int

    /// The metrics of a write's effect, when asked for and the table has local indexes.
    init?(requested: Bool, table: TableDefinition, partition: AttributeValue, effect: ItemTable.Effect) {
        guard requested, let bytes = effect.collectionBytes else { return nil }
        key = [table.keySchema.partition.name: partition]
        self.bytes = bytes
    }

    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("ItemCollectionKey")
        w.item(key)
        w.key("SizeEstimateRangeGB")
        let lower = (Double(bytes) / Double(1 << 30)).rounded(.down)
        w.beginArray()
        w.number(lower)
        w.number(lower + 1)
        w.endArray()
        w.endObject()
    }

    /// Refuses a write that grew a collection past the limit.
    static func check(_ effect: ItemTable.Effect, limit: Int) throws(DynamoError) {
        if effect.collectionGrew, let bytes = effect.collectionBytes, bytes > limit { throw DynamoError.itemCollectionTooLarge(limitBytes: limit) }
    }
}
