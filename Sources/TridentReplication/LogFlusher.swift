import Dispatch
import Synchronization
import TridentStorage

/// Makes committed groups durable off the writer: every group committed while the last flush ran is
/// covered by the next one (group commit's second half), then their writes get their answers.
/// Runs on its own serial queue because `fdatasync` blocks its thread until the disk answers.
final class LogFlusher: Sendable {
    typealias Completion = (task: any WriteTask, outcome: Result<Void, any Error>)

    private let store: Store
    private let log: Log
    private let queue = DispatchQueue(label: "trident-log-flush")
    private let pending = Mutex<(groups: [[Completion]], scheduled: Bool)>(([], false))

    init(store: Store, log: Log) {
        self.store = store
        self.log = log
    }

    func submit(_ group: [Completion]) {
        let schedule = pending.withLock { p in
            p.groups.append(group)
            defer { p.scheduled = true }
            return !p.scheduled
        }
        if schedule { queue.async { [self] in drain() } }
    }

    /// Returns once every group submitted before the call has its answers.
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
            for group in groups {
                for (task, outcome) in group { task.finish(failure.map { .failure($0) } ?? outcome) }
            }
        }
    }
}
