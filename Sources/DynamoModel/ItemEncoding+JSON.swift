/// Writes a stored item straight to DynamoDB JSON, without building `AttributeValue`s — the read
/// path's fast lane (GetItem, Query and Scan without projection) — and measures its DynamoDB item
/// size on the way (see `ItemSize`), so reads can be charged without decoding.
extension ItemEncoding {
    /// Returns the item's size by DynamoDB's rules.
    @discardableResult
    public static func writeJSON(_ bytes: UnsafeRawBufferPointer, to w: inout JSONWriter) throws -> Int {
        try writeJSON(bytes, to: &w, measuring: false)
    }

    /// The item's size by DynamoDB's rules, from its stored bytes.
    public static func size(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        var discard = JSONWriter(capacity: 0)
        return try writeJSON(bytes, to: &discard, measuring: true)
    }

    private static func writeJSON(_ bytes: UnsafeRawBufferPointer, to w: inout JSONWriter, measuring: Bool) throws -> Int {
        var reader = Varint.Reader(bytes)
        guard try reader.byte() == formatVersion else { throw Varint.Corrupt("unknown item format") }
        // The writer moves into the sink and back (a copy would make its next append copy the buffer).
        var sink = Sink(writer: JSONWriter(capacity: 0), measuring: measuring)
        swap(&sink.writer, &w)
        defer { swap(&sink.writer, &w) }
        let size = try sink.map(&reader, depth: 0, nested: false)
        guard reader.isAtEnd else { throw Varint.Corrupt("trailing bytes") }
        return size
    }

    /// Walks the encoding once, writing JSON (unless only measuring) and adding up the size.
    private struct Sink {
        var writer: JSONWriter
        let measuring: Bool

        /// A map's members; a nested map costs 3 bytes plus 1 per member on top of names and values.
        mutating func map(_ reader: inout Varint.Reader, depth: Int, nested: Bool) throws -> Int {
            guard depth < ItemEncoding.maxDepth else { throw Varint.Corrupt("nesting too deep") }
            let count = try reader.count()
            var size = nested ? 3 + count : 0
            if !measuring { writer.beginObject() }
            for _ in 0..<count {
                let name = try reader.slice()
                size += name.count
                if !measuring { writer.key(utf8: name) }
                size += try value(&reader, depth: depth)
            }
            if !measuring { writer.endObject() }
            return size
        }

        mutating func value(_ reader: inout Varint.Reader, depth: Int) throws -> Int {
            guard let tag = Tag(rawValue: try reader.byte()) else { throw Varint.Corrupt("unknown type tag") }
            if !measuring {
                writer.beginObject()
                writer.key(tagName(tag))
            }
            defer { if !measuring { writer.endObject() } }
            switch tag {
            case .string:
                let s = try reader.slice()
                if !measuring { writer.string(utf8: s) }
                return s.count
            case .number:
                return try number(&reader)
            case .binary:
                let b = try reader.slice()
                if !measuring { writer.string(Base64.encode(Array(b))) }
                return b.count
            case .boolFalse, .boolTrue:
                if !measuring { writer.bool(tag == .boolTrue) }
                return 1
            case .null:
                if !measuring { writer.bool(true) }
                return 1
            case .map:
                return try map(&reader, depth: depth + 1, nested: true)
            case .list:
                let count = try reader.count()
                var size = 3
                if !measuring { writer.beginArray() }
                for _ in 0..<count { size += 1 + (try value(&reader, depth: depth + 1)) }
                if !measuring { writer.endArray() }
                return size
            case .stringSet, .binarySet:
                let count = try reader.count()
                var size = 0
                if !measuring { writer.beginArray() }
                for _ in 0..<count {
                    let member = try reader.slice()
                    size += member.count
                    if !measuring {
                        if tag == .stringSet { writer.string(utf8: member) } else { writer.string(Base64.encode(Array(member))) }
                    }
                }
                if !measuring { writer.endArray() }
                return size
            case .numberSet:
                let count = try reader.count()
                var size = 0
                if !measuring { writer.beginArray() }
                for _ in 0..<count { size += try number(&reader) }
                if !measuring { writer.endArray() }
                return size
            }
        }

        /// A stored number's text, written from its packed digits (no number, no string in between).
        mutating func number(_ reader: inout Varint.Reader) throws -> Int {
            let negative = try reader.byte() == 1
            let exponent = Int(try reader.byte()) - 129
            let count = try reader.varint()
            guard count <= DynamoNumber.maxDigits else { throw Varint.Corrupt("number too long") }
            if !measuring {
                try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DynamoNumber.maxDigits + 1) { digits in
                    var i = 0
                    while i < count {
                        let pair = try reader.byte()
                        digits[i] = pair >> 4
                        digits[i + 1] = pair & 0x0F
                        i += 2
                    }
                    let used = UnsafeBufferPointer(rebasing: digits[0..<count])
                    writer.string(unescaped:) { DynamoNumber.appendText(digits: used, exponent: exponent, isNegative: negative, to: &$0) }
                }
            } else {
                for _ in 0..<((count + 1) / 2) { _ = try reader.byte() }
            }
            return ItemSize.ofNumber(digitCount: count, exponent: exponent, isNegative: negative)
        }

        func tagName(_ tag: Tag) -> String {
            switch tag {
            case .string: "S"
            case .number: "N"
            case .binary: "B"
            case .boolFalse, .boolTrue: "BOOL"
            case .null: "NULL"
            case .map: "M"
            case .list: "L"
            case .stringSet: "SS"
            case .numberSet: "NS"
            case .binarySet: "BS"
            }
        }
    }
}
