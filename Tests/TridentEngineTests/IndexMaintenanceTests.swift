// Secondary indexes through the engine: statistics that follow every write exactly, a backfill that
// crosses its chunk boundaries and ends ACTIVE, and a dropped index leaving nothing behind.
import Foundation
import DynamoModel
import Testing

@testable import TridentEngine

struct IndexMaintenanceTests {
    private func createIndexed(_ h: EngineHarness, _ name: String) throws {
        try h.ok(
            "CreateTable",
            #"{"TableName": "\#(name)", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "GlobalSecondaryIndexes": [{"IndexName": "byX", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}]}"#
        )
    }

    /// (ItemCount, IndexSizeBytes, IndexStatus) of the table's first global index, if any.
    private func figures(_ h: EngineHarness, _ table: String) throws -> (Int, Int, String)? {
        let described = try h.ok("DescribeTable", #"{"TableName": "\#(table)"}"#)
        guard case let .object(t)? = described["Table"], case let .array(indexes)? = t["GlobalSecondaryIndexes"],
            case let .object(index)? = indexes.first, case let .number(count)? = index["ItemCount"],
            case let .number(size)? = index["IndexSizeBytes"], case let .string(status)? = index["IndexStatus"]
        else { return nil }
        return (Int(count)!, Int(size)!, status)
    }

    private func indexCount(_ h: EngineHarness, _ table: String) throws -> Int {
        let scanned = try h.ok("Scan", #"{"TableName": "\#(table)", "IndexName": "byX", "Select": "COUNT"}"#)
        guard case let .number(count)? = scanned["Count"] else { return -1 }
        return Int(count)!
    }

    @Test func statisticsFollowEveryWrite() throws {
        let h = try EngineHarness()
        try createIndexed(h, "tab")
        try h.ok("PutItem", #"{"TableName": "tab", "Item": {"id": {"S": "a"}, "x": {"S": "1"}}}"#)
        try h.ok("PutItem", #"{"TableName": "tab", "Item": {"id": {"S": "b"}, "x": {"S": "22"}, "other": {"S": "not projected"}}}"#)
        try h.ok("PutItem", #"{"TableName": "tab", "Item": {"id": {"S": "c"}}}"#)
        // Entries: "id"+value, "x"+value, 100 bytes of overhead each.
        #expect(try figures(h, "tab")! == (2, (3 + 2 + 100) + (3 + 3 + 100), "ACTIVE"))
        try h.ok("UpdateItem", #"{"TableName": "tab", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET x = :v", "ExpressionAttributeValues": {":v": {"S": "333"}}}"#)
        #expect(try figures(h, "tab")! == (2, (3 + 4 + 100) + (3 + 3 + 100), "ACTIVE"))
        try h.ok("DeleteItem", #"{"TableName": "tab", "Key": {"id": {"S": "b"}}}"#)
        try h.ok("UpdateItem", #"{"TableName": "tab", "Key": {"id": {"S": "c"}}, "UpdateExpression": "SET x = :v", "ExpressionAttributeValues": {":v": {"S": "1"}}}"#)
        #expect(try figures(h, "tab")! == (2, (3 + 4 + 100) + (3 + 2 + 100), "ACTIVE"))
        #expect(try indexCount(h, "tab") == 2)
    }

    @Test func backfillCrossesChunksAndEndsActive() throws {
        let h = try EngineHarness()
        try h.createTable("tab")
        let total = IndexBuilder.chunkSize * 2 + 37
        for start in stride(from: 0, to: total, by: 25) {
            let puts = (start..<min(total, start + 25)).map { #"{"PutRequest": {"Item": {"id": {"S": "k\#($0)"}, "x": {"S": "\#($0 % 7)"}}}}"# }
            try h.ok("BatchWriteItem", #"{"RequestItems": {"tab": [\#(puts.joined(separator: ","))]}}"#)
        }
        try h.ok("PutItem", #"{"TableName": "tab", "Item": {"id": {"S": "wrong type"}, "x": {"N": "1"}}}"#)
        try h.ok(
            "UpdateTable",
            #"{"TableName": "tab", "AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "S"}], "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "byX", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}}]}"#
        )
        var status = try figures(h, "tab")
        let deadline = DispatchTime.now().uptimeNanoseconds + 20_000_000_000
        while status?.2 != "ACTIVE" && DispatchTime.now().uptimeNanoseconds < deadline {
            usleep(20_000)
            status = try figures(h, "tab")
        }
        #expect(status?.0 == total && status?.2 == "ACTIVE")
        #expect(try indexCount(h, "tab") == total)
    }

    @Test func aDroppedIndexLeavesNoEntries() throws {
        let h = try EngineHarness()
        try createIndexed(h, "tab")
        for i in 0..<30 { try h.ok("PutItem", #"{"TableName": "tab", "Item": {"id": {"S": "k\#(i)"}, "x": {"S": "v"}}}"#) }
        try h.ok("UpdateTable", #"{"TableName": "tab", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "byX"}}]}"#)
        let deadline = DispatchTime.now().uptimeNanoseconds + 20_000_000_000
        while try figures(h, "tab") != nil && DispatchTime.now().uptimeNanoseconds < deadline { usleep(20_000) }
        #expect(try figures(h, "tab") == nil)
        let left = try h.engine.store.read { reader in
            var count = 0
            try reader.walk(.indexes, from: []) { _, _ in
                count += 1
                return true
            }
            return count
        }
        #expect(left == 0)
    }
}
