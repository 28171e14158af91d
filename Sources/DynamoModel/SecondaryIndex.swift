/// A global or local secondary index: another key over a table's items, holding for each item that
/// has every index key attribute (with the defined type) an *entry* — the item projected to the
/// table's keys, the index's keys and the attributes the projection names.
public struct SecondaryIndex: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Any partition key; eventually consistent; its own throughput.
        case global
        /// The table's partition key, another sort key; strongly consistent if asked; the table's throughput.
        case local
    }

    public enum ProjectionType: String, Sendable, Hashable, CaseIterable {
        case all = "ALL"
        case keysOnly = "KEYS_ONLY"
        case include = "INCLUDE"
    }

    public enum Status: String, Sendable, Hashable {
        case creating = "CREATING"
        case active = "ACTIVE"
        case deleting = "DELETING"
    }

    public var name: String
    public var kind: Kind
    public var keySchema: KeySchema
    public var projectionType: ProjectionType
    /// INCLUDE's attributes, as given.
    public var nonKeyAttributes: [String]
    /// A global index's own throughput (zero units on on-demand tables); unused for local ones.
    public var throughput: ProvisionedThroughput
    public var status: Status
    /// Created by UpdateTable and still being filled from the table's items.
    public var backfilling: Bool
    /// Storage prefix of the index's entries (from the table-number counter, never reused).
    public var number: UInt32

    public init(
        name: String, kind: Kind, keySchema: KeySchema, projectionType: ProjectionType, nonKeyAttributes: [String] = [],
        throughput: ProvisionedThroughput = ProvisionedThroughput(readCapacityUnits: 0, writeCapacityUnits: 0), status: Status = .active,
        backfilling: Bool = false, number: UInt32 = 0
    ) {
        self.name = name
        self.kind = kind
        self.keySchema = keySchema
        self.projectionType = projectionType
        self.nonKeyAttributes = nonKeyAttributes
        self.throughput = throughput
        self.status = status
        self.backfilling = backfilling
        self.number = number
    }

    /// The index's key values in `item`, or nil when the item is not in the index: an index key
    /// attribute is missing, of another type, empty, or longer than a key may be (a backfill skips
    /// such items; writes refuse them before they get here).
    public func keyValues(of item: Item) -> (partition: AttributeValue, sort: AttributeValue?)? {
        guard let partition = item[keySchema.partition.name], Self.isValidKey(partition, keySchema.partition, limit: 2048) else { return nil }
        guard let element = keySchema.sort else { return (partition, nil) }
        guard let sort = item[element.name], Self.isValidKey(sort, element, limit: 1024) else { return nil }
        return (partition, sort)
    }

    private static func isValidKey(_ value: AttributeValue, _ element: KeyElement, limit: Int) -> Bool {
        guard value.type == element.type.attributeType else { return false }
        let count = KeyEncoding.valueByteCount(value)
        return element.type == .number || (count > 0 && count <= limit)
    }

    /// Whether the index holds `attribute` in its entries, for a table with `tableKeys`.
    public func projects(_ attribute: String, tableKeys: KeySchema) -> Bool {
        switch projectionType {
        case .all: true
        case .keysOnly: tableKeys.isKey(attribute) || keySchema.isKey(attribute)
        case .include: tableKeys.isKey(attribute) || keySchema.isKey(attribute) || nonKeyAttributes.contains(attribute)
        }
    }

    /// The entry `item` has in the index, or nil when it has none.
    public func entry(of item: Item, tableKeys: KeySchema) -> Item? {
        guard keyValues(of: item) != nil else { return nil }
        if projectionType == .all { return item }
        var entry: Item = [:]
        for (name, value) in item where projects(name, tableKeys: tableKeys) { entry[name] = value }
        return entry
    }

    /// The attributes of an entry that identify it: the table's keys and the index's keys (what
    /// LastEvaluatedKey holds and ExclusiveStartKey must hold).
    public func entryKeyNames(tableKeys: KeySchema) -> [String] {
        var names = tableKeys.elements.map(\.name)
        for element in keySchema.elements where !names.contains(element.name) { names.append(element.name) }
        return names
    }
}

extension TableDefinition {
    public func index(named name: String) -> SecondaryIndex? {
        indexes.first { $0.name == name }
    }

    public var hasLocalIndexes: Bool {
        indexes.contains { $0.kind == .local }
    }

    /// The ARN of one of the table's indexes.
    public func indexArn(_ index: SecondaryIndex) -> String {
        arn + "/index/" + index.name
    }
}
