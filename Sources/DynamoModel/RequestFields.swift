/// Typed access to a request's JSON members with DynamoDB's deserializer behaviour: a member of the
/// wrong JSON type is a SerializationException (thrown at once, before any constraint check), and a
/// JSON `null` counts as absent.
public struct RequestFields: Sendable {
    public let object: JSONObject
    /// The request body these fields were parsed from (empty for a nested structure): what an
    /// idempotent retry must repeat byte for byte, and whose size some limits apply to.
    public let body: [UInt8]

    public init(_ object: JSONObject, body: [UInt8] = []) {
        self.object = object
        self.body = body
    }

    /// Parses a request body; an empty or malformed body is a bare SerializationException.
    public static func parse(_ body: [UInt8]) throws(DynamoError) -> RequestFields {
        guard !body.isEmpty, case let .object(object)? = try? JSONReader.parse(body) else {
            throw DynamoError.malformedBody
        }
        return RequestFields(object, body: body)
    }

    public func has(_ key: String) -> Bool {
        value(key) != nil
    }

    public func value(_ key: String) -> JSONValue? {
        guard let v = object[key], v != .null else { return nil }
        return v
    }

    public func string(_ key: String) throws(DynamoError) -> String? {
        guard let v = value(key) else { return nil }
        return try Self.string(v)
    }

    public static func string(_ v: JSONValue) throws(DynamoError) -> String {
        switch v {
        case let .string(s): return s
        case let .bool(b): throw .serialization("\(b ? "TRUE" : "FALSE")_VALUE cannot be converted to String")
        case let .number(n): throw .serialization("\(numberKind(n)) cannot be converted to String")
        case .array: throw .serialization("Unrecognized collection type class java.lang.String")
        case .object: throw .serialization("Start of structure or map found where not expected")
        case .null: throw .serialization("Unexpected token received from parser")
        }
    }

    /// An integer member (`Limit`, `Segment`, capacity units). An `Integer` past Java's int range is
    /// a constraint violation (a `Limit` of 1e999999999 is not "no limit"); `Long` values past Int's
    /// range saturate (they fail every constraint anyway).
    public func integer(_ key: String, javaType: String = "Integer") throws(DynamoError) -> Int? {
        guard let v = value(key) else { return nil }
        let n = try Self.integer(v, javaType: javaType)
        if javaType == "Integer", !(Int(Int32.min)...Int(Int32.max)).contains(n), case let .number(text) = v {
            let path = key.prefix(1).lowercased() + key.dropFirst()
            throw DynamoError.constraints([
                n < 0 ? Constraint.minValue(text, path, Int(Int32.min)) : Constraint.maxValue(text, path, Int(Int32.max))
            ])
        }
        return n
    }

    public static func integer(_ v: JSONValue, javaType: String = "Integer") throws(DynamoError) -> Int {
        switch v {
        case let .number(n):
            if let i = Int(n) { return i }
            if let d = Double(n) {
                guard d.isFinite else { return d < 0 ? Int.min : Int.max }
                if d >= 9.2e18 { return Int.max }
                if d <= -9.2e18 { return Int.min }
                return Int(d)
            }
            throw .serialization("\(numberKind(n)) cannot be converted to \(javaType)")
        case .string: throw .serialization("STRING_VALUE cannot be converted to \(javaType)")
        case let .bool(b): throw .serialization("\(b ? "TRUE" : "FALSE")_VALUE cannot be converted to \(javaType)")
        case .array: throw .serialization("Unrecognized collection type class java.lang.\(javaType)")
        case .object: throw .serialization("Start of structure or map found where not expected")
        case .null: throw .serialization("Unexpected token received from parser")
        }
    }

    public func bool(_ key: String) throws(DynamoError) -> Bool? {
        guard let v = value(key) else { return nil }
        return try Self.bool(v)
    }

    public static func bool(_ v: JSONValue) throws(DynamoError) -> Bool {
        switch v {
        case let .bool(b): return b
        case let .number(n): throw .serialization("\(numberKind(n)) cannot be converted to Boolean")
        case .string, .null: throw .serialization("Unexpected token received from parser")
        case .array: throw .serialization("Unrecognized collection type class java.lang.Boolean")
        case .object: throw .serialization("Start of structure or map found where not expected")
        }
    }

