// Stream records in storage: one per change that changes something, sequences that grow across
// shards, reads by shard from a sequence, ranges, and trimming by age.
import DynamoModel
import Foundation
import Testing

@testable import TridentStorage

struct StreamLogTests {
    @Test func eventsAreOnlyForChanges() {
        let a: Item = ["k": .string("a")], b: Item = ["k": .string("b")]
        #expect(StreamRecord.event(old: nil, new: a) == .insert)
        #expect(StreamRecord.event(old: a, new: nil) == .remove)
        #expect(StreamRecord.event(old: a, new: b) == .modify)
        #expect(StreamRecord.event(old: a, new: a) == nil)
        #expect(StreamRecord.event(old: nil, new: nil) == nil)
    }

    @Test func recordsAreReadByShardAndTrimmedByAge() throws {
        let store = try Store.temporary(options: Store.Options())
        defer { try? store.close() }
        let stream = TableStream(number: 9, label: "l", viewType: .keysOnly, created: 1000, shardSeconds: 10)
        func append(at time: Double, count: Int) throws {
            try store.write { (group) throws in
                var changes = ChangeSet()
                for _ in 0..<count {
                    try StreamLog.append(stream: stream, time: time, into: &changes, reader: group.reader) { Array("{\"s\":\($0)}".utf8) }
                }
                _ = try group.append(changes.ops)
            }
        }
        try append(at: 1001, count: 3)
        try append(at: 1025, count: 2)
        try store.read { (reader) throws in
            #expect(try StreamLog.range(reader, stream: 9, shard: 0)! == (1, 3))
            #expect(try StreamLog.range(reader, stream: 9, shard: 1) == nil)
            #expect(try StreamLog.range(reader, stream: 9, shard: 2)! == (4, 5))
            #expect(try StreamLog.lastSequence(before: 1, reader, stream: 9) == 3)
            let page = try StreamLog.records(reader, stream: 9, shard: 0, from: 2, limit: 10, maxBytes: 1 << 20)
            #expect(page.map(\.sequence) == [2, 3])
            #expect(page.first.map { String(decoding: $0.json, as: UTF8.self) } == "{\"s\":2}")
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
    }
}
