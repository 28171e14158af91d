import Dispatch
import Synchronization
import TridentStorage

/// Group commit, both halves. The writer, on the leader's executor, puts every write queued since
/// its last run into one transaction — each decided once, in order, its ops one log entry — and
/// commits; the group's frame goes to the log. The flusher, on a queue of its own (`fdatasync`
/// blocks its thread), makes every group written meanwhile durable with one flush, then hands
/// their answers back to the executor in one hop: on one core they go out from the loop that owns
/// the connections. Without a log (in memory, or LMDB flushing each commit) the answers go out
/// after the commit.
final class GroupCommit: Sendable {
    typealias Answer = (task: any WriteTask, outcome: Result<Void, any Error>)

    private let store: Store
    private let executor: any WriterExecutor
    /// Called after each group with its last sequence when it committed entries (views follow it).
    private let afterGroup: @Sendable (UInt64?) -> Void
    private let inbox = Mutex(Inbox())
    private let finished = DispatchSemaphore(value: 0)
    private let flushQueue = DispatchQueue(label: "trident-log-flush")
    private let unflushed = Mutex<(groups: [[Answer]], scheduled: Bool)>(([], false))

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
        flushQueue.sync {}
        let answered = DispatchSemaphore(value: 0)
        executor.execute { answered.signal() }
        answered.wait()
    }

    // MARK: the writer

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
        let answers = zip(tasks, outcomes).map { (task: $0, outcome: $1) }
        guard store.log != nil else { return answers.forEach { $0.task.finish($0.outcome) } }
        let schedule = unflushed.withLock { u in
            u.groups.append(answers)
            defer { u.scheduled = true }
            return !u.scheduled
        }
        if schedule { flushQueue.async { [self] in flush() } }
    }

    // MARK: the flusher

    private func flush() {
        while true {
            let groups = unflushed.withLock { u in
                defer { u.groups.removeAll(keepingCapacity: true) }
                u.scheduled = !u.groups.isEmpty
                return u.groups
            }
            guard !groups.isEmpty, let log = store.log else { return }
            var failure: (any Error)?
            do {
                try log.flush()
            } catch {
                // The data is committed but not durable: no write is acknowledged from here on.
                store.refuseWrites(error)
                failure = error
            }
            executor.execute { [failure] in
                for group in groups {
                    for (task, outcome) in group { task.finish(failure.map { .failure($0) } ?? outcome) }
                }
            }
        }
    }
}
