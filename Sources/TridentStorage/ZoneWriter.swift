import Foundation
import LMDB
import Synchronization

/// Work for a zone's writer thread. `run` executes inside the group's write transaction and may run
/// more than once (when another task poisons the group, the rest are retried in a fresh
/// transaction), so it must be a pure function of what it reads.
public protocol WriterTask: AnyObject, Sendable {
    /// Reads and writes through `context` and seals its changes into log entries. Throwing before
    /// any change fails only this task.
    func run(_ context: inout StoreWriteContext) throws

    /// The group ran and is about to commit: its entries can be shipped to other zones now, so they
    /// write to disk while this zone does. (If the commit then fails, `failed` follows.)
    func willCommit(_ entries: [LogEntry])

    /// The transaction is durable; `entries` are what the task logged (often none or one).
    func committed(_ entries: [LogEntry])

    func failed(_ error: any Error)
}

extension WriterTask {
    public func willCommit(_ entries: [LogEntry]) {}
}

/// The single writer of one zone: a dedicated thread that takes every task queued since its last
/// commit, runs them in one LMDB transaction and commits once (group commit: one fsync for many
/// requests). A transaction therefore never meets an `await` or another thread.
public final class ZoneWriter: Sendable {
    public let store: NodeStore
    private let queue = BlockingQueue<any WriterTask>()
    private let committedPosition: Mutex<LogPosition>
    private let finished = DispatchSemaphore(value: 0)

    /// A task threw after changing something: the transaction must be rolled back.
    private struct Poisoned: Error {
        let index: Int
        let error: any Error
    }

    /// A task left ops it did not seal: a programming error, never committed.
    public struct UnsealedChanges: Error {}

    public init(store: NodeStore) throws {
        self.store = store
        committedPosition = Mutex(try store.position())
        let thread = Thread { [self] in loop() }
        thread.name = "trident-writer-\(store.zone)"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The last entry this zone has committed.
    public var position: LogPosition { committedPosition.withLock { $0 } }

    /// The writer has shut down: tasks submitted afterwards fail with this.
    public struct Stopped: Error {}

    public func submit(_ task: any WriterTask) {
        if !queue.append(task) { task.failed(Stopped()) }
    }

    /// Stops after the queued tasks are done. Safe to call more than once.
    public func shutdown() {
        queue.close()
        finished.wait()
        finished.signal()
    }

    private func loop() {
        while true {
            let tasks = queue.takeAll()
            if tasks.isEmpty { break }
            process(tasks)
        }
        finished.signal()
    }

    private func process(_ tasks: [any WriterTask]) {
        var pending = tasks
        while !pending.isEmpty {
            let start = position
            do {
                let (outcomes, end) = try store.write { txn in
                    let (outcomes, end) = try runGroup(pending, from: start, in: txn)
                    for (task, outcome) in zip(pending, outcomes) {
                        if case let .success(entries) = outcome { task.willCommit(entries) }
                    }
                    return (outcomes, end)
                }
                committedPosition.withLock { $0 = end }
                for (task, outcome) in zip(pending, outcomes) {
                    switch outcome {
                    case let .success(entries): task.committed(entries)
                    case let .failure(error): task.failed(error)
                    }
                }
                pending = []
            } catch let poisoned as Poisoned {
                pending[poisoned.index].failed(poisoned.error)
                pending.remove(at: poisoned.index)
            } catch {
                for task in pending { task.failed(error) }
                pending = []
            }
        }
    }

    private func runGroup(_ tasks: [any WriterTask], from start: LogPosition, in txn: WriteTransaction) throws
        -> ([Result<[LogEntry], any Error>], LogPosition)
    {
        var position = start
        var outcomes: [Result<[LogEntry], any Error>] = []
        outcomes.reserveCapacity(tasks.count)
        for (index, task) in tasks.enumerated() {
            var context = StoreWriteContext(store: store, transaction: txn, position: position)
            do {
                try task.run(&context)
                guard context.ops.isEmpty else { throw UnsealedChanges() }
                position = context.position
                outcomes.append(.success(context.entries))
            } catch {
                guard !context.touched else { throw Poisoned(index: index, error: error) }
                outcomes.append(.failure(error))
            }
        }
        return (outcomes, position)
    }
}
