import Foundation

/// Makes a zone's journal durable off the writer thread: takes every group the writer committed
/// since the last round, fdatasyncs once, then tells their tasks — the second half of group commit.
final class JournalSyncer: Sendable {
    /// A committed group waiting for its journal records to reach the disk.
    struct Group: Sendable {
        let tasks: [any WriterTask]
        let outcomes: [Result<[LogEntry], any Error>]

        /// Tells each task how it ended: `failure` (the sync failed) fails even those that ran.
        func complete(_ failure: (any Error)?) {
            for (task, outcome) in zip(tasks, outcomes) {
                switch (outcome, failure) {
                case let (.success(entries), nil): task.committed(entries)
                case let (.success, failure?): task.failed(failure)
                case let (.failure(error), _): task.failed(error)
                }
            }
        }
    }

    private let journal: Journal
    private let queue = BlockingQueue<Group>()
    private let finished = DispatchSemaphore(value: 0)

    init(journal: Journal, name: String) {
        self.journal = journal
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    func submit(_ group: Group) {
        if !queue.append(group) { group.complete(ZoneWriter.Stopped()) }
    }

    /// Syncs and completes what is queued, then stops.
    func shutdown() {
        queue.close()
        finished.wait()
        finished.signal()
    }

    private func loop() {
        while true {
            let groups = queue.takeAll()
            if groups.isEmpty { break }
            var failure: (any Error)?
            do {
                try journal.sync()
            } catch {
                failure = error
            }
            for group in groups { group.complete(failure) }
        }
        finished.signal()
    }
}
