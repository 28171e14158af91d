// Transactions through the engine: all or nothing with the capacity of a cancelled one given back,
// tokens kept in the store, and holds that end with their window.
import Foundation
import Testing
import TridentStorage

@testable import TridentEngine

struct TransactionTests {
    private func put(_ id: String, condition: String? = nil) -> String {
        let check = condition.map { #", "ConditionExpression": "\#($0)""# } ?? ""
        return #"{"Put": {"TableName": "tab", "Item": {"id": {"S": "\#(id)"}}\#(check)}}"#
    }

    @Test func aCancelledTransactionWritesAndChargesNothing() throws {
        let h = try EngineHarness()
        try h.createTable("tab")
        try h.ok("PutItem", #"{"TableName": "tab", "Item": {"id": {"S": "taken"}}}"#)
        let error = h.error(
            "TransactWriteItems", #"{"TransactItems": [\#(put("a")), \#(put("taken", condition: "attribute_not_exists(id)"))]}"#)
        #expect(error?.code == "TransactionCanceledException")
        #expect(error?.cancellationReasons?.map(\.code) == ["None", "ConditionalCheckFailed"])
        let got = try h.ok("GetItem", #"{"TableName": "tab", "Key": {"id": {"S": "a"}}, "ConsistentRead": true}"#)
        #expect(got["Item"] == nil)
        let table = try #require(h.engine.tables.table("tab"))
        #expect(h.engine.capacity.usage(of: table).consumedWriteUnits == 1)
        try h.ok("TransactWriteItems", #"{"TransactItems": [\#(put("a")), \#(put("b"))]}"#)
        #expect(h.engine.capacity.usage(of: table).consumedWriteUnits == 1 + 4)
    }

    @Test func tokensAreKeptInTheStore() throws {
        let h = try EngineHarness()
        try h.createTable("tab")
        try h.ok("TransactWriteItems", #"{"TransactItems": [\#(put("a"))], "ClientRequestToken": "tok"}"#)
        let record = try h.engine.store.read { try TransactionTokens.record($0, token: "tok") }
        #expect(record?.time == h.engine.clock.now)
        #expect(record?.fingerprint.count == 32)
        let old = try h.engine.store.read { try TransactionTokens.recordedBefore(h.engine.clock.now + 1, $0, limit: 10) }
        #expect(old == ["tok"])
    }

    @Test func holdsEndWithTheirWindow() {
        let holds = TransactionHolds(milliseconds: 50)
        holds.hold([(table: 1, itemKey: [1, 2]), (table: 2, itemKey: [1, 2])])
        #expect(holds.isHeld(table: 1, itemKey: [1, 2]) && holds.isHeld(table: 2, itemKey: [1, 2]))
        #expect(!holds.isHeld(table: 3, itemKey: [1, 2]) && !holds.isHeld(table: 1, itemKey: [1]))
        usleep(80_000)
        #expect(!holds.isHeld(table: 1, itemKey: [1, 2]))
    }
}
