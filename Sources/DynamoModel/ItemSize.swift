/// DynamoDB's item size rules, which decide the 400 KB limit and every capacity unit:
/// names count their UTF-8 bytes, strings their UTF-8 bytes, binary its raw bytes, BOOL and NULL
/// one byte, lists and maps 3 bytes plus 1 per element, sets the sum of their members.
public enum ItemSize {
    public static let maxItemBytes = 409_600

    public static func of(_ item: Item) -> Int {
        var total = 0
        for (name, value) in item { total += name.utf8.count + of(value) }
        return total
    }

    public static func of(_ value: AttributeValue) -> Int {
        switch value {
        case let .string(s): s.utf8.count
        case let .number(n): of(n)
        case let .binary(b): b.count
        case .bool, .null: 1
        case let .stringSet(ss): ss.reduce(0) { $0 + $1.utf8.count }
        case let .numberSet(ns): ns.reduce(0) { $0 + of($1) }
        case let .binarySet(bs): bs.reduce(0) { $0 + $1.count }
        case let .list(l): l.reduce(3) { $0 + 1 + of($1) }
        case let .map(m): m.reduce(3) { $0 + 1 + $1.key.utf8.count + of($1.value) }
        }
    }

    /// Numbers are stored as base-100 digits plus an exponent byte (and a terminator when negative):
    /// pairs align on even powers of ten, so the digit count and the exponent's parity both matter.
    public static func of(_ n: DynamoNumber) -> Int {
        ofNumber(digitCount: n.digits.count, exponent: n.exponent, isNegative: n.isNegative)
    }

    static func ofNumber(digitCount d: Int, exponent: Int, isNegative: Bool) -> Int {
        if d == 0 { return 1 }
        // `exponent` is for 0.d₁d₂…; the leading digit's power of ten is one less.
        let leadingPower = exponent - 1
        let pairs = (d + 1) / 2 + (d % 2 == 0 && leadingPower % 2 == 0 ? 1 : 0)
        return 1 + pairs + (isNegative ? 1 : 0)
    }
}
