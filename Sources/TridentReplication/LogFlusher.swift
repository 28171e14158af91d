import Dispatch
import Synchronization
import TridentStorage

/// Makes committed groups durable off the writer: every group committed while the last flush ran is
/// covered by the next one (group commit's second half), then their writes get their answers — all
/// of one flush in one hop back to the writer's executor, so on one core the replies go out from
/// the event loop that owns the connections, with one wake-up. Runs on its own serial queue
/// because `fdatasync` blocks its thread until the disk answers.
final class LogFlusher: Sendable {
    typealias Completion = (task: any WriteTask, outcome: Result<Void, any Error>)

    private let store: Store
    private let log: Log
    private let answers: any WriterExecutor
    private let queue = DispatchQueue(label: "trident-log-flush")
    private let pending = Mutex<(groups: [[Completion]], scheduled: Bool)>(([], false))

    init(store: Store, log: Log, answers: any WriterExecutor) {
        self.store = store
        self.log = log
        self.answers = answers
    }

    func submit(_ group: [Completion]) {
        let schedule = pending.withLock { p in
            p.groups.append(group)
            defer { p.scheduled = true }
            return !p.scheduled
        }
        if schedule { queue.async { [self] in drain() } }
    }

    /// Returns once every group submitted before the call is flushed (its answers are on their way).
    func wait() {
        queue.sync {}
    }

    private func drain() {
        while true {
            let groups = pending.withLock { p in
                defer { p.groups.removeAll(keepingCapacity: true) }
                p.scheduled = !p.groups.isEmpty
                return p.groups
            }
            if groups.isEmpty { return }
            var failure: (any Error)?
            do {
                try log.flush()
            } catch {
                // The data is committed but not durable: no write is acknowledged from here on.
                store.refuseWrites(error)
                failure = error
            }
            let failed = failure
            answers.execute {
                for group in groups {
                    for (task, outcome) in group { task.finish(failed.map { .failure($0) } ?? outcome) }
                }
            }
        }
    }
}
