/// Standard base64 (RFC 4648, with padding), as DynamoDB's JSON carries binary values. Decoding is
/// strict and reports DynamoDB's messages for malformed input.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            var n = UInt32(bytes[i]) << 16
            if rest == 2 { n |= UInt32(bytes[i + 1]) << 8 }
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes, or returns the reason in DynamoDB's (SerializationException) wording.
    public static func decode(_ text: String) -> Result<[UInt8], DynamoError> {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else {
            return .failure(.serialization("Base64 encoded length is expected a multiple of 4 bytes but found: \(input.count)"))
        }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            var quad: [Int] = []
            var padding = 0
            for j in 0..<4 {
                let c = input[i + j]
                if c == UInt8(ascii: "=") && i + 4 == input.count && j >= 2 {
                    padding += 1
                    quad.append(0)
                    continue
                }
                let v = reverse[Int(c)]
                guard v >= 0, padding == 0 else {
                    return .failure(.serialization("Invalid Base64 character: '\(Character(Unicode.Scalar(c)))'"))
                }
                quad.append(Int(v))
            }
            let n = quad[0] << 18 | quad[1] << 12 | quad[2] << 6 | quad[3]
            // Bits below the last encoded byte must be zero, or the text is not canonical base64.
            if (padding == 1 && n & 0xFF != 0) || (padding == 2 && n & 0xFFFF != 0) {
                return .failure(.serialization("Invalid last non-pad Base64 character dectected"))
            }
            out.append(UInt8(n >> 16 & 0xFF))
            if padding < 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if padding < 1 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return .success(out)
    }
}
