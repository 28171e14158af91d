import Foundation
import Synchronization

/// Makes journals durable off the writer threads, one thread for all the zones of a server: takes
/// every group the writers committed since the last round, makes the journals they wrote durable
/// in one `SyncRound` (their direct writes done, then as few flushes as possible), then tells
/// their tasks — the second half of group commit. One thread instead of one per zone: on a single
/// core every extra thread to wake is a context switch per group.
public final class JournalSyncer: Sendable {
    /// A committed group waiting for its journal records to reach the disk.
    struct Group: Sendable {
        let journal: Journal
        let tasks: [any WriterTask]
        let outcomes: [Result<[LogEntry], any Error>]
        /// Called after the tasks are told (a writer waiting for its groups before it stops).
        var done: (@Sendable () -> Void)? = nil

        /// Tells each task how it ended: `failure` (the sync failed) fails even those that ran.
        func complete(_ failure: (any Error)?) {
            for (task, outcome) in zip(tasks, outcomes) {
                switch (outcome, failure) {
                case let (.success(entries), nil): task.committed(entries)
                case let (.success, failure?): task.failed(failure)
                case let (.failure(error), _): task.failed(error)
                }
            }
            done?()
        }
    }

    private let queue = BlockingQueue<Group>()
    private let finished = DispatchSemaphore(value: 0)
    /// A wake-up is queued on an executor (see `submit(_:wakingAfter:)`).
    private let wakeQueued = Atomic(false)

    public init(name: String = "trident-journal") {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    func submit(_ group: Group) {
        if !queue.append(group) { group.complete(ZoneWriter.Stopped()) }
    }

    /// Queues `group`, waking the syncer only once `executor` has run what it holds now: the
    /// followers' copies of a leader's group run there next, so one round (one flush) covers the
    /// three journals. On no executor, wakes it at once.
    func submit(_ group: Group, wakingAfter executor: (any WriterExecutor)?) {
        guard let executor else { return submit(group) }
        if !queue.append(group, signal: false) { return group.complete(ZoneWriter.Stopped()) }
        guard !wakeQueued.exchange(true, ordering: .acquiringAndReleasing) else { return }
        executor.execute { [self] in
            wakeQueued.store(false, ordering: .releasing)
            queue.signal()
        }
    }

    /// Returns once every group of `journal` submitted before the call is complete.
    func drain(_ journal: Journal) {
        let done = DispatchSemaphore(value: 0)
        submit(Group(journal: journal, tasks: [], outcomes: [], done: { done.signal() }))
        done.wait()
    }

    /// Syncs and completes what is queued, then stops. Safe to call more than once.
    public func shutdown() {
        queue.close()
        finished.wait()
        finished.signal()
    }

    private func loop() {
        while true {
            let groups = queue.takeAll()
            if groups.isEmpty { break }
            var journals: [Journal] = []
            for group in groups where !journals.contains(where: { $0 === group.journal }) { journals.append(group.journal) }
            let failures = SyncRound.run(journals)
            for (journal, failure) in zip(journals, failures) {
                for group in groups where group.journal === journal { group.complete(failure) }
            }
        }
        finished.signal()
    }
}
