// Stream records in storage: written by ItemTable.write for every change that changes something,
// sequences that grow across shards, reads by shard from a sequence, ranges, trimming by age, and
// the JSON the Streams API returns.
import DynamoModel
import Foundation
import Testing

@testable import TridentStorage

struct StreamLogTests {
    private let stream = TableStream(number: 9, label: "l", viewType: .newAndOldImages, created: 1000, shardSeconds: 10)

    private func table() -> TableDefinition {
        var table = TableDefinition(
            name: "tab", id: "id", number: 3, arn: "arn:aws:dynamodb:eu-west-1:000000000000:table/tab",
            keySchema: KeySchema(partition: KeyElement(name: "pk", type: .string)), attributeDefinitions: [KeyElement(name: "pk", type: .string)],
            creationDateTime: 1000, billingMode: .payPerRequest, throughput: ProvisionedThroughput(readCapacityUnits: 0, writeCapacityUnits: 0))
        table.streams = [stream]
        return table
    }

    /// Writes `new` (nil deletes) over what is stored under key `k`, at `time`.
    private func write(_ store: Store, _ new: Item?, at time: Double, byTTL: Bool = false) throws {
        let table = table()
        let itemKey = KeyEncoding.itemKey(partition: .string("k"), sort: nil)
        try store.write { (group) throws in
            var changes = ChangeSet()
            changes.time = time
            let old = try ItemTable.stored(group.reader, table: table.number, itemKey: itemKey)
            try ItemTable.write(table: table, itemKey: itemKey, old: old, new: new, reader: group.reader, into: &changes, byTTL: byTTL)
            _ = try group.append(changes.ops)
        }
    }

    private func json(_ store: Store, shard: UInt32) throws -> [String] {
        try store.read { (reader) throws in
            var out: [String] = []
            try StreamLog.walk(reader, stream: 9, shard: shard, from: 0) { sequence, time, record in
                var w = JSONWriter()
                try StreamRecord.writeJSON(record, time: time, sequence: sequence, stream: stream, region: "eu-west-1", to: &w)
                out.append(String(decoding: w.bytes, as: UTF8.self))
                return true
            }
            return out
        }
    }

    @Test func onlyChangesAreRecordedAsTheServiceWritesThem() throws {
        let store = try Store.temporary(options: Store.Options())
        defer { try? store.close() }
        try write(store, ["pk": .string("k"), "v": .number(try DynamoNumber(parsing: "1"))], at: 1001.7)
        try write(store, ["pk": .string("k"), "v": .number(try DynamoNumber(parsing: "1"))], at: 1002)
        try write(store, ["pk": .string("k"), "v": .number(try DynamoNumber(parsing: "2"))], at: 1003)
        try write(store, nil, at: 1004, byTTL: true)
        try write(store, nil, at: 1005)
        let records = try json(store, shard: 0)
        #expect(records.count == 3)
        #expect(records[0].contains(#""eventName":"INSERT""#) && records[0].contains(#""ApproximateCreationDateTime":1001"#))
        #expect(records[0].contains(#""Keys":{"pk":{"S":"k"}}"#) && !records[0].contains("OldImage"))
        #expect(records[0].contains(#""SequenceNumber":"000000000000000000001""#) && records[0].contains(#""awsRegion":"eu-west-1""#))
        #expect(records[1].contains(#""eventName":"MODIFY""#) && records[1].contains("OldImage") && records[1].contains("NewImage"))
        #expect(records[2].contains(#""eventName":"REMOVE""#) && records[2].contains(#""userIdentity":{"PrincipalId":"dynamodb.amazonaws.com","Type":"Service"}"#))
        #expect(!records[1].contains("userIdentity"))
    }

    @Test func recordsAreReadByShardAndTrimmedByAge() throws {
        let store = try Store.temporary(options: Store.Options())
        defer { try? store.close() }
        for (i, time) in [1001.0, 1002, 1003, 1025, 1026].enumerated() {
            try write(store, ["pk": .string("k"), "n": .number(try DynamoNumber(parsing: String(i)))], at: time)
        }
        try store.read { (reader) throws in
            #expect(try StreamLog.range(reader, stream: 9, shard: 0)! == (1, 3))
            #expect(try StreamLog.range(reader, stream: 9, shard: 1) == nil)
            #expect(try StreamLog.range(reader, stream: 9, shard: 2)! == (4, 5))
            #expect(try StreamLog.lastSequence(before: 1, reader, stream: 9) == 3)
            #expect(try StreamLog.cursor(reader, stream: 9).lastShard == 2)
        }
        try store.write { (group) throws in
            var changes = ChangeSet()
            #expect(try StreamLog.trim(group.reader, stream: 9, before: 1010, limit: 100, into: &changes) == 3)
            _ = try group.append(changes.ops)
        }
        try store.read { (reader) throws in
            #expect(try StreamLog.range(reader, stream: 9, shard: 0) == nil)
            #expect(try StreamLog.cursor(reader, stream: 9).trimmedThrough == 3)
            #expect(try StreamLog.oldestTime(reader, stream: 9) == 1025)
        }
        #expect(try json(store, shard: 2).count == 2)
    }
}
