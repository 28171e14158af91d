import Synchronization

/// The quorum rule for one write, as a small state machine: the write is acknowledged once two
/// zones hold it durably (the leader alone with one zone) and every zone that must not be stale —
/// the leader and each synchronous follower — has applied it, so strongly consistent reads and, at
/// zero lag, eventually consistent reads all see it. Durable means in the zone's journal, fsynced;
/// applied means committed to its environment, which happens first. Waiting for the second durable
/// copy rather than the third keeps one slow disk flush from holding every write back.
///
/// A follower that drops out (stopped, isolated, or the entry came from a deposed leader) no longer
/// counts; if two durable copies can no longer be had, or the leader fails, the write fails.
struct QuorumTracker: Sendable, Equatable {
    enum Decision: Equatable {
        case waiting
        case acknowledge
        case fail
    }

    /// Durable copies needed.
    let required: Int
    private(set) var durable = 0
    /// Zones that may still report a durable copy (the leader included).
    private(set) var outstanding: Int
    private(set) var leaderApplied = false
    /// Synchronous followers that have neither applied the entry nor dropped out.
    private(set) var synchronousUnapplied: Int
    private(set) var decided = false

    init(synchronous: Int, delayed: Int, required: Int = 2) {
        self.required = required
        outstanding = 1 + synchronous + delayed
        synchronousUnapplied = synchronous
    }

    /// For a zone set with no followers (`--zones 1`): the leader's durable copy is the quorum.
    static func leaderOnly() -> QuorumTracker {
        QuorumTracker(synchronous: 0, delayed: 0, required: 1)
    }

    /// The leader's commit is visible to reads on it.
    mutating func leaderAppliedIt() -> Decision {
        leaderApplied = true
        return decide()
    }

    /// The leader's journal holds the entry durably.
    mutating func leaderDurable() -> Decision {
        durable += 1
        outstanding -= 1
        return decide()
    }

    /// The leader could not commit or flush what it had shipped.
    mutating func leaderFailed() -> Decision {
        guard !decided else { return .waiting }
        decided = true
        return .fail
    }

    /// A follower committed the entry (`synchronous` says which kind it is).
    mutating func followerApplied(synchronous: Bool) -> Decision {
        if synchronous { synchronousUnapplied -= 1 }
        return decide()
    }

    /// A follower's journal holds the entry durably.
    mutating func followerDurable() -> Decision {
        durable += 1
        outstanding -= 1
        return decide()
    }

    /// A follower will not (or can no longer) hold the entry durably; `applied` says whether it had
    /// committed it before that.
    mutating func followerDropped(synchronous: Bool, applied: Bool) -> Decision {
        if synchronous && !applied { synchronousUnapplied -= 1 }
        outstanding -= 1
        return decide()
    }

    mutating func decide() -> Decision {
        guard !decided else { return .waiting }
        if leaderApplied && synchronousUnapplied == 0 && durable >= required {
            decided = true
            return .acknowledge
        }
        if durable + outstanding < required {
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

    func leaderApplied() {
        act(tracker.withLock { $0.leaderAppliedIt() })
    }

    func leaderDurable() {
        act(tracker.withLock { $0.leaderDurable() })
    }

    func leaderFailed() {
        act(tracker.withLock { $0.leaderFailed() })
    }

    func followerApplied(synchronous: Bool) {
        act(tracker.withLock { $0.followerApplied(synchronous: synchronous) })
    }

    func followerDurable() {
        act(tracker.withLock { $0.followerDurable() })
    }

    func followerDropped(synchronous: Bool, applied: Bool) {
        act(tracker.withLock { $0.followerDropped(synchronous: synchronous, applied: applied) })
    }

    private func act(_ decision: QuorumTracker.Decision) {
        switch decision {
        case .acknowledge: acknowledge()
        case .fail: fail()
        case .waiting: break
        }
    }
}
