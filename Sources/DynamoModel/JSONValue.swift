/// A parsed JSON document, kept close to the bytes: numbers stay text (so `"Limit": 1e400` and
/// 38-digit values lose nothing) and objects keep their members in order.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type's name as DynamoDB's deserializer words it in SerializationException messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var objectValue: JSONObject? {
        if case let .object(o) = self { return o }
        return nil
    }
}

/// A JSON object. Lookups take the last member of a name, as Jackson-based services do.
public struct JSONObject: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) {
        self.members = members
    }

    public subscript(key: String) -> JSONValue? {
        for member in members.reversed() where member.key == key {
            return member.value
        }
        return nil
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }

    /// Members with distinct names, the last occurrence winning.
    public var uniqueMembers: [Member] {
        var seen = Set<String>()
        var out: [Member] = []
        for member in members.reversed() where seen.insert(member.key).inserted {
            out.append(member)
        }
        return out.reversed()
    }
}
