/// Exact decimal addition and subtraction, as UpdateItem's `ADD` and `SET a = b + c` need them.
/// Results must fit DynamoDB's limits again; a sum that needs more than 38 digits is an error,
/// never silently rounded.
extension DynamoNumber {
    public func adding(_ other: DynamoNumber) throws(Failure) -> DynamoNumber {
        if isZero { return other }
        if other.isZero { return self }
        // Align both on the lowest digit position: digit i of a number sits at power (exponent - 1 - i).
        let lowest = Swift.min(exponent - digits.count, other.exponent - other.digits.count)
        let highest = Swift.max(exponent, other.exponent)
        let width = highest - lowest
        let a = aligned(top: highest, width: width)
        let b = other.aligned(top: highest, width: width)
        if isNegative == other.isNegative {
            var result = [UInt8](repeating: 0, count: width + 1)
            var carry: UInt8 = 0
            for i in stride(from: width - 1, through: 0, by: -1) {
                let s = a[i] + b[i] + carry
                result[i + 1] = s % 10
                carry = s / 10
            }
            result[0] = carry
            return try DynamoNumber(rawDigits: result, exponent: highest + 1, isNegative: isNegative)
        }
        // Opposite signs: subtract the smaller magnitude from the larger; the larger's sign wins.
        let order = DynamoNumber.compareMagnitude(self, other)
        if order == 0 { return .zero }
        let (big, small, negative) = order > 0 ? (a, b, isNegative) : (b, a, other.isNegative)
        var result = [UInt8](repeating: 0, count: width)
        var borrow: Int = 0
        for i in stride(from: width - 1, through: 0, by: -1) {
            var d = Int(big[i]) - Int(small[i]) - borrow
            borrow = 0
            if d < 0 {
                d += 10
                borrow = 1
            }
            result[i] = UInt8(d)
        }
        return try DynamoNumber(rawDigits: result, exponent: highest, isNegative: negative)
    }

    public func subtracting(_ other: DynamoNumber) throws(Failure) -> DynamoNumber {
        try adding(other.negated)
    }

    /// The digits placed in a window of `width` positions whose first position has power `top - 1`.
    private func aligned(top: Int, width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width)
        let offset = top - exponent
        for (i, d) in digits.enumerated() { out[offset + i] = d }
        return out
    }
}
