import Dispatch
import Synchronization
import TridentStorage

/// The leader's writer (group commit): every write queued since its last run goes into one
/// transaction — each decided once, in order, its ops appended as one log entry — the group
/// commits, and its entries are written to the log; the flusher then makes them durable and the
/// writes get their answers. Without a log (in memory, or LMDB flushing each commit) the answers
/// go out after the commit.
final class GroupCommit: Sendable {
    private let store: Store
    private let executor: any WriterExecutor
    private let flusher: LogFlusher?
    /// Called after each group, with its last sequence when it committed entries (the zones'
    /// views follow it).
    private let afterGroup: @Sendable (UInt64?) -> Void
    private let inbox = Mutex(Inbox())
    private let finished = DispatchSemaphore(value: 0)

    private struct Inbox {
        var tasks: [any WriteTask] = []
        var scheduled = false
        var closed = false
    }

    /// The writer has stopped: writes submitted afterwards fail with this.
    struct Stopped: Error {}

    init(store: Store, executor: any WriterExecutor, afterGroup: @escaping @Sendable (UInt64?) -> Void) {
        self.store = store
        self.executor = executor
        self.afterGroup = afterGroup
        flusher = store.log.map { LogFlusher(store: store, log: $0, answers: executor) }
    }

    func submit(_ task: any WriteTask) {
        let (accepted, schedule) = inbox.withLock { inbox -> (Bool, Bool) in
            guard !inbox.closed else { return (false, false) }
            inbox.tasks.append(task)
            defer { inbox.scheduled = true }
            return (true, !inbox.scheduled)
        }
        if !accepted { return task.finish(.failure(Stopped())) }
        if schedule { executor.execute { [self] in run() } }
    }

    /// Stops after the queued writes are done and answered. Never from the executor.
    func shutdown() {
        let idle = inbox.withLock { inbox in
            defer { inbox.closed = true }
            return !inbox.scheduled && !inbox.closed
        }
        if !idle { finished.wait() }
        flusher?.wait()
        // The last answers go out on the executor: wait for them too.
        let answered = DispatchSemaphore(value: 0)
        executor.execute { answered.signal() }
        answered.wait()
    }

    /// One group; writes that arrive meanwhile wait for the next turn, so the executor's other
    /// work (reading requests) runs in between.
    private func run() {
        let tasks = inbox.withLock { inbox in
            defer { inbox.tasks.removeAll(keepingCapacity: true) }
            return inbox.tasks
        }
        if !tasks.isEmpty { commit(tasks) }
        let (again, stopped) = inbox.withLock { inbox in
            inbox.scheduled = !inbox.tasks.isEmpty
            return (inbox.scheduled, inbox.closed && inbox.tasks.isEmpty)
        }
        if again {
            executor.execute { [self] in run() }
        } else if stopped {
            finished.signal()
        }
    }

    private func commit(_ tasks: [any WriteTask]) {
        var outcomes = [Result<Void, any Error>](repeating: .success(()), count: tasks.count)
        let before = store.lastSequence
        do {
            try store.write { group in
                for (i, task) in tasks.enumerated() {
                    do {
                        let ops = try task.prepare(group.reader)
                        if !ops.isEmpty { try group.append(ops) }
                    } catch let poisoned as GroupWrite.Poisoned {
                        throw poisoned.error
                    } catch {
                        outcomes[i] = .failure(error)
                    }
                }
            }
        } catch {
            outcomes = outcomes.map { _ in .failure(error) }
        }
        let last = store.lastSequence
        afterGroup(last > before ? last : nil)
        let completions = zip(tasks, outcomes).map { (task: $0, outcome: $1) }
        if let flusher {
            flusher.submit(completions)
        } else {
            for (task, outcome) in completions { task.finish(outcome) }
        }
    }
}
