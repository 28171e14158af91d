/// The compact binary form of an item as stored in LMDB (never JSON text).
///
///     item    = 0x01 (format version) │ varint count │ { name │ value } × count
///     name    = varint length │ UTF-8 bytes
///     value   = tag │ payload
///
///     tag  type   payload
///     0x01 S      varint length │ UTF-8 bytes
///     0x02 N      number (below)
///     0x03 B      varint length │ bytes
///     0x04 BOOL   false — no payload
///     0x05 BOOL   true  — no payload
///     0x06 NULL   no payload
///     0x07 M      varint count │ { name │ value } × count
///     0x08 L      varint count │ value × count
///     0x09 SS     varint count │ { varint length │ UTF-8 bytes } × count
///     0x0A NS     varint count │ number × count
///     0x0B BS     varint count │ { varint length │ bytes } × count
///
///     number  = sign (0 or 1) │ exponent + 129 │ varint digit count │ digits, two per byte (high nibble first)
///
/// Tags are frozen: never renumber or reuse one, stored data depends on them.
public enum ItemEncoding {
    static let formatVersion: UInt8 = 0x01

    enum Tag: UInt8 {
        case string = 0x01
        case number = 0x02
        case binary = 0x03
        case boolFalse = 0x04
        case boolTrue = 0x05
        case null = 0x06
        case map = 0x07
        case list = 0x08
        case stringSet = 0x09
        case numberSet = 0x0A
        case binarySet = 0x0B
    }

    public static func encode(_ item: Item) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        out.append(formatVersion)
        writeMap(item, into: &out)
        return out
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Item {
        var reader = Varint.Reader(bytes)
        guard try reader.byte() == formatVersion else { throw Varint.Corrupt("unknown item format") }
        let item = try readMap(&reader, depth: 0)
        guard reader.isAtEnd else { throw Varint.Corrupt("trailing bytes") }
        return item
    }

    public static func decode(_ bytes: [UInt8]) throws -> Item {
        try bytes.withUnsafeBytes { try decode($0) }
    }

    /// One top-level attribute, decoding nothing else (a TTL attribute, read on every write).
    public static func attribute(_ name: String, in bytes: UnsafeRawBufferPointer) throws -> AttributeValue? {
        var reader = Varint.Reader(bytes)
        guard try reader.byte() == formatVersion else { throw Varint.Corrupt("unknown item format") }
        var wanted = name
        return try wanted.withUTF8 { wantedBytes in
            let count = try reader.count()
            for _ in 0..<count {
                let candidate = try reader.slice()
                if candidate.elementsEqual(UnsafeRawBufferPointer(wantedBytes)) { return try readValue(&reader, depth: 0) }
                try skipValue(&reader, depth: 0)
            }
            return nil
        }
    }

    private static func skipValue(_ reader: inout Varint.Reader, depth: Int) throws {
        guard depth < maxDepth else { throw Varint.Corrupt("nesting too deep") }
        guard let tag = Tag(rawValue: try reader.byte()) else { throw Varint.Corrupt("unknown type tag") }
        switch tag {
        case .string, .binary: _ = try reader.slice()
        case .number: _ = try readNumber(&reader)
        case .boolFalse, .boolTrue, .null: break
        case .map:
            for _ in 0..<(try reader.count()) {
                _ = try reader.slice()
                try skipValue(&reader, depth: depth + 1)
            }
        case .list:
            for _ in 0..<(try reader.count()) { try skipValue(&reader, depth: depth + 1) }
        case .stringSet, .binarySet:
            for _ in 0..<(try reader.count()) { _ = try reader.slice() }
        case .numberSet:
            for _ in 0..<(try reader.count()) { _ = try readNumber(&reader) }
        }
    }

    // MARK: writing

    private static func writeMap(_ map: [String: AttributeValue], into out: inout [UInt8]) {
        Varint.write(map.count, into: &out)
        for (name, value) in map {
            Varint.writeBytes(name.utf8, into: &out)
            writeValue(value, into: &out)
        }
    }

