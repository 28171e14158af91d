// The zone writer: group commit numbers every write in order and journals it with its transaction,
// a task that fails before writing fails alone, and one that fails after writing is rolled back
// while the rest of its group is retried and committed.
import DynamoModel
import Foundation
import LMDB
import Synchronization
import Testing

@testable import TridentStorage

final class RecordingTask: WriterTask, @unchecked Sendable {
    enum Behaviour { case write, failBeforeWriting, failAfterWriting }
    let key: [UInt8]
    let behaviour: Behaviour
    let done = DispatchSemaphore(value: 0)
    private(set) var entry: LogEntry?
    private(set) var error: (any Error)?
    private(set) var runs = 0

    struct Refused: Error {}

    init(key: [UInt8], behaviour: Behaviour = .write) {
        self.key = key
        self.behaviour = behaviour
    }

    func run(_ context: inout StoreWriteContext) throws {
        runs += 1
        switch behaviour {
        case .failBeforeWriting: throw Refused()
        default: break
        }
        try context.put(.items, key, [1, 2, 3])
        if case .failAfterWriting = behaviour { throw Refused() }
        try context.seal(term: 7)
    }

    func committed(_ entries: [LogEntry]) {
        self.entry = entries.first
        done.signal()
    }

    func failed(_ error: any Error) {
        self.error = error
        done.signal()
    }
}

func temporaryStore(_ zone: String = "us-east-1a") throws -> (NodeStore, String) {
    let dir = NSTemporaryDirectory() + "trident-storage-test-" + UUID().uuidString
    return (try NodeStore(path: dir + "/" + zone, zone: zone, durability: .none), dir)
}

/// The sequence number a new write on `store` gets.
func nextSequence(_ store: NodeStore) throws -> UInt64? {
    let writer = try ZoneWriter(store: store)
    let next = RecordingTask(key: [0xFE])
    writer.submit(next)
    next.done.wait()
    writer.shutdown()
    return next.entry?.sequence
}

struct ZoneWriterTests {
    @Test func numbersEveryWriteAndLogsIt() throws {
        let (store, dir) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try ZoneWriter(store: store)
        let tasks = (0..<200).map { RecordingTask(key: [UInt8($0 / 256), UInt8($0 % 256)]) }
        for task in tasks { writer.submit(task) }
        for task in tasks { task.done.wait() }
        let sequences = tasks.compactMap { $0.entry?.sequence }
        #expect(sequences == Array(1...200))
        #expect(try store.position() == LogPosition(sequence: 200, term: 7))
        let logged = try store.logEntries(after: 0)
        #expect(logged.map(\.sequence) == Array(1...200))
        #expect(logged[5] == LogEntry(sequence: 6, term: 7, ops: [.put(.items, key: [0, 5], value: [1, 2, 3])]))
        #expect(try store.logEntries(after: 150, limit: 3).map(\.sequence) == [151, 152, 153])
        #expect(store.journal.term(at: 151) == 7 && store.journal.oldestSequence == 1)
        writer.shutdown()
    }

    /// What a crash leaves behind: entries journaled but never applied to the environment (killed
    /// between the two, or the environment's pages not flushed yet). Opening the zone replays them.
    @Test func openingReplaysWhatTheEnvironmentLacks() throws {
        let dir = NSTemporaryDirectory() + "trident-storage-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/us-east-1a"
        do {
            // (No writer thread here: it could outlive the scope and keep the environment open.)
            let store = try NodeStore(path: path, zone: "us-east-1a", durability: .none)
            let first = LogEntry(sequence: 1, term: 7, ops: [.put(.items, key: [1], value: [1, 2, 3])])
            try store.write { txn in
                try store.apply(first.ops[0], in: txn)
                try store.recordPosition(first.position, in: txn)
                try store.journal.append([first])
            }
            try store.journal.append([
                LogEntry(sequence: 2, term: 7, ops: [.put(.items, key: [2], value: [9])]),
                LogEntry(sequence: 3, term: 7, ops: [.delete(.items, key: [1])]),
            ])
        }
        let reopened = try NodeStore(path: path, zone: "us-east-1a", durability: .none)
        #expect(try reopened.position() == LogPosition(sequence: 3, term: 7))
        #expect(try reopened.read { try [$0.value(.items, [1]), $0.value(.items, [2])] } == [nil, [9]])
        #expect(try nextSequence(reopened) == 4)
    }

    /// A data folder from before the journal kept its log in LMDB (`log`: sequence → entry, the last
    /// entry being the zone's position). Opening it moves the position to its record, drops the
    /// old log, and the journal continues after it.
    @Test func anOldLogDatabaseIsMigrated() throws {
        let dir = NSTemporaryDirectory() + "trident-storage-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/us-east-1a"
        do {
            let environment = try Environment(path: path, options: .init(mapSize: 1 << 26, maxDatabases: 8))
            try environment.write { txn in
                let items = try txn.openDatabase("items")
                let log = try txn.openDatabase("log")
                try txn.put(items, [1], [1, 2, 3])
                for sequence in UInt64(1)...5 {
                    try txn.put(log, BigEndian.bytes(sequence), LogEntry.encode(term: 3, ops: [.put(.items, key: [1], value: [1, 2, 3])]))
                }
            }
        }
        let store = try NodeStore(path: path, zone: "us-east-1a", durability: .none)
        #expect(try store.position() == LogPosition(sequence: 5, term: 3))
        #expect(try store.read { try $0.value(.items, [1]) } == [1, 2, 3])
        #expect(try store.environment.write { try $0.openExistingDatabase("log") } == nil)
        #expect(try nextSequence(store) == 6)
    }