    /// A structure member (`ProvisionedThroughput`, `TimeToLiveSpecification`).
    public func structure(_ key: String, type: String) throws(DynamoError) -> RequestFields? {
        guard let v = value(key) else { return nil }
        return try Self.structure(v, type: type, asListMember: false)
    }

    /// A structure, as a member (`Unexpected field type`) or inside a list (`Unexpected value type in payload`).
    public static func structure(_ v: JSONValue, type: String, asListMember: Bool) throws(DynamoError) -> RequestFields {
        switch v {
        case let .object(o): return RequestFields(o)
        case .array: throw .serialization("Unrecognized collection type class com.amazonaws.dynamodb.v20120810.\(type)")
        default: throw .serialization(asListMember ? "Unexpected value type in payload" : "Unexpected field type")
        }
    }

    public func list(_ key: String) throws(DynamoError) -> [JSONValue]? {
        guard let v = value(key) else { return nil }
        switch v {
        case let .array(a): return a
        case .object: throw .serialization("Start of structure or map found where not expected")
        default: throw .serialization("Unexpected field type")
        }
    }

    /// A list of strings (`AttributesToGet`).
    public func stringList(_ key: String) throws(DynamoError) -> [String]? {
        guard let list = try list(key) else { return nil }
        var out: [String] = []
        for element in list { out.append(try Self.string(element)) }
        return out
    }

    /// A map member whose values are parsed by the caller (`Item`, `Key`, `ExpressionAttributeValues`).
    public func map(_ key: String, valueType: String = "com.amazonaws.dynamodb.v20120810.AttributeValue") throws(DynamoError) -> JSONObject? {
        guard let v = value(key) else { return nil }
        switch v {
        case let .object(o): return o
        case .array: throw .serialization("Unrecognized collection type java.util.Map<java.lang.String, \(valueType)>")
        default: throw .serialization("Unexpected field type")
        }
    }

    /// A map of strings to strings (`ExpressionAttributeNames`).
    public func stringMap(_ key: String) throws(DynamoError) -> [String: String]? {
        guard let o = try map(key, valueType: "java.lang.String") else { return nil }
        var out: [String: String] = [:]
        for member in o.members where member.value != .null {
            out[member.key] = try Self.string(member.value)
        }
        return out
    }

    /// Jackson's token names for JSON numbers: integers are NUMBER_VALUE, the rest DECIMAL_VALUE.
    static func numberKind(_ text: String) -> String {
        text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? "DECIMAL_VALUE" : "NUMBER_VALUE"
    }
}

/// Collects constraint violations in request order, then throws them as one message.
public struct ConstraintViolations {
    public private(set) var messages: [String] = []

    public init() {}

    public mutating func add(_ message: String) {
        messages.append(message)
    }

    public func check() throws(DynamoError) {
        if !messages.isEmpty { throw DynamoError.constraints(messages) }
    }

    /// The rules of a table name in data-plane operations: present, `[a-zA-Z0-9_.-]+`, 3 to 255 characters.
    public mutating func tableName(_ name: String?, path: String = "tableName") {
        guard let name else {
            add(Constraint.notNull(path))
            return
        }
        checkName(name, path: path, required: true)
    }

    /// Name rules for an optional member (`ExclusiveStartTableName`).
    public mutating func checkName(_ name: String, path: String, required: Bool) {
        if !TableNames.matchesPattern(name) { add(Constraint.pattern(name, path)) }
        if name.count < 3 { add(Constraint.minLength(name, path, 3)) }
        if name.count > 255 { add(Constraint.maxLength(name, path, 255)) }
    }

    public mutating func notNull(_ present: Bool, _ path: String) {
        if !present { add(Constraint.notNull(path)) }
    }

    /// Checks an enumerated string member against DynamoDB's value set (listed in its order).
    public mutating func oneOf(_ value: String?, _ path: String, _ allowed: [String]) {
        if let value, !allowed.contains(value) { add(Constraint.enumeration(value, path, allowed)) }
    }
}

public enum TableNames {
    public static func matchesPattern(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { b in
                (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2E || b == 0x2D
            }
    }

    /// Control-plane operations (Create/Describe/Delete/UpdateTable, TTL) check the name before
    /// anything else, with their own messages.
    public static func validateControlPlane(_ name: String?) throws(DynamoError) -> String {
        guard let name else { throw DynamoError.tableNameRequired() }
        guard (3...255).contains(name.count) else { throw DynamoError.tableNameLength() }
        return name
    }
}
