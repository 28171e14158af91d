import DynamoModel

/// An item's primary key values, checked against the table's schema, with their storage key.
struct PrimaryKey: Sendable, Hashable {
    let partition: AttributeValue
    let sort: AttributeValue?
    let storageKey: [UInt8]

    static let maxPartitionBytes = 2048
    static let maxSortBytes = 1024

    init(partition: AttributeValue, sort: AttributeValue?) {
        self.partition = partition
        self.sort = sort
        self.storageKey = KeyEncoding.itemKey(partition: partition, sort: sort)
    }

    /// The key as an attribute map (what `Key` and `LastEvaluatedKey` carry).
    func attributes(_ schema: KeySchema) -> Item {
        var item: Item = [schema.partition.name: partition]
        if let sortElement = schema.sort, let sort { item[sortElement.name] = sort }
        return item
    }

    /// The key of an item to write: PutItem's checks, key by key in schema order.
    static func of(item: Item, schema: KeySchema) throws(DynamoError) -> PrimaryKey {
        var values: [AttributeValue] = []
        for element in schema.elements {
            guard let value = item[element.name] else { throw DynamoError.missingKey(element.name) }
            guard value.type == element.type.attributeType else {
                throw DynamoError.keyTypeMismatch(element.name, expected: element.type, actual: value.type)
            }
            try checkNotEmpty(value, name: element.name)
            values.append(value)
        }
        try checkSizes(partition: values[0], sort: values.count > 1 ? values[1] : nil)
        return PrimaryKey(partition: values[0], sort: values.count > 1 ? values[1] : nil)
    }

    /// A `Key` parameter: exactly the schema's attributes with the schema's types (GetItem, DeleteItem, UpdateItem).
    static func exact(_ key: Item, schema: KeySchema) throws(DynamoError) -> PrimaryKey {
        guard key.count == (schema.sort == nil ? 1 : 2) else { throw DynamoError.keyDoesNotMatchSchema }
        func value(of element: KeyElement) throws(DynamoError) -> AttributeValue {
            guard let value = key[element.name], value.type == element.type.attributeType else { throw DynamoError.keyDoesNotMatchSchema }
            return value
        }
        let partition = try value(of: schema.partition)
        let sort = try schema.sort.map { (element) throws(DynamoError) in try value(of: element) }
        try checkNotEmpty(partition, name: schema.partition.name)
        if let sort, let element = schema.sort { try checkNotEmpty(sort, name: element.name) }
        try checkSizes(partition: partition, sort: sort)
        return PrimaryKey(partition: partition, sort: sort)
    }

    private static func checkNotEmpty(_ value: AttributeValue, name: String) throws(DynamoError) {
        switch value {
        case let .string(s) where s.isEmpty: throw DynamoError.emptyKeyValue(name, binary: false)
        case let .binary(b) where b.isEmpty: throw DynamoError.emptyKeyValue(name, binary: true)
        default: break
        }
    }

    private static func checkSizes(partition: AttributeValue, sort: AttributeValue?) throws(DynamoError) {
        if partition.type != .number, KeyEncoding.valueByteCount(partition) > maxPartitionBytes {
            throw DynamoError.partitionKeyTooLong
        }
        if let sort, sort.type != .number, KeyEncoding.valueByteCount(sort) > maxSortBytes {
            throw DynamoError.sortKeyTooLong
        }
    }
}
