import DynamoModel

/// The GetItem nearly every session store sends — a table name, a key of string or number values,
/// perhaps `ConsistentRead` and `ReturnConsumedCapacity`, nothing escaped and nothing else — read
/// straight from the request bytes, without a JSON tree and an attribute decoder in between.
///
/// Anything else, valid or not, is nil here and takes the general path (`init(_: RequestFields)`),
/// which owns every error message: this path only ever accepts requests the general one accepts
/// with the same meaning, so the two cannot answer differently.
extension GetItem {
    init?(plain body: [UInt8]) {
        guard
            let fields = body.withUnsafeBufferPointer({ bytes in
                var scanner = PlainRequestScanner(bytes: bytes)
                return scanner.getItem()
            })
        else { return nil }
        guard TableNames.matchesPattern(fields.tableName), (3...255).contains(fields.tableName.utf8.count) else { return nil }
        if let consumed = fields.consumed, !ParameterValues.returnConsumedCapacity.contains(consumed) { return nil }
        tableName = fields.tableName
        key = fields.key
        consistent = fields.consistent
        projection = .all
        consumedCapacity = ConsumedCapacityMode(fields.consumed)
    }
}

/// A strict reader of the plain request shape: one top-level object whose members are each named
/// at most once, strings without escapes, key values `{"S": …}` or `{"N": …}`.
private struct PlainRequestScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    struct GetItemFields {
        var tableName = ""
        var key: Item = [:]
        var consistent = false
        var consumed: String?
    }

    mutating func getItem() -> GetItemFields? {
        var fields = GetItemFields()
        var seen: (table: Bool, key: Bool, consistent: Bool, consumed: Bool) = (false, false, false, false)
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let name = string(), take(UInt8(ascii: ":")) else { return nil }
            switch name {
            case "TableName" where !seen.table:
                seen.table = true
                guard let table = string() else { return nil }
                fields.tableName = table
            case "Key" where !seen.key:
                seen.key = true
                guard let key = key() else { return nil }
                fields.key = key
            case "ConsistentRead" where !seen.consistent:
                seen.consistent = true
                guard let consistent = bool() else { return nil }
                fields.consistent = consistent
            case "ReturnConsumedCapacity" where !seen.consumed:
                seen.consumed = true
                guard let consumed = string() else { return nil }
                fields.consumed = consumed
            default:
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), seen.table, seen.key else { return nil }
        skipWhitespace()
        return position == bytes.count ? fields : nil
    }

    /// One or two attributes, each `{"S": "…"}` or `{"N": "…"}`, distinct names.
    private mutating func key() -> Item? {
        var key: Item = [:]
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            // A name the general path refuses (empty) goes there for its error.
            guard key.count < 2, let name = string(), !name.isEmpty, key[name] == nil, take(UInt8(ascii: ":")), take(UInt8(ascii: "{")) else {
                return nil
            }
            guard let type = string(), take(UInt8(ascii: ":")), let text = string(), take(UInt8(ascii: "}")) else { return nil }
            switch type {
            case "S": key[name] = .string(text)
            case "N":
                guard let number = try? DynamoNumber(parsing: text) else { return nil }
                key[name] = .number(number)
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? key : nil
    }

    private mutating func bool() -> Bool? {
        skipWhitespace()
        if matches("true") { return true }
        if matches("false") { return false }
        return nil
    }

    /// A string with no escape and no control character (those take the general path).
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        let end = ByteScan.firstSpecial(in: bytes, from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        position = end + 1
        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if ByteScan.isASCII(text) { return String(decoding: text, as: UTF8.self) }
        return String(validating: text, as: UTF8.self)
    }

    private mutating func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for i in 0..<count where bytes[position + i] != literal.utf8Start[i] { return false }
        position += count
        return true
    }

    /// Skips whitespace, then consumes `byte` if it is next.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09 {
            position += 1
        }
    }
}
