import Synchronization

/// The quorum rule for one write, as a small state machine: the write is acknowledged once the
/// leader has committed it and every synchronous follower has it durably (at least one follower
/// does); if synchronous followers fail (a zone stopped under it), a delayed follower's copy can
/// still make the quorum; if no follower can, or the leader's commit fails, the write fails.
/// Followers get the entry while the leader commits, so the two fsyncs overlap.
struct QuorumTracker: Sendable, Equatable {
    enum Decision: Equatable {
        case waiting
        case acknowledge
        case fail
    }

    private(set) var synchronousPending: Int
    private(set) var delayedPending: Int
    private(set) var confirmed = 0
    private(set) var leaderCommitted = false
    private(set) var decided = false

    init(synchronous: Int, delayed: Int) {
        synchronousPending = synchronous
        delayedPending = delayed
    }

    /// A follower has the entry durably (`synchronous` says which kind it was).
    mutating func confirm(synchronous: Bool) -> Decision {
        if synchronous { synchronousPending -= 1 } else { delayedPending -= 1 }
        confirmed += 1
        return decide()
    }

    /// The leader's own commit is durable.
    mutating func confirmLeader() -> Decision {
        leaderCommitted = true
        return decide()
    }

    /// A follower could not take the entry (stopped, isolated, or the write was from a deposed leader).
    mutating func reject(synchronous: Bool) -> Decision {
        if synchronous { synchronousPending -= 1 } else { delayedPending -= 1 }
        return decide()
    }

    /// For a zone set with no followers (`--zones 1`): the leader's commit is the quorum.
    static func leaderOnly() -> QuorumTracker {
        var tracker = QuorumTracker(synchronous: 0, delayed: 0)
        tracker.confirmed = 1
        return tracker
    }

    mutating func decide() -> Decision {
        guard !decided else { return .waiting }
        if leaderCommitted && synchronousPending == 0 && confirmed > 0 {
            decided = true
            return .acknowledge
        }
        // No follower has it and none can any more.
        if synchronousPending == 0 && delayedPending == 0 && confirmed == 0 {
            decided = true
            return .fail
        }
        return .waiting
    }
}

/// One write waiting for its quorum; followers report to it from their writer threads.
final class PendingAcknowledgement: Sendable {
    private let tracker: Mutex<QuorumTracker>
    private let acknowledge: @Sendable () -> Void
    private let fail: @Sendable () -> Void

    init(_ tracker: QuorumTracker, acknowledge: @escaping @Sendable () -> Void, fail: @escaping @Sendable () -> Void) {
        self.tracker = Mutex(tracker)
        self.acknowledge = acknowledge
        self.fail = fail
    }

    func start() {
        act(tracker.withLock { $0.decide() })
    }

    func confirm(synchronous: Bool) {
        act(tracker.withLock { $0.confirm(synchronous: synchronous) })
    }

    func confirmLeader() {
        act(tracker.withLock { $0.confirmLeader() })
    }

    func reject(synchronous: Bool) {
        act(tracker.withLock { $0.reject(synchronous: synchronous) })
    }

    private func act(_ decision: QuorumTracker.Decision) {
        switch decision {
        case .acknowledge: acknowledge()
        case .fail: fail()
        case .waiting: break
        }
    }
}
