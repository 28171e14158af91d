import Foundation
// Storage keys: byte order of the encoded sort key equals DynamoDB's order of values — numbers by
// value, strings by UTF-8 bytes, binary by unsigned bytes — including negatives, 1E-130, 38 digits,
// empty prefixes, 0x00/0xFF bytes, and sort keys too long for LMDB.
import Testing

@testable import DynamoModel

struct KeyEncodingTests {
    private func lexicographicallyLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    @Test func numberEncodingOrderEqualsValueOrder() throws {
        var texts = [
            "0", "1", "-1", "1E-130", "-1E-130", "9.9999999999999999999999999999999999999E+125",
            "-9.9999999999999999999999999999999999999E+125", "0.1", "0.12", "0.123", "-0.12", "-0.123",
            "100", "99.999", "1e10", "1.0000000000000000000000000000000000001", "-0.5", "-5", "50", "5", "0.5",
            "12345678901234567890123456789012345678", "-12345678901234567890123456789012345678", "2", "20", "200", "0.02",
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let digits = (0..<Int.random(in: 1...38, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
            // Up to 38 digits times 10^exp stays inside DynamoDB's range (below 1E+126).
            let exp = Int.random(in: -120...(125 - digits.count), using: &rng)
            texts.append((Bool.random(using: &rng) ? "-" : "") + digits + "e\(exp)")
        }
        let numbers = try texts.map { try DynamoNumber(parsing: $0) }
        for a in numbers {
            for b in numbers.prefix(40) {
                let byValue = a < b
                let byBytes = lexicographicallyLess(KeyEncoding.numberEncoding(a), KeyEncoding.numberEncoding(b))
                #expect(byValue == byBytes, "\(a) vs \(b)")
                #expect((a == b) == (KeyEncoding.numberEncoding(a) == KeyEncoding.numberEncoding(b)))
            }
        }
    }

    @Test func stringAndBinaryOrderIsBytewise() {
        let strings = ["", "a", "a\u{0}", "aa", "b", "z", "Z", "é", "\u{FFFF}", "𝄞"]
        for a in strings {
            for b in strings {
                let expected = Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
                #expect(lexicographicallyLess(KeyEncoding.sortEncoding(.string(a)), KeyEncoding.sortEncoding(.string(b))) == expected)
            }
        }
        let blobs: [[UInt8]] = [[], [0x00], [0x00, 0x00], [0x00, 0xFF], [0x01], [0xFF], [0xFF, 0x00]]
        for a in blobs {
            for b in blobs {
                #expect(
                    lexicographicallyLess(KeyEncoding.sortEncoding(.binary(a)), KeyEncoding.sortEncoding(.binary(b)))
                        == a.lexicographicallyPrecedes(b))
            }
        }
    }

    @Test func longSortKeysAreTruncatedWithinLMDBLimitsAndStayDistinct() {
        let base = [UInt8](repeating: 0x61, count: 1024)
        var variant = base
        variant[1000] = 0x62
        let a = KeyEncoding.itemKey(partition: .string("p"), sort: .binary(base))
        let b = KeyEncoding.itemKey(partition: .string("p"), sort: .binary(variant))
        #expect(a.count == KeyEncoding.maxKeyLength)
        #expect(a != b)
        #expect(KeyEncoding.isTruncated(itemKey: a))
        // 4 bytes of table number and 8 of expiry must still fit LMDB's 511-byte keys.
        #expect(4 + 8 + KeyEncoding.maxKeyLength <= 511)
        // An untruncated key that is a prefix of a truncated one sorts before it, as its value does.
        let short = KeyEncoding.itemKey(partition: .string("p"), sort: .binary(Array(base.prefix(KeyEncoding.truncatedPrefixLength))))
        #expect(!KeyEncoding.isTruncated(itemKey: short))
        #expect(short.lexicographicallyPrecedes(a))
    }

    @Test func partitionDigestIsMD5OfTheValueBytes() {
        // RFC 1321 test vectors.
        #expect(MD5.digest(Array("".utf8)).map { String(format: "%02x", $0) }.joined() == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.digest(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined() == "900150983cd24fb0d6963f7d28e17f72")
        let long = Array("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8)
        #expect(MD5.digest(long).map { String(format: "%02x", $0) }.joined() == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(
            KeyEncoding.partitionDigest(.number(try! DynamoNumber(parsing: "1.50")))
                == KeyEncoding.partitionDigest(.number(try! DynamoNumber(parsing: "1.5"))))
    }
}
