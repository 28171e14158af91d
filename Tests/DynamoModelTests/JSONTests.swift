// The request reader and response writer: strict JSON, numbers kept as text, escapes both ways.
import Testing

@testable import DynamoModel

struct JSONTests {
    @Test func parsesNestedDocumentsKeepingNumberText() throws {
        let value = try JSONReader.parse(Array(#"{"a": [1, -2.5e3, true, null], "b": {"c": "d\u00e9\ud834\udd1e\n"}}"#.utf8))
        guard case let .object(o) = value else {
            Issue.record("not an object")
            return
        }
        #expect(o["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null]))
        #expect(o["b"] == .object(JSONObject([.init(key: "c", value: .string("dé𝄞\n"))])))
    }

    @Test(arguments: [
        "", "{", "{\"a\" 1}", "[1,]", "01", "\"\\x\"", "\"\u{01}\"", "{\"a\":1}x", "tru", "\"\\ud834\"", "-", "1.",
        "[" + String(repeating: "[", count: 200),
    ])
    func rejectsMalformedInput(text: String) {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func writerEscapesAndRoundTrips() throws {
        var w = JSONWriter()
        w.beginObject()
        w.key("s"); w.string("q\"b\\n\n\u{1}")
        w.key("a"); w.beginArray(); w.number(1); w.bool(false); w.null(); w.endArray()
        w.endObject()
        let text = String(decoding: w.bytes, as: UTF8.self)
        #expect(text == #"{"s":"q\"b\\n\n\u0001","a":[1,false,null]}"#)
        #expect(try JSONReader.parse(w.bytes) != .null)
    }

    @Test func attributeValuesRoundTripThroughJSON() throws {
        var w = JSONWriter()
        w.item(ItemEncodingTests.sample)
        guard case let .object(o) = try JSONReader.parse(w.bytes) else {
            Issue.record("not an object")
            return
        }
        var decoder = AttributeValueDecoder()
        #expect(try decoder.decodeMap(o) == ItemEncodingTests.sample)
        #expect(decoder.firstProblem == nil)
    }

    @Test func base64RoundTripsAndRejectsNonCanonicalInput() throws {
        for n in 0..<10 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + 250) }
            #expect(try Base64.decode(Base64.encode(bytes)).get() == bytes)
        }
        #expect(Base64.encode(Array("hello".utf8)) == "aGVsbG8=")
        #expect((try? Base64.decode("abc").get()) == nil)
        #expect((try? Base64.decode("YR==").get()) == nil)
        #expect((try? Base64.decode("a!b=").get()) == nil)
        #expect((try? Base64.decode("").get()) == [])
    }
}
