// The plain GetItem reader (request bytes straight to a GetItem) must only ever accept what the
// general path accepts, with the same meaning; everything else falls through to the general path.
import DynamoModel
import Testing

@testable import TridentEngine

struct GetItemPlainTests {
    /// What the general path makes of a body, or nil when it rejects it.
    private func generalPath(_ body: String) -> GetItem? {
        guard let request = try? RequestFields.parse(Array(body.utf8)) else { return nil }
        return try? GetItem(request)
    }

    private func expectSameMeaning(_ plain: GetItem, _ general: GetItem, _ body: String) {
        #expect(plain.tableName == general.tableName, "\(body)")
        #expect(plain.key == general.key, "\(body)")
        #expect(plain.consistent == general.consistent, "\(body)")
        #expect(plain.consumedCapacity == general.consumedCapacity, "\(body)")
        if case .all = general.projection {} else { Issue.record("general path projects: \(body)") }
    }

    @Test(arguments: [
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"}},"ConsistentRead":true}"#,
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"}}}"#,
        #" { "Key" : { "id" : { "S" : "k1" } } ,"ConsistentRead":false, "TableName" : "sessions" } "#,
        #"{"TableName":"t.b-c_9","Key":{"pk":{"S":"é✓"},"sk":{"N":"-1.50E+3"}},"ReturnConsumedCapacity":"TOTAL"}"#,
        #"{"TableName":"sessions","Key":{"n":{"N":"007"}},"ReturnConsumedCapacity":"NONE","ConsistentRead":true}"#,
    ])
    func plainRequestsMeanWhatTheGeneralPathReads(_ body: String) throws {
        let plain = try #require(GetItem(plain: Array(body.utf8)))
        let general = try #require(generalPath(body))
        expectSameMeaning(plain, general, body)
    }

    @Test(arguments: [
        #"{"TableName":"sessions","Key":{"id":{"S":"k\"1"}}}"#,  // an escape
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"}},"ProjectionExpression":"id"}"#,
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"}},"ConsistentRead":null}"#,
        #"{"TableName":"sessions","TableName":"other","Key":{"id":{"S":"k1"}}}"#,
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"},"id":{"S":"k2"}}}"#,
        #"{"TableName":"sessions","Key":{"a":{"S":"1"},"b":{"S":"2"},"c":{"S":"3"}}}"#,
        #"{"TableName":"sessions","Key":{"id":{"B":"AAE="}}}"#,
        #"{"TableName":"sessions","Key":{"id":{"S":"k1","N":"1"}}}"#,
        #"{"TableName":"sessions","Key":{"id":{"N":"abc"}}}"#,
        #"{"TableName":"s","Key":{"id":{"S":"k1"}}}"#,
        #"{"TableName":"sessions!","Key":{"id":{"S":"k1"}}}"#,
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"}},"ReturnConsumedCapacity":"ALL"}"#,
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"}}} x"#,
        #"{"TableName":"sessions"}"#,
        #"{"Key":{"id":{"S":"k1"}}}"#,
        #"{"TableName":"sessions","Key":[]}"#,
        #"{"TableName":"sessions","Key":{}}"#,
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"}},"ConsistentRead":"true"}"#,
        #"{"TableName":"sessions","Key":{"id":{"S":"k1"}},}"#,
        "",
    ])
    func everythingElseTakesTheGeneralPath(_ body: String) {
        #expect(GetItem(plain: Array(body.utf8)) == nil)
    }

    @Test func invalidUTF8TakesTheGeneralPath() {
        let body = Array(#"{"TableName":"sessions","Key":{"id":{"S":""#.utf8) + [0xC3, 0x28] + Array(#""}}}"#.utf8)
        #expect(GetItem(plain: body) == nil)
    }

    /// Damaged copies of plain requests (bytes dropped, changed or repeated): whatever the plain
    /// reader still accepts, the general path accepts too, with the same meaning.
    @Test func damagedRequestsNeverDisagree() throws {
        let seeds = [
            #"{"TableName":"sessions","Key":{"id":{"S":"k1"}},"ConsistentRead":true}"#,
            #"{"TableName":"orders","Key":{"pk":{"S":"a"},"sk":{"N":"12.5"}},"ReturnConsumedCapacity":"TOTAL"}"#,
        ]
        let alphabet = Array(#"{}[]":,. \ntrue0-9ESNBaz"#.utf8)
        var rng = SplitMix64(seed: 0x7121_d3a7)
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = Array(seeds[Int(rng.next() % UInt64(seeds.count))].utf8)
            for _ in 0...(rng.next() % 3) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                default: bytes.insert(bytes[at], at: at)
                }
            }
            guard let plain = GetItem(plain: bytes) else { continue }
            accepted += 1
            let body = String(decoding: bytes, as: UTF8.self)
            let general = try #require(generalPath(body), "the general path rejects \(body)")
            expectSameMeaning(plain, general, body)
        }
        #expect(accepted > 100)
    }
}

/// A small deterministic generator, so a failure can be replayed.
