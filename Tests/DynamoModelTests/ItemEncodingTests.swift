// The stored item format: every type round-trips exactly, and corrupt bytes throw instead of trapping.
import Testing

@testable import DynamoModel

struct ItemEncodingTests {
    static let sample: Item = [
        "s": .string("héllo"), "e": .string(""), "n": .number(try! DynamoNumber(parsing: "-1.23e-100")),
        "z": .number(.zero), "b": .binary([0, 255, 7]), "t": .bool(true), "f": .bool(false), "nul": .null,
        "m": .map(["x": .list([.string("y"), .map([:]), .list([])])]),
        "ss": .stringSet(["a", "b"]), "ns": .numberSet([DynamoNumber(1), try! DynamoNumber(parsing: "12345678901234567890123456789012345678")]),
        "bs": .binarySet([[1], [2, 3]]),
    ]

    @Test func roundTripsEveryType() throws {
        let bytes = ItemEncoding.encode(Self.sample)
        #expect(try ItemEncoding.decode(bytes) == Self.sample)
    }

    @Test func truncatedOrGarbageBytesThrow() {
        let bytes = ItemEncoding.encode(Self.sample)
        for cut in stride(from: 0, to: bytes.count - 1, by: 3) {
            #expect(throws: (any Error).self) { try ItemEncoding.decode(Array(bytes.prefix(cut))) }
        }
        #expect(throws: (any Error).self) { try ItemEncoding.decode([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) }
        #expect(throws: (any Error).self) { try ItemEncoding.decode([0x09]) }
    }
}

// DynamoDB's item size rules, on the boundaries that decide capacity units and the 400 KB limit.
struct ItemSizeTests {
    @Test(arguments: [("1e125", 2), ("11e124", 2), ("11111e121", 4), ("111111e120", 4), ("1111111e119", 5), ("0", 1)])
    func numberSizes(text: String, size: Int) throws {
        #expect(ItemSize.of(try DynamoNumber(parsing: text)) == size)
    }

    @Test func thirtyEightDigitNumberIsTwentyBytes() throws {
        #expect(ItemSize.of(try DynamoNumber(parsing: String(repeating: "1", count: 38) + String(repeating: "0", count: 88))) == 20)
    }

    @Test func namesAndValuesCount() {
        #expect(ItemSize.of(["id": .string("k"), "b": .string(String(repeating: "x", count: 10))]) == 2 + 1 + 1 + 10)
        #expect(ItemSize.of(["l": .list([.null, .bool(true)])]) == 1 + 3 + 2 + 2)
        #expect(ItemSize.of(["m": .map(["ab": .string("c")])]) == 1 + 3 + 1 + 2 + 1)
        #expect(ItemSize.of(["ss": .stringSet(["ab", "c"])]) == 2 + 3)
        #expect(ItemSize.of(["é": .binary([1, 2])]) == 2 + 2)
    }
}

// The streaming read path must say exactly what decoding and re-encoding says.
struct ItemStreamingTests {
    @Test func streamedJSONAndSizeMatchTheDecodedItem() throws {
        for item in [ItemEncodingTests.sample, [:], ["k": .string("a\"b\\\n\u{1}é")], ["m": .map([:]), "l": .list([])]] {
            let bytes = ItemEncoding.encode(item)
            var streamed = JSONWriter()
            let size = try bytes.withUnsafeBytes { try ItemEncoding.writeJSON($0, to: &streamed) }
            #expect(size == ItemSize.of(item))
            #expect(try bytes.withUnsafeBytes { try ItemEncoding.size($0) } == ItemSize.of(item))
            guard case let .object(o) = try JSONReader.parse(streamed.bytes) else {
                Issue.record("not an object")
                continue
            }
            var decoder = AttributeValueDecoder()
            #expect(try decoder.decodeMap(o) == item)
        }
    }

    /// Numbers are written from their packed digits: the text is exactly `description`'s.
    @Test(arguments: ["0", "7", "-12", "1764000000", "0.000123", "-1.5E+30", "123.456", "1e-130", String(repeating: "9", count: 38)])
    func streamedNumbersReadAsTheirCanonicalText(text: String) throws {
        let n = try DynamoNumber(parsing: text)
        for item: Item in [["n": .number(n)], ["ns": .numberSet([n])]] {
            var streamed = JSONWriter()
            let size = try ItemEncoding.encode(item).withUnsafeBytes { try ItemEncoding.writeJSON($0, to: &streamed) }
            var reference = JSONWriter()
            reference.item(item)
            #expect(String(decoding: streamed.bytes, as: UTF8.self) == String(decoding: reference.bytes, as: UTF8.self))
            #expect(size == ItemSize.of(item))
        }
    }
}
