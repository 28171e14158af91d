import Foundation
import Synchronization
import LMDB

/// Work for a zone's writer thread. `run` executes inside the group's write transaction and may run
/// more than once (when another task poisons the group, the rest are retried in a fresh
/// transaction), so it must be a pure function of what it reads.
public protocol WriterTask: AnyObject, Sendable {
    /// Reads and writes through `context`. Returns the sequence number its log entry takes:
    /// `proposed` for new writes (the leader numbers them), the shipped entry's own number for
    /// replicated ones. Throwing before any write fails only this task.
    func run(_ context: inout StoreWriteContext, proposedSequence: UInt64) throws -> UInt64

    /// The transaction is durable; `entry` is nil when the task wrote nothing.
    func committed(_ entry: LogEntry?)

    func failed(_ error: any Error)
}

/// The single writer of one zone: a dedicated thread that takes every task queued since its last
/// commit, runs them in one LMDB transaction and commits once (group commit: one fsync for many
/// requests). A transaction therefore never meets an `await` or another thread.
public final class ZoneWriter: Sendable {
    public let store: NodeStore
    private let queue = BlockingQueue<any WriterTask>()
    private let state: Mutex<UInt64>
    private let finished = DispatchSemaphore(value: 0)

    /// A task threw after writing: its partial writes poison the transaction.
    private struct Poisoned: Error {
        let index: Int
        let error: any Error
    }

    public init(store: NodeStore) throws {
        self.store = store
        state = Mutex(try store.appliedSequence())
        let thread = Thread { [self] in loop() }
        thread.name = "trident-writer-\(store.zone)"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The highest sequence number committed by this zone.
    public var lastSequence: UInt64 { state.withLock { $0 } }

    public func submit(_ task: any WriterTask) {
        queue.append(task)
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
            let start = lastSequence
            do {
                let outcomes = try store.write { txn in try runGroup(pending, after: start, in: txn) }
                let highest = outcomes.compactMap { try? $0.get()?.sequence }.max() ?? start
                state.withLock { $0 = max($0, highest) }
                for (task, outcome) in zip(pending, outcomes) {
                    switch outcome {
                    case let .success(entry): task.committed(entry)
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

    private func runGroup(_ tasks: [any WriterTask], after start: UInt64, in txn: WriteTransaction) throws -> [Result<LogEntry?, any Error>] {
        var next = start + 1
        var outcomes: [Result<LogEntry?, any Error>] = []
        outcomes.reserveCapacity(tasks.count)
        for (index, task) in tasks.enumerated() {
            var context = StoreWriteContext(store: store, transaction: txn)
            do {
                let sequence = try task.run(&context, proposedSequence: next)
                if context.ops.isEmpty {
                    outcomes.append(.success(nil))
                    continue
                }
                let entry = LogEntry(sequence: sequence, ops: context.ops)
                try store.appendToLog(entry, in: txn)
                next = max(next, sequence + 1)
                outcomes.append(.success(entry))
            } catch {
                guard context.ops.isEmpty else { throw Poisoned(index: index, error: error) }
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }
}
