/// The scalar types a key attribute can have.
public enum ScalarAttributeType: String, Sendable, Hashable, CaseIterable {
    case string = "S"
    case number = "N"
    case binary = "B"

    public var attributeType: AttributeType {
        switch self {
        case .string: .string
        case .number: .number
        case .binary: .binary
        }
    }
}

public struct KeyElement: Sendable, Hashable {
    public var name: String
    public var type: ScalarAttributeType

    public init(name: String, type: ScalarAttributeType) {
        self.name = name
        self.type = type
    }
}

/// A table's primary key: a partition (HASH) key and an optional sort (RANGE) key.
public struct KeySchema: Sendable, Hashable {
    public let partition: KeyElement
    public let sort: KeyElement?
    /// The partition key, then the sort key when there is one (kept: every item request walks it).
    public let elements: [KeyElement]

    public init(partition: KeyElement, sort: KeyElement? = nil) {
        self.partition = partition
        self.sort = sort
        elements = [partition] + (sort.map { [$0] } ?? [])
    }

    public func isKey(_ name: String) -> Bool {
        name == partition.name || name == sort?.name
    }
}

public enum BillingMode: String, Sendable, Hashable {
    case provisioned = "PROVISIONED"
    case payPerRequest = "PAY_PER_REQUEST"
}

public struct ProvisionedThroughput: Sendable, Hashable {
    public var readCapacityUnits: Int
    public var writeCapacityUnits: Int
    public var lastIncreaseDateTime: Double?
    public var lastDecreaseDateTime: Double?
    public var numberOfDecreasesToday: Int = 0

    public init(readCapacityUnits: Int, writeCapacityUnits: Int) {
        self.readCapacityUnits = readCapacityUnits
        self.writeCapacityUnits = writeCapacityUnits
    }
}

public struct TimeToLiveSetting: Sendable, Hashable {
    public var attributeName: String
    public var enabled: Bool

    public init(attributeName: String, enabled: Bool) {
        self.attributeName = attributeName
        self.enabled = enabled
    }
}

public struct TableTag: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Everything the catalog stores about a table.
public struct TableDefinition: Sendable, Hashable {
    public var name: String
    /// DynamoDB's TableId: a UUID, new for every creation of a name.
    public var id: String
    /// Storage prefix of the table's items, never reused, so a re-created name starts empty.
    public var number: UInt32
    public var arn: String
    public var keySchema: KeySchema
    public var attributeDefinitions: [KeyElement]
    /// Seconds since the epoch.
    public var creationDateTime: Double
    public var billingMode: BillingMode
    /// Zero units for on-demand tables, as DescribeTable reports them.
    public var throughput: ProvisionedThroughput
    public var lastUpdateToPayPerRequestDateTime: Double?
    public var timeToLive: TimeToLiveSetting?
    /// Global indexes first, then local ones, each in the order created.
    public var indexes: [SecondaryIndex] = []
    /// Its streams, oldest first: the last may be enabled; disabled ones stay for their retention.
    public var streams: [TableStream] = []
    /// Tags in the order they were added (keys unique).
    public var tags: [TableTag] = []
    public var deletionProtection = false
    public var pointInTimeRecovery = false
    public var tableClass: String?
    public var tableClassUpdated: Double?

    public init(
        name: String, id: String, number: UInt32, arn: String, keySchema: KeySchema, attributeDefinitions: [KeyElement],
        creationDateTime: Double, billingMode: BillingMode, throughput: ProvisionedThroughput
    ) {
        self.name = name
        self.id = id
        self.number = number
        self.arn = arn
        self.keySchema = keySchema
        self.attributeDefinitions = attributeDefinitions
        self.creationDateTime = creationDateTime
        self.billingMode = billingMode
        self.throughput = throughput
    }

    /// The attribute TTL reads, when TTL is enabled.
    public var ttlAttribute: String? {
        guard let ttl = timeToLive, ttl.enabled else { return nil }
        return ttl.attributeName
    }
}
