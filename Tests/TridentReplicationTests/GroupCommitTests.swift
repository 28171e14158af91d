// Group commit as the engine relies on it: every write gets exactly one answer, in order, and only
// once the log holds it durably; a write that fails leaves the others in its group alone; a stopped
// writer answers what it had queued and turns the rest away.
import Dispatch
import Foundation
import Synchronization
import Testing
import TridentStorage

@testable import TridentReplication

/// A write of one key, or one that fails while deciding.
private final class KeyWrite: WriteTask, @unchecked Sendable {
    let key: Int
    let fails: Bool
    let answered: @Sendable (Int, Result<Void, any Error>, UInt64) -> Void
    let log: Log?

    init(_ key: Int, fails: Bool = false, log: Log?, answered: @escaping @Sendable (Int, Result<Void, any Error>, UInt64) -> Void) {
        self.key = key
        self.fails = fails
        self.log = log
        self.answered = answered
    }

    struct Refused: Error {}

    func prepare(_ reader: StoreReader) throws -> [StorageOp] {
        if fails { throw Refused() }
        return [.put(.items, key: Array("k\(key)".utf8), value: [1])]
    }

    func finish(_ result: Result<Void, any Error>) {
        answered(key, result, log?.durableThrough ?? 0)
    }
}

private struct Queue: WriterExecutor {
    let queue = DispatchQueue(label: "group-commit-test")
    func execute(_ work: @escaping @Sendable () -> Void) { queue.async(execute: work) }
}

struct GroupCommitTests {
    private let folder = NSTemporaryDirectory() + "trident-group-commit-test-" + UUID().uuidString

    @Test func everyWriteIsAnsweredOnceInOrderAfterItIsDurable() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(path: folder)
        let writer = GroupCommit(store: store, executor: Queue()) { _ in }
        let answers = Mutex<[(Int, Bool, UInt64)]>([])
        let all = DispatchSemaphore(value: 0)
        for i in 0..<200 {
            writer.submit(
                KeyWrite(i, fails: i % 7 == 3, log: store.log) { key, result, durable in
                    let count = answers.withLock { a in
                        a.append((key, (try? result.get()) != nil, durable))
                        return a.count
                    }
                    if count == 200 { all.signal() }
                })
        }
        all.wait()
        let got = answers.withLock { $0 }
        #expect(got.map(\.0) == Array(0..<200))
        #expect(got.map(\.1) == (0..<200).map { $0 % 7 != 3 })
        // Each successful write was durable when answered: the log had flushed at least as many entries.
        var written: UInt64 = 0
        for (_, ok, durable) in got where ok {
            written += 1
            #expect(durable >= written)
        }
        let stored = try store.read { reader in try (0..<200).map { try reader.value(.items, Array("k\($0)".utf8)) != nil } }
        #expect(stored == (0..<200).map { $0 % 7 != 3 })
        writer.shutdown()
    }

    @Test func aStoppedWriterAnswersWhatItHadAndTurnsTheRestAway() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(path: folder)
        let writer = GroupCommit(store: store, executor: Queue()) { _ in }
        let answered = Atomic(0)
        for i in 0..<50 { writer.submit(KeyWrite(i, log: store.log) { _, _, _ in answered.add(1, ordering: .relaxed) }) }
        writer.shutdown()
        #expect(answered.load(ordering: .relaxed) == 50)
        let late = Mutex<Bool?>(nil)
        writer.submit(KeyWrite(99, log: store.log) { _, result, _ in late.withLock { $0 = (try? result.get()) != nil } })
        #expect(late.withLock { $0 } == false)
    }
}
