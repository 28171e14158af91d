/// A strict JSON parser (RFC 8259) over the request bytes, with a nesting limit so no input can
/// exhaust the stack.
public struct JSONReader {
    public struct Failure: Error, Equatable, Sendable {
        public let offset: Int
        public let reason: String
    }

    public static let maxDepth = 128

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(Failure) in
            var reader = JSONReader(buffer: buffer)
            reader.skipWhitespace()
            let value = try reader.parseValue(depth: 0)
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw reader.failure("unexpected content after the document") }
            return value
        }
    }

    private let buffer: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: position, reason: reason)
    }

    private mutating func skipWhitespace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
        guard position < buffer.count else { throw failure("unexpected end of input") }
        switch buffer[position] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw failure("nesting too deep") }
            return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw failure("nesting too deep") }
            return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw failure("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw failure("unexpected end of input") }
        let start = literal.utf8Start
        for i in 0..<count where buffer[position + i] != start[i] {
            throw failure("invalid literal")
        }
        position += count
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSONObject {
        position += 1
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if position < buffer.count && buffer[position] == UInt8(ascii: "}") {
            position += 1
            return JSONObject(members)
        }
        // One allocation for the small objects requests are made of, instead of growing 1, 2, 4.
        members.reserveCapacity(6)
        while true {
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else { throw failure("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard position < buffer.count else { throw failure("unexpected end of input") }
            if buffer[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard buffer[position] == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
            position += 1
            return JSONObject(members)
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> [JSONValue] {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < buffer.count && buffer[position] == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < buffer.count else { throw failure("unexpected end of input") }
            if buffer[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard buffer[position] == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
            position += 1
            return elements
        }
    }

    private mutating func parseNumber() throws(Failure) -> String {
        let start = position
        if buffer[position] == UInt8(ascii: "-") { position += 1 }
        guard position < buffer.count, isDigit(buffer[position]) else { throw failure("invalid number") }
        if buffer[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < buffer.count && isDigit(buffer[position]) { position += 1 }
        }
        if position < buffer.count && buffer[position] == UInt8(ascii: ".") {
            position += 1
            guard position < buffer.count, isDigit(buffer[position]) else { throw failure("invalid number") }
            while position < buffer.count && isDigit(buffer[position]) { position += 1 }
        }
        if position < buffer.count && (buffer[position] == UInt8(ascii: "e") || buffer[position] == UInt8(ascii: "E")) {
            position += 1
            if position < buffer.count && (buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard position < buffer.count, isDigit(buffer[position]) else { throw failure("invalid number") }
            while position < buffer.count && isDigit(buffer[position]) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func parseString() throws(Failure) -> String {
        position += 1
        let start = position
        // Fast path: no escapes, so the bytes between the quotes are the string (and ASCII needs no
        // UTF-8 validation).
        position = ByteScan.firstSpecial(in: buffer, from: position)
        if position < buffer.count {
            let b = buffer[position]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<position])
                position += 1
                if ByteScan.isASCII(slice) { return String(decoding: slice, as: UTF8.self) }
                guard let s = String(validating: slice, as: UTF8.self) else { throw failure("invalid UTF-8") }
                return s
            }
            if b < 0x20 { throw failure("control character in string") }
        }
        var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<position]))
        while position < buffer.count {
            let b = buffer[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                guard let s = String(validating: bytes, as: UTF8.self) else { throw failure("invalid UTF-8") }
                return s
            }
            if b < 0x20 { throw failure("control character in string") }
            if b != UInt8(ascii: "\\") {
                bytes.append(b)
                position += 1
                continue
            }
            position += 1
            guard position < buffer.count else { break }
            let e = buffer[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard position + 1 < buffer.count, buffer[position] == UInt8(ascii: "\\"), buffer[position + 1] == UInt8(ascii: "u")
                    else { throw failure("unpaired surrogate") }
                    position += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw failure("unpaired surrogate")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid escape") }
                bytes.append(contentsOf: String(Character(unicode)).utf8)
            default:
                throw failure("invalid escape")
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        guard position + 4 <= buffer.count else { throw failure("invalid escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = buffer[position]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw failure("invalid escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
