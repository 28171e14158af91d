// JSON strings are scanned a block at a time for the bytes that need escaping (control characters,
// the quote and the backslash): the scan must stop at exactly the first of them, wherever it falls
// in a block, and never at other bytes — UTF-8 bytes from 0x80 up included.
import Testing

@testable import DynamoModel

struct ByteScanTests {
    @Test func stopsAtTheFirstSpecialByteWhereverItFalls() {
        for special: UInt8 in [0x00, 0x0A, 0x1F, UInt8(ascii: "\""), UInt8(ascii: "\\")] {
            for length in [0, 1, 15, 16, 17, 31, 33, 100] {
                for position in 0..<length {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    for i in 0..<length where i % 7 == 3 { bytes[i] = UInt8(ascii: "~") }
                    bytes[position] = special
                    for start in [0, min(position, 3)] {
                        let found = bytes.withUnsafeBufferPointer { ByteScan.firstSpecial(in: $0, from: start) }
                        #expect(found == position, "special \(special) at \(position) of \(length), from \(start)")
                    }
                }
            }
        }
    }

    @Test func passesOverOrdinaryAndNonASCIIBytes() {
        let bytes = Array("plain text, ümlauts and emoji 🙂 — nothing to escape here at all".utf8) + [0x7F, 0x80, 0xFF, 0x20]
        #expect(bytes.withUnsafeBufferPointer { ByteScan.firstSpecial(in: $0, from: 0) } == bytes.count)
        #expect(bytes.withUnsafeBufferPointer { ByteScan.firstSpecial(in: $0, from: bytes.count) } == bytes.count)
        #expect(!bytes.withUnsafeBufferPointer { ByteScan.isASCII($0) })
        #expect(Array("ascii only".utf8).withUnsafeBufferPointer { ByteScan.isASCII($0) })
    }
}
