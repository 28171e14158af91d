/// A DynamoDB number: up to 38 significant decimal digits, magnitude in [1E-130, 1E+126).
///
/// Stored normalized, so equal values have equal representations (`1.50`, `1.5` and `15E-1` are
/// one value):
///
///     value = ± 0.d₁d₂…dₙ × 10^exponent     d₁ ≠ 0, dₙ ≠ 0, n ≤ 38;  zero has no digits
///
/// Foundation's `Decimal` cannot hold 1E-130, and `Double` loses digits, hence this type.
public struct DynamoNumber: Sendable, Hashable {
    /// Significant digits, each 0…9, without leading or trailing zeros. Empty for zero.
    public let digits: [UInt8]
    /// Position of the decimal point relative to the first digit (see the type's comment).
    public let exponent: Int
    public let isNegative: Bool

    public static let maxDigits = 38
    /// 0.1 × 10^-129 = 1E-130, the smallest magnitude DynamoDB stores.
    public static let minExponent = -129
    /// 0.99…9 × 10^126 = 9.99…9E+125, the largest.
    public static let maxExponent = 126

    public static let zero = DynamoNumber(uncheckedDigits: [], exponent: 0, isNegative: false)

    public enum Failure: Error, Equatable, Sendable {
        case notANumber
        case overflow
        case underflow
        case tooPrecise
    }

    init(uncheckedDigits: [UInt8], exponent: Int, isNegative: Bool) {
        self.digits = uncheckedDigits
        self.exponent = uncheckedDigits.isEmpty ? 0 : exponent
        self.isNegative = uncheckedDigits.isEmpty ? false : isNegative
    }

    /// Builds a number from raw digits (leading/trailing zeros allowed) and checks DynamoDB's limits.
    init(rawDigits: [UInt8], exponent: Int, isNegative: Bool) throws(Failure) {
        var start = 0
        while start < rawDigits.count && rawDigits[start] == 0 { start += 1 }
        var end = rawDigits.count
        while end > start && rawDigits[end - 1] == 0 { end -= 1 }
        if start == end {
            self = .zero
            return
        }
        let exp = exponent - start
        if exp > Self.maxExponent { throw .overflow }
        if exp < Self.minExponent { throw .underflow }
        if end - start > Self.maxDigits { throw .tooPrecise }
        self.init(uncheckedDigits: Array(rawDigits[start..<end]), exponent: exp, isNegative: isNegative)
    }

    /// Parses DynamoDB's number syntax: optional sign, digits with an optional point, optional exponent.
    public init(parsing text: String) throws(Failure) {
        var utf8 = text.utf8.makeIterator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        while let b = utf8.next() { bytes.append(b) }
        try self.init(parsingBytes: bytes)
    }

    init(parsingBytes bytes: [UInt8]) throws(Failure) {
        var i = 0
        var negative = false
        if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var raw: [UInt8] = []
        var pointPosition: Int? = nil
        var sawDigit = false
        while i < bytes.count {
            let b = bytes[i]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                raw.append(b - UInt8(ascii: "0"))
                sawDigit = true
            } else if b == UInt8(ascii: ".") && pointPosition == nil {
                pointPosition = raw.count
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { throw .notANumber }
        var exp10 = 0
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawExpDigit = false
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                // Saturate: any exponent this large is out of range anyway.
                if exp10 < 1_000_000 { exp10 = exp10 * 10 + Int(bytes[i] - UInt8(ascii: "0")) }
                sawExpDigit = true
                i += 1
            }
            guard sawExpDigit else { throw .notANumber }
            if expNegative { exp10 = -exp10 }
        }
        guard i == bytes.count else { throw .notANumber }
        let integerDigits = pointPosition ?? raw.count
        try self.init(rawDigits: raw, exponent: integerDigits + exp10, isNegative: negative)
    }

    public init(_ value: Int) {
        // Int has at most 19 digits: always within DynamoDB's range.
        let text = String(value)
        self = try! DynamoNumber(parsing: text)
    }

    public var isZero: Bool { digits.isEmpty }

    public var negated: DynamoNumber {
        DynamoNumber(uncheckedDigits: digits, exponent: exponent, isNegative: !isNegative)
    }
}

extension DynamoNumber: Comparable {
    public static func < (lhs: DynamoNumber, rhs: DynamoNumber) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// Total order of values: -1, 0 or 1.
    public static func compare(_ lhs: DynamoNumber, _ rhs: DynamoNumber) -> Int {
        let ls = lhs.signum, rs = rhs.signum
        if ls != rs { return ls < rs ? -1 : 1 }
        if ls == 0 { return 0 }
        let magnitude = compareMagnitude(lhs, rhs)
        return ls > 0 ? magnitude : -magnitude
    }

    static func compareMagnitude(_ lhs: DynamoNumber, _ rhs: DynamoNumber) -> Int {
        if lhs.exponent != rhs.exponent { return lhs.exponent < rhs.exponent ? -1 : 1 }
        let n = min(lhs.digits.count, rhs.digits.count)
        for i in 0..<n where lhs.digits[i] != rhs.digits[i] {
            return lhs.digits[i] < rhs.digits[i] ? -1 : 1
        }
        if lhs.digits.count == rhs.digits.count { return 0 }
        return lhs.digits.count < rhs.digits.count ? -1 : 1
    }

    public var signum: Int { isZero ? 0 : (isNegative ? -1 : 1) }
}

extension DynamoNumber: CustomStringConvertible {
    /// DynamoDB's normalized text: plain notation, no exponent, no trailing zeros (`1.5`, `100`, `-0.001`).
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(digits.count + max(0, abs(exponent)) + 3)
        digits.withUnsafeBufferPointer { Self.appendText(digits: $0, exponent: exponent, isNegative: isNegative, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the canonical text of ± 0.d₁d₂…dₙ × 10^exponent (what `description` is) — also
    /// straight from stored digits, without making a number first.
    public static func appendText(digits: UnsafeBufferPointer<UInt8>, exponent: Int, isNegative: Bool, to out: inout [UInt8]) {
        if digits.isEmpty { return out.append(UInt8(ascii: "0")) }
        if isNegative { out.append(UInt8(ascii: "-")) }
        let zero = UInt8(ascii: "0")
        if exponent <= 0 {
            out.append(zero)
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-exponent) { out.append(zero) }
            for d in digits { out.append(zero + d) }
        } else if exponent >= digits.count {
            for d in digits { out.append(zero + d) }
            for _ in 0..<(exponent - digits.count) { out.append(zero) }
        } else {
            for d in digits[0..<exponent] { out.append(zero + d) }
            out.append(UInt8(ascii: "."))
            for d in digits[exponent...] { out.append(zero + d) }
        }
    }
}
