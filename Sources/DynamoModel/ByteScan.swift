/// Scans over JSON text eight bytes at a time: the strings of a session item are long runs that
/// need no escaping, and both the request reader and the response writer walk every byte of them.
public enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Where the next byte that is special inside a JSON string (a control character, `"` or `\\`)
    /// is, at or after `start`; `text.count` when none is.
    public static func firstSpecial(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        let n = text.count
        if let base = text.baseAddress {
            let raw = UnsafeRawPointer(base)
            // A byte of `x` is zero iff the matching high bit of `(x - ones) & ~x` is set (below 0x20
            // likewise with 0x20 subtracted); `& ~x` keeps bytes of 0x80 and more from matching.
            while i + 8 <= n {
                let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let control = (x &- ones &* 0x20) & ~x & highs
                let quote = x ^ (ones &* 0x22)
                let backslash = x ^ (ones &* 0x5C)
                if (control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs)) != 0 { break }
                i += 8
            }
        }
        while i < n {
            let b = text[i]
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return i }
            i += 1
        }
        return n
    }

    /// Whether every byte is ASCII (so the text is valid UTF-8 without checking further).
    public static func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = text.count
        var any: UInt64 = 0
        if let base = text.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                any |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
        }
        var tail: UInt8 = 0
        while i < n {
            tail |= text[i]
            i += 1
        }
        return any & highs == 0 && tail < 0x80
    }
}
