/// Reading and writing attribute values in DynamoDB JSON (`{"S": "x"}`, `{"N": "1.5"}`, …).
///
/// Reading happens in DynamoDB's two phases: a wrong JSON type (a number where a string belongs,
/// bad base64) is a SerializationException thrown at once; a well-typed but invalid value (empty
/// set, bad number, two type keys) is a ValidationException the caller raises only after the
/// request's constraint checks — so it is recorded in `AttributeValueDecoder.firstProblem`.
public struct AttributeValueDecoder {
    /// The first semantic problem met, in document order.
    public private(set) var firstProblem: DynamoError?

    /// DynamoDB allows 32 levels of nesting, counting the item itself.
    public static let maxNesting = 32

    public init() {}

    /// Decodes a map of attribute values (`Item`, `Key`, `ExpressionAttributeValues`).
    public mutating func decodeMap(_ object: JSONObject) throws(DynamoError) -> Item {
        var item: Item = [:]
        item.reserveCapacity(object.count)
        for member in object.members {
            if let problem = AttributeNames.problem(member.key) { note(problem) }
            item[member.key] = try decode(member.value, depth: 1)
        }
        return item
    }

    public mutating func decode(_ json: JSONValue, depth: Int = 1) throws(DynamoError) -> AttributeValue {
        let object: JSONObject
        switch json {
        case let .object(o): object = o
        case .array: throw .serialization("Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue")
        default: throw .serialization("Unexpected value type in payload")
        }
        if depth > Self.maxNesting { note(.nestingTooDeep) }
        var decoded: [AttributeValue] = []
        for member in object.members where member.value != .null {
            guard let type = AttributeType(rawValue: member.key) else { continue }
            if let value = try decodeTyped(type, member.value, depth: depth) { decoded.append(value) }
        }
        switch decoded.count {
        case 0:
            // Unknown keys only, or every typed member was invalid (already noted).
            if !object.members.contains(where: { AttributeType(rawValue: $0.key) != nil && $0.value != .null }) {
                note(.emptyAttributeValue)
            }
            return .null
        case 1:
            return decoded[0]
        default:
            note(.multipleDatatypes)
            return decoded[0]
        }
    }

    /// Raises the first invalid value met, once the request's constraint checks have passed.
    public func check() throws(DynamoError) {
        if let firstProblem { throw firstProblem }
    }

    private mutating func note(_ problem: DynamoError) {
        if firstProblem == nil { firstProblem = problem }
    }

    /// Returns nil when the member was well-typed but invalid (the problem is noted).
    private mutating func decodeTyped(_ type: AttributeType, _ json: JSONValue, depth: Int) throws(DynamoError) -> AttributeValue? {
        switch type {
        case .string:
            return .string(try RequestFields.string(json))
        case .number:
            return number(try RequestFields.string(json)).map { .number($0) }
        case .binary:
            return .binary(try binary(json))
        case .bool:
            return .bool(try RequestFields.bool(json))
        case .null:
            guard try RequestFields.bool(json) else {
                note(.nullMustBeTrue)
                return nil
            }
            return .null
        case .map:
            guard case let .object(o) = json else {
                if case .array = json {
                    throw .serialization(
                        "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>")
                }
                throw .serialization("Unexpected field type")
            }
            var map: [String: AttributeValue] = [:]
            map.reserveCapacity(o.count)
            for member in o.members where member.value != .null {
                if let problem = AttributeNames.problem(member.key) { note(problem) }
                map[member.key] = try decode(member.value, depth: depth + 1)
            }
            return .map(map)
        case .list:
            let elements = try array(json)
            var list: [AttributeValue] = []
            list.reserveCapacity(elements.count)
            for element in elements { list.append(try decode(element, depth: depth + 1)) }
            return .list(list)
        case .stringSet:
            let members = try array(json).map { (v) throws(DynamoError) in try RequestFields.string(v) }
            guard !members.isEmpty else {
                note(.emptyStringSet)
                return nil
            }
            guard Set(members).count == members.count else {
                note(.stringSetDuplicates(members))
                return nil
            }
            return .stringSet(members)
        case .numberSet:
            let texts = try array(json).map { (v) throws(DynamoError) in try RequestFields.string(v) }
            guard !texts.isEmpty else {
                note(.emptyNumberSet)
                return nil
            }
            var numbers: [DynamoNumber] = []
            for text in texts {
                guard let n = number(text) else { return nil }
                numbers.append(n)
            }
            guard Set(numbers).count == numbers.count else {
                note(.numberSetDuplicates)
                return nil
            }
            return .numberSet(numbers)
        case .binarySet:
            let elements = try array(json)
            var members: [[UInt8]] = []
            for element in elements { members.append(try binary(element)) }
            guard !members.isEmpty else {
                note(.emptyBinarySet)
                return nil
            }
            guard Set(members).count == members.count else {
                note(.binarySetDuplicates(members.map(Base64.encode)))
                return nil
            }
            return .binarySet(members)
        }
    }

    private mutating func number(_ text: String) -> DynamoNumber? {
        do {
            return try DynamoNumber(parsing: text)
        } catch {
            note(.number(error, text: text))
            return nil
        }
    }

    private func binary(_ json: JSONValue) throws(DynamoError) -> [UInt8] {
        switch json {
        case let .string(s):
            switch Base64.decode(s) {
            case let .success(bytes): return bytes
            case let .failure(error): throw error
            }
        case .array: throw .serialization("Unrecognized collection type class java.nio.ByteBuffer")
        default: throw .serialization("only base-64-encoded strings are convertible to bytes")
        }
    }

    private func array(_ json: JSONValue) throws(DynamoError) -> [JSONValue] {
        switch json {
        case let .array(a): return a
        case .object: throw .serialization("Start of structure or map found where not expected")
        default: throw .serialization("Unexpected field type")
        }
    }
}

extension JSONWriter {
    public mutating func attributeValue(_ value: AttributeValue) {
        beginObject()
        key(value.type.rawValue)
        switch value {
        case let .string(s): string(s)
        case let .number(n): string(n.description)
        case let .binary(b): string(Base64.encode(b))
        case let .bool(b): bool(b)
        case .null: bool(true)
        case let .map(m): item(m)
        case let .list(l):
            beginArray()
            for element in l { attributeValue(element) }
            endArray()
        case let .stringSet(ss):
            beginArray()
            for s in ss { string(s) }
            endArray()
        case let .numberSet(ns):
            beginArray()
            for n in ns { string(n.description) }
            endArray()
        case let .binarySet(bs):
            beginArray()
            for b in bs { string(Base64.encode(b)) }
            endArray()
        }
        endObject()
    }

    /// An attribute map: `{"name": {"S": "…"}, …}`.
    public mutating func item(_ item: Item) {
        beginObject()
        for (name, value) in item {
            key(name)
            attributeValue(value)
        }
        endObject()
    }
}