    /// On an executor (the server's event loop), a writer groups, numbers and isolates failures the
    /// same way, and shutting down waits for what was queued.
    @Test func aWriterOnAnExecutorCommitsInGroups() throws {
        struct QueueExecutor: WriterExecutor {
            let queue = DispatchQueue(label: "test-executor")
            func execute(_ work: @escaping @Sendable () -> Void) { queue.async(execute: work) }
        }
        let (store, dir) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try ZoneWriter(store: store, executor: QueueExecutor())
        let tasks = (0..<100).map { RecordingTask(key: [UInt8($0)], behaviour: $0 == 50 ? .failAfterWriting : .write) }
        for task in tasks { writer.submit(task) }
        writer.shutdown()
        for task in tasks { task.done.wait() }
        #expect(tasks.compactMap { $0.entry?.sequence } == Array(1...99))
        #expect(tasks[50].error is RecordingTask.Refused)
        #expect(try store.position().sequence == 99)
        let late = RecordingTask(key: [200])
        writer.submit(late)
        late.done.wait()
        #expect(late.error is ZoneWriter.Stopped)
    }

    @Test func failuresStayIsolated() throws {
        let (store, dir) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try ZoneWriter(store: store)
        let tasks = [
            RecordingTask(key: [1]), RecordingTask(key: [2], behaviour: .failBeforeWriting),
            RecordingTask(key: [3], behaviour: .failAfterWriting), RecordingTask(key: [4]),
        ]
        for task in tasks { writer.submit(task) }
        for task in tasks { task.done.wait() }
        writer.shutdown()
        #expect(tasks[0].entry != nil && tasks[3].entry != nil)
        #expect(tasks[1].error is RecordingTask.Refused && tasks[2].error is RecordingTask.Refused)
        let stored = try store.read { reader in try [1, 2, 3, 4].map { try reader.value(.items, [UInt8($0)]) != nil } }
        #expect(stored == [true, false, false, true])
        #expect(try store.position().sequence == 2)
    }
}

struct CatalogTests {
    @Test func statisticsAndExpiryIndexFollowItemWrites() throws {
        let (store, dir) = try temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var table = TableDefinition(
            name: "t", id: "id", number: 7, arn: "arn", keySchema: KeySchema(partition: KeyElement(name: "id", type: .string)),
            attributeDefinitions: [KeyElement(name: "id", type: .string)], creationDateTime: 0, billingMode: .payPerRequest,
            throughput: ProvisionedThroughput(readCapacityUnits: 0, writeCapacityUnits: 0))
        table.timeToLive = TimeToLiveSetting(attributeName: "exp", enabled: true)
        let key = KeyEncoding.itemKey(partition: .string("a"), sort: nil)
        let first: Item = ["id": .string("a"), "exp": .number(DynamoNumber(100))]
        let second: Item = ["id": .string("a"), "exp": .number(try DynamoNumber(parsing: "250.9"))]
        try store.write { txn in
            var context = StoreWriteContext(store: store, transaction: txn, position: .start)
            try Catalog.save(table, in: &context)
            try ItemTable.write(table: table, itemKey: key, old: nil, new: first, in: &context)
            let stored = try #require(try ItemTable.stored(context.reader, table: 7, itemKey: key))
            #expect(stored.size == ItemSize.of(first))
            #expect(try stored.item() == first)
            #expect(try stored.expiry(attribute: "exp") == 100)
            try ItemTable.write(table: table, itemKey: key, old: stored, new: second, in: &context)
        }
        try store.read { (reader) throws in
            #expect(try Catalog.statistics(reader, table: 7) == .init(itemCount: 1, sizeBytes: ItemSize.of(second)))
            #expect(try ExpiryIndex.due(reader, table: 7, in: 0...200, limit: 10).isEmpty)
            let due = try ExpiryIndex.due(reader, table: 7, in: 0...250, limit: 10)
            #expect(due.count == 1 && due[0].expiry == 250 && due[0].itemKey == key)
            #expect(try Catalog.tables(reader).map(\.name) == ["t"])
        }
        try store.write { txn in
            var context = StoreWriteContext(store: store, transaction: txn, position: .start)
            try Catalog.drop(table, in: &context)
        }
        try store.read { (reader) throws in
            #expect(try ItemTable.item(reader, table: 7, itemKey: key) == nil)
            #expect(try ExpiryIndex.due(reader, table: 7, in: 0...UInt64.max, limit: 10).isEmpty)
            #expect(try Catalog.tables(reader).isEmpty)
        }
    }

    @Test func expirySecondsDropFractionsAndIgnoreNonNumbers() throws {
        #expect(ExpiryIndex.expiry(of: ["t": .number(try DynamoNumber(parsing: "1700000000.9"))], attribute: "t") == 1_700_000_000)
        #expect(ExpiryIndex.expiry(of: ["t": .number(try DynamoNumber(parsing: "1e30"))], attribute: "t") == UInt64.max)
        #expect(ExpiryIndex.expiry(of: ["t": .number(try DynamoNumber(parsing: "-5"))], attribute: "t") == nil)
        #expect(ExpiryIndex.expiry(of: ["t": .string("1700000000")], attribute: "t") == nil)
        #expect(ExpiryIndex.expiry(of: ["t": .numberSet([DynamoNumber(5)])], attribute: "t") == nil)
        #expect(ExpiryIndex.expiry(of: [:], attribute: "t") == nil)
    }
}