    private static func writeValue(_ value: AttributeValue, into out: inout [UInt8]) {
        switch value {
        case let .string(s):
            out.append(Tag.string.rawValue)
            Varint.writeBytes(s.utf8, into: &out)
        case let .number(n):
            out.append(Tag.number.rawValue)
            writeNumber(n, into: &out)
        case let .binary(b):
            out.append(Tag.binary.rawValue)
            Varint.writeBytes(b, into: &out)
        case let .bool(b):
            out.append(b ? Tag.boolTrue.rawValue : Tag.boolFalse.rawValue)
        case .null:
            out.append(Tag.null.rawValue)
        case let .map(m):
            out.append(Tag.map.rawValue)
            writeMap(m, into: &out)
        case let .list(l):
            out.append(Tag.list.rawValue)
            Varint.write(l.count, into: &out)
            for element in l { writeValue(element, into: &out) }
        case let .stringSet(ss):
            out.append(Tag.stringSet.rawValue)
            Varint.write(ss.count, into: &out)
            for s in ss { Varint.writeBytes(s.utf8, into: &out) }
        case let .numberSet(ns):
            out.append(Tag.numberSet.rawValue)
            Varint.write(ns.count, into: &out)
            for n in ns { writeNumber(n, into: &out) }
        case let .binarySet(bs):
            out.append(Tag.binarySet.rawValue)
            Varint.write(bs.count, into: &out)
            for b in bs { Varint.writeBytes(b, into: &out) }
        }
    }

    private static func writeNumber(_ n: DynamoNumber, into out: inout [UInt8]) {
        out.append(n.isNegative ? 1 : 0)
        out.append(UInt8(n.exponent + 129))
        Varint.write(n.digits.count, into: &out)
        var i = 0
        while i < n.digits.count {
            let low = i + 1 < n.digits.count ? n.digits[i + 1] : 0
            out.append(n.digits[i] << 4 | low)
            i += 2
        }
    }

    // MARK: reading

    /// Items nest at most 32 levels in DynamoDB; anything deeper is corruption.
    static let maxDepth = 64

    private static func readMap(_ reader: inout Varint.Reader, depth: Int) throws -> [String: AttributeValue] {
        let count = try reader.count()
        var map: [String: AttributeValue] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.string()
            map[name] = try readValue(&reader, depth: depth)
        }
        return map
    }

    private static func readValue(_ reader: inout Varint.Reader, depth: Int) throws -> AttributeValue {
        guard depth < maxDepth else { throw Varint.Corrupt("nesting too deep") }
        guard let tag = Tag(rawValue: try reader.byte()) else { throw Varint.Corrupt("unknown type tag") }
        switch tag {
        case .string: return .string(try reader.string())
        case .number: return .number(try readNumber(&reader))
        case .binary: return .binary(try reader.bytes())
        case .boolFalse: return .bool(false)
        case .boolTrue: return .bool(true)
        case .null: return .null
        case .map: return .map(try readMap(&reader, depth: depth + 1))
        case .list:
            let count = try reader.count()
            var list: [AttributeValue] = []
            list.reserveCapacity(count)
            for _ in 0..<count { list.append(try readValue(&reader, depth: depth + 1)) }
            return .list(list)
        case .stringSet:
            let count = try reader.count()
            var set: [String] = []
            set.reserveCapacity(count)
            for _ in 0..<count { set.append(try reader.string()) }
            return .stringSet(set)
        case .numberSet:
            let count = try reader.count()
            var set: [DynamoNumber] = []
            set.reserveCapacity(count)
            for _ in 0..<count { set.append(try readNumber(&reader)) }
            return .numberSet(set)
        case .binarySet:
            let count = try reader.count()
            var set: [[UInt8]] = []
            set.reserveCapacity(count)
            for _ in 0..<count { set.append(try reader.bytes()) }
            return .binarySet(set)
        }
    }

    static func readNumber(_ reader: inout Varint.Reader) throws -> DynamoNumber {
        let negative = try reader.byte() == 1
        let exponent = Int(try reader.byte()) - 129
        let count = try reader.varint()
        guard count <= DynamoNumber.maxDigits else { throw Varint.Corrupt("number too long") }
        var digits: [UInt8] = []
        digits.reserveCapacity(count)
        for _ in 0..<((count + 1) / 2) {
            let pair = try reader.byte()
            digits.append(pair >> 4)
            if digits.count < count { digits.append(pair & 0x0F) }
        }
        return DynamoNumber(uncheckedDigits: digits, exponent: exponent, isNegative: negative)
    }
}
