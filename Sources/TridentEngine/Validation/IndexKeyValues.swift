import DynamoExpressions
import DynamoModel

/// What a written item must satisfy for the table's indexes: an attribute that is an index key
/// may be missing (the item is then not in that index), but when present it has the defined type,
/// is not empty and fits the key size limits. A failure refuses the whole write.
enum IndexKeyValues {
    /// `byUpdate`: the item is UpdateItem's result (DynamoDB words an empty key differently then).
    static func check(_ item: Item, table: TableDefinition, byUpdate: Bool = false) throws(DynamoError) {
        for index in table.indexes where index.status != .deleting {
            for (element, limit) in zip(index.keySchema.elements, [PrimaryKey.maxPartitionBytes, PrimaryKey.maxSortBytes]) {
                guard let value = item[element.name] else { continue }
                guard value.type == element.type.attributeType else {
                    throw DynamoError.indexKeyTypeMismatch(element.name, expected: element.type, actual: value.type, index: index.name)
                }
                guard element.type != .number else { continue }
                let count = KeyEncoding.valueByteCount(value)
                if count == 0 {
                    throw DynamoError.emptyIndexKeyValue(element.name, binary: element.type == .binary, index: index.name, byUpdate: byUpdate)
                }
                if count > limit {
                    throw limit == PrimaryKey.maxPartitionBytes ? DynamoError.partitionKeyTooLong : DynamoError.sortKeyTooLong
                }
            }
        }
    }

    /// UpdateItem may set an index key only as a whole attribute, never through a document path.
    static func checkPaths(_ paths: [DocumentPath], table: TableDefinition) throws(DynamoError) {
        for path in paths where !path.isTopLevel {
            if table.indexes.contains(where: { $0.keySchema.isKey(path.attribute) }) { throw DynamoError.indexKeyPath(path.attribute) }
        }
    }
}
