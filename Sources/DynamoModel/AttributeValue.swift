/// One DynamoDB attribute value, of one of the ten types.
///
/// Sets keep the order they arrived in (DynamoDB returns sets in an unspecified order) and never
/// hold duplicates or nothing: the JSON reader rejects both, and set operations preserve it.
public indirect enum AttributeValue: Sendable, Hashable {
    case string(String)
    case number(DynamoNumber)
    case binary([UInt8])
    case bool(Bool)
    case null
    case map([String: AttributeValue])
    case list([AttributeValue])
    case stringSet([String])
    case numberSet([DynamoNumber])
    case binarySet([[UInt8]])

    public var type: AttributeType {
        switch self {
        case .string: .string
        case .number: .number
        case .binary: .binary
        case .bool: .bool
        case .null: .null
        case .map: .map
        case .list: .list
        case .stringSet: .stringSet
        case .numberSet: .numberSet
        case .binarySet: .binarySet
        }
    }

    /// Set equality ignores element order, as DynamoDB's comparisons do.
    public static func == (lhs: AttributeValue, rhs: AttributeValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.binary(a), .binary(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null): true
        case let (.map(a), .map(b)): a == b
        case let (.list(a), .list(b)): a == b
        case let (.stringSet(a), .stringSet(b)): a.count == b.count && Set(a) == Set(b)
        case let (.numberSet(a), .numberSet(b)): a.count == b.count && Set(a) == Set(b)
        case let (.binarySet(a), .binarySet(b)): a.count == b.count && Set(a) == Set(b)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        switch self {
        case let .string(v): hasher.combine(v)
        case let .number(v): hasher.combine(v)
        case let .binary(v): hasher.combine(v)
        case let .bool(v): hasher.combine(v)
        case .null: break
        case let .map(v): hasher.combine(v)
        case let .list(v): hasher.combine(v)
        case let .stringSet(v): hasher.combine(Set(v))
        case let .numberSet(v): hasher.combine(Set(v))
        case let .binarySet(v): hasher.combine(Set(v))
        }
    }
}

/// The type descriptors of the wire format. Raw values are the JSON keys (`{"S": "x"}`).
public enum AttributeType: String, Sendable, Hashable, CaseIterable {
    case string = "S"
    case number = "N"
    case binary = "B"
    case bool = "BOOL"
    case null = "NULL"
    case map = "M"
    case list = "L"
    case stringSet = "SS"
    case numberSet = "NS"
    case binarySet = "BS"

    public var isSet: Bool { self == .stringSet || self == .numberSet || self == .binarySet }
}

/// An item: attribute names to values.
public typealias Item = [String: AttributeValue]
