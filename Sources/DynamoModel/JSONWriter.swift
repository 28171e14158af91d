/// Appends JSON text to a byte buffer. Callers produce the structure; the writer places commas,
/// so response builders read like the response they build.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Whether the innermost open container already holds a member (so the next needs a comma).
    private var needsComma = false

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A value already written as JSON (a stored stream record).
    public mutating func raw(_ json: [UInt8]) {
        separate()
        bytes += json
        needsComma = true
    }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    /// A string given as UTF-8 bytes (straight from storage).
    public mutating func string(utf8: UnsafeRawBufferPointer) {
        separate()
        appendQuoted(utf8.bindMemory(to: UInt8.self))
        needsComma = true
    }

    /// A string whose text `write` appends, and which needs no escaping (a number's digits).
    public mutating func string(unescaped write: (inout [UInt8]) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        write(&bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func key(utf8 name: UnsafeRawBufferPointer) {
        separate()
        appendQuoted(name.bindMemory(to: UInt8.self))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes already-valid JSON number text.
    public mutating func number(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    public mutating func number(_ value: Int) {
        number(String(value))
    }

    /// Swift prints doubles as valid JSON (`1.0`, `0.5`, `1732480000.25`); non-finite values never reach here.
    public mutating func number(_ value: Double) {
        number(String(value))
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    public mutating func value(_ json: JSONValue) {
        switch json {
        case .null: null()
        case let .bool(b): bool(b)
        case let .number(n): number(n)
        case let .string(s): string(s)
        case let .array(a):
            beginArray()
            for element in a { value(element) }
            endArray()
        case let .object(o):
            beginObject()
            for member in o.members {
                key(member.key)
                value(member.value)
            }
            endObject()
        }
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ s: String) {
        var s = s
        s.withUTF8 { appendQuoted($0) }
    }

    /// Quotes UTF-8 text, escaping what JSON requires; runs without escapes are copied whole.
    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        while true {
            let i = ByteScan.firstSpecial(in: utf8, from: runStart)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
            guard i < utf8.count else { break }
            let b = utf8[i]
            runStart = i + 1
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(b >> 4)], Self.hex[Int(b & 0xF)]])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
