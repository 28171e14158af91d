// Item operations through the engine, without HTTP: writes are durable before the reply, reads
// see them, and errors surface in DynamoDB's order of checks (constraints, then attribute values,
// then the table lookup, then the key).
import DynamoModel
import Synchronization
import Testing

@testable import TridentEngine

struct ItemOperationTests {
    @Test func putThenGetReturnsTheItem() throws {
        let h = try EngineHarness()
        try h.createTable("things")
        try h.ok("PutItem", #"{"TableName": "things", "Item": {"id": {"S": "a"}, "n": {"N": "007.50"}}}"#)
        let got = try h.ok("GetItem", #"{"TableName": "things", "Key": {"id": {"S": "a"}}}"#)
        guard case let .object(item)? = got["Item"], case let .object(n)? = item["n"] else {
            Issue.record("no item")
            return
        }
        #expect(n["N"] == .string("7.5"))
    }

    @Test func errorsComeInDynamoDBsOrder() throws {
        let h = try EngineHarness()
        // A constraint violation wins over a bad attribute value.
        #expect(h.error("PutItem", #"{"TableName": "x;", "Item": {"a": {}}}"#)?.message.hasPrefix("2 validation errors detected") == true)
        // A bad attribute value wins over the missing table.
        #expect(h.error("PutItem", #"{"TableName": "missing", "Item": {"a": {}}}"#) == .emptyAttributeValue)
        // The missing table wins over the key check.
        #expect(h.error("GetItem", #"{"TableName": "missing", "Key": {}}"#) == .resourceNotFound)
        try h.createTable("present")
        #expect(h.error("GetItem", #"{"TableName": "present", "Key": {}}"#) == .keyDoesNotMatchSchema)
    }

    @Test func unknownTargetsAndBadBodies() throws {
        let h = try EngineHarness()
        let noTarget = Mutex<DynamoError?>(nil)
        h.engine.handle(target: nil, body: []) { r in if case let .failure(e) = r { noTarget.withLock { $0 = e } } }
        #expect(noTarget.withLock { $0 } == .unknownOperation)
        #expect(h.error("ListTables", "") == .malformedBody)
        #expect(h.error("ListTables", "[]") == .malformedBody)
    }

    @Test func aTableDeletedAndRecreatedIsEmpty() throws {
        let h = try EngineHarness()
        try h.createTable("again")
        try h.ok("PutItem", #"{"TableName": "again", "Item": {"id": {"S": "a"}}}"#)
        try h.ok("DeleteTable", #"{"TableName": "again"}"#)
        try h.createTable("again", type: "N")
        let got = try h.ok("GetItem", #"{"TableName": "again", "Key": {"id": {"N": "1"}}}"#)
        #expect(got["Item"] == nil)
        #expect(h.error("GetItem", #"{"TableName": "again", "Key": {"id": {"S": "a"}}}"#) == .keyDoesNotMatchSchema)
    }

    @Test func dataSurvivesReopening() throws {
        let directory: String
        do {
            let h = try EngineHarness()
            directory = h.directory
            try h.createTable("kept")
            try h.ok("PutItem", #"{"TableName": "kept", "Item": {"id": {"S": "a"}, "v": {"BOOL": true}}}"#)
            h.engine.shutdown()
            var configuration = EngineConfiguration(dataDirectory: directory)
            configuration.durability = .none
            let reopened = try Engine(configuration: configuration)
            defer { reopened.shutdown() }
            #expect(reopened.tables.names == ["kept"])
        }
    }
}
