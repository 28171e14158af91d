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

    /// The transaction is committed: readers of this zone see it (durable soon after).
    func applied(_ entries: [LogEntry])

    /// The transaction is committed and its entries are in the journal, durably; `entries` are what
    /// the task logged (often none or one).
    func committed(_ entries: [LogEntry])

    func failed(_ error: any Error)
}

extension WriterTask {
    public func willCommit(_ entries: [LogEntry]) {}
    public func applied(_ entries: [LogEntry]) {}
}

/// Where a zone's writer runs: any executor that runs work in order on one thread — the server's
/// event loop, so that on one core requests and writes share a thread and nothing waits for the
/// scheduler to switch between them.
public protocol WriterExecutor: Sendable {
    func execute(_ work: @escaping @Sendable () -> Void)
}

/// The single writer of one zone: on a dedicated thread, or on an executor's thread, it takes
/// every task queued since its last commit, runs them in one LMDB transaction, writes their entries
/// to the journal and commits (group commit). A transaction therefore never meets an `await` or
/// another thread.
///
/// Making the group durable is the syncer's job, on its own thread (one for all the zones of a
/// server): the group's records are on their way to the disk before the commit, and one flush
/// covers every group written since the previous one; only then are the tasks told `committed`.
/// Meanwhile the writer is already running the next group.
public final class ZoneWriter: Sendable {
    public let store: NodeStore
    private let queue = BlockingQueue<any WriterTask>()
    private let committedPosition: Mutex<LogPosition>
    private let finished = DispatchSemaphore(value: 0)
    private let syncer: JournalSyncer?
    /// Whether `syncer` is this writer's own (else it serves other zones' writers too).
    private let ownsSyncer: Bool
    private let executor: (any WriterExecutor)?
    /// On an executor: the tasks waiting for the next group, and whether a run is scheduled.
    private let inbox = Mutex(Inbox())

    private struct Inbox {
        var tasks: [any WriterTask] = []
        var scheduled = false
        var closed = false
    }

    /// A task threw after changing something: the transaction must be rolled back.
    private struct Poisoned: Error {
        let index: Int
        let error: any Error
    }

    /// A task left ops it did not seal: a programming error, never committed.
    public struct UnsealedChanges: Error {}

    /// Called once per group after every task's `willCommit`, before the commit (the leader ships
    /// the group's entries to the followers from here).
    private let beforeCommit: (@Sendable () -> Void)?

    /// A writer on its own thread, or on `executor` when given. Its groups are made durable by
    /// `syncer` (shared with other zones' writers), or by a syncer of its own.
    public init(
        store: NodeStore, executor: (any WriterExecutor)? = nil, syncer shared: JournalSyncer? = nil, beforeCommit: (@Sendable () -> Void)? = nil
    ) throws {
        self.store = store
        self.executor = executor
        self.beforeCommit = beforeCommit
        committedPosition = Mutex(try store.position())
        // With strict durability LMDB flushes each commit itself: nothing is left for a syncer.
        let journaled = store.durability == .journal
        syncer = journaled ? shared ?? JournalSyncer(name: "trident-journal-\(store.zone)") : nil
        ownsSyncer = journaled && shared == nil
        guard executor == nil else { return }
        let thread = Thread { [self] in loop() }
        thread.name = "trident-writer-\(store.zone)"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The last entry this zone has committed (applied; durable shortly after).
    public var position: LogPosition { committedPosition.withLock { $0 } }

    /// The writer has shut down: tasks submitted afterwards fail with this.
    public struct Stopped: Error {}

    public func submit(_ task: any WriterTask) {
        guard let executor else {
            if !queue.append(task) { task.failed(Stopped()) }
            return
        }
        let (accepted, schedule) = inbox.withLock { inbox -> (Bool, Bool) in
            guard !inbox.closed else { return (false, false) }
            inbox.tasks.append(task)
            defer { inbox.scheduled = true }
            return (true, !inbox.scheduled)
        }
        if !accepted { return task.failed(Stopped()) }
        if schedule { executor.execute { [self] in runScheduled() } }
    }

    /// Stops after the queued tasks are done. Safe to call more than once; never from the executor.
    public func shutdown() {
        if executor != nil {
            let idle = inbox.withLock { inbox in
                defer { inbox.closed = true }
                return !inbox.closed && !inbox.scheduled
            }
            if idle {
                finishSyncing()
                finished.signal()
            }
        } else {
            queue.close()
        }
        finished.wait()
        finished.signal()
    }

    /// One group on the executor; the tasks that arrived meanwhile wait for another turn, so the
    /// executor's other work (reading requests) runs in between.
    private func runScheduled() {
        let tasks = inbox.withLock { inbox in
            defer { inbox.tasks.removeAll(keepingCapacity: true) }
            return inbox.tasks
        }
        if !tasks.isEmpty { process(tasks) }
        let (again, stopped) = inbox.withLock { inbox in
            inbox.scheduled = !inbox.tasks.isEmpty
            return (inbox.scheduled, inbox.closed && inbox.tasks.isEmpty)
        }
        if again {
            executor?.execute { [self] in runScheduled() }
        } else if stopped {
            finishSyncing()
            finished.signal()
        }
    }

    private func loop() {
        while true {
            let tasks = queue.takeAll()
            if tasks.isEmpty { break }
            process(tasks)
        }
        finishSyncing()
        finished.signal()
    }

    /// The writer stops: its groups are made durable (and their tasks told) first.
    private func finishSyncing() {
        guard let syncer else { return }
        if ownsSyncer { syncer.shutdown() } else { syncer.drain(store.journal) }
    }

    private func process(_ tasks: [any WriterTask]) {
        var pending = tasks
        while !pending.isEmpty {
            let start = position
            var mark: Journal.Mark?
            do {
                let (outcomes, end) = try store.write { txn in
                    let (outcomes, end) = try runGroup(pending, from: start, in: txn)
                    for (task, outcome) in zip(pending, outcomes) {
                        if case let .success(entries) = outcome { task.willCommit(entries) }
                    }
                    beforeCommit?()
                    if end != start {
                        try store.recordPosition(end, in: txn)
                        // Journaled before the commit: a crash between the two replays the entries,
                        // never leaves the environment ahead of its journal.
                        mark = try store.journal.append(outcomes.flatMap { (try? $0.get()) ?? [] })
                    }
                    return (outcomes, end)
                }
                committedPosition.withLock { $0 = end }
                for (task, outcome) in zip(pending, outcomes) {
                    if case let .success(entries) = outcome { task.applied(entries) }
                }
                let group = JournalSyncer.Group(journal: store.journal, tasks: pending, outcomes: outcomes)
                if let syncer { syncer.submit(group, wakingAfter: executor) } else { group.complete(nil) }
                pending = []
            } catch let poisoned as Poisoned {
                pending[poisoned.index].failed(poisoned.error)
                pending.remove(at: poisoned.index)
            } catch {
                if let mark { store.journal.rollBack(to: mark) }
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
        var sealed: [LogEntry] = []
        for (index, task) in tasks.enumerated() {
            var context = StoreWriteContext(store: store, transaction: txn, position: position, groupEntries: sealed)
            do {
                try task.run(&context)
                guard context.ops.isEmpty else { throw UnsealedChanges() }
                position = context.position
                sealed.append(contentsOf: context.entries)
                outcomes.append(.success(context.entries))
            } catch {
                guard !context.touched else { throw Poisoned(index: index, error: error) }
                outcomes.append(.failure(error))
            }
        }
        return (outcomes, position)
    }
}
