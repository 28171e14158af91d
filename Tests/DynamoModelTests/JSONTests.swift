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

    /// Escapes are found wherever they fall in the eight-byte steps of the scan, and UTF-8 beyond
    /// ASCII (whose bytes are all 0x80 or more) passes through untouched.
    @Test func writerEscapesAtEveryOffset() throws {
        for length in 0..<40 {
            for position in 0..<max(1, length) {
                for special in ["\"", "\\", "\n", "\u{1F}", "é"] {
                    var text = String(repeating: "a", count: length)
                    if length > 0 {
                        let index = text.index(text.startIndex, offsetBy: position)
                        text.replaceSubrange(index...index, with: special)
                    }
                    var w = JSONWriter()
                    w.string(text)
                    #expect(try JSONReader.parse(w.bytes) == .string(text), "\(text.debugDescription)")
                }
            }
        }
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
