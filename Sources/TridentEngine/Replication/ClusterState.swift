import TridentStorage

/// What the cluster of zones looks like — roles, states, lags, the leader's term — and every
/// decision that follows from it: where a read goes, which followers a write waits for, who leads
/// after a failure, how a zone catches up. Pure: no I/O, no clocks, so each rule is unit-tested.
struct ClusterState: Sendable, Equatable {
    enum ZoneState: String, Sendable {
        /// Receives replication and serves reads.
        case up
        /// Stopped: serves nothing, receives nothing.
        case down
        /// Cut off: serves eventually consistent reads from its frozen data, receives nothing.
        case isolated
        /// Back from down/isolated and catching up: receives replication, serves no reads yet.
        case recovering
    }

    struct Zone: Sendable, Equatable {
        let name: String
        var state: ZoneState = .up
        /// Delay of this zone's copy when it is an asynchronous follower.
        var lagMilliseconds: Int = 0
        /// Set when the zone lost leadership while cut off: it may hold entries no other zone has,
        /// so it must copy the leader's data instead of replaying the log.
        var mustResync = false
    }

    var zones: [Zone]
    /// Index of the leader; nil when no zone can lead (all down).
    var leader: Int?
    var term: UInt64

    init(names: [String], leader: Int, term: UInt64, lagMilliseconds: Int = 0) {
        zones = names.map { Zone(name: $0, lagMilliseconds: lagMilliseconds) }
        self.leader = leader
        self.term = term
    }

    func index(of name: String) -> Int? {
        zones.firstIndex { $0.name == name }
    }

    /// Zones that receive and apply replicated entries.
    private func receives(_ i: Int) -> Bool {
        zones[i].state == .up || zones[i].state == .recovering
    }

    /// A write (and a strongly consistent read) needs the leader and, with more than one zone, at
    /// least one follower able to acknowledge.
    var hasQuorum: Bool {
        guard let leader, zones[leader].state == .up else { return false }
        if zones.count == 1 { return true }
        return zones.indices.contains { $0 != leader && receives($0) }
    }

    /// The zone serving a read: the leader for a consistent read; otherwise any zone that is up or
    /// isolated, picked by `pick` (given the number of candidates, returns one index).
    func readZone(consistent: Bool, pick: (Int) -> Int) -> Int? {
        if consistent { return hasQuorum ? leader : nil }
        let serving = { (zone: Zone) in zone.state == .up || zone.state == .isolated }
        let count = zones.reduce(0) { $0 + (serving($1) ? 1 : 0) }
        guard count > 0 else { return nil }
        var chosen = pick(count)
        for index in zones.indices where serving(zones[index]) {
            if chosen == 0 { return index }
            chosen -= 1
        }
        return nil
    }

    /// How a new entry reaches the followers.
    struct ReplicationPlan: Equatable {
        /// Applied at once; the write is acknowledged when all of these have it.
        var synchronous: [Int]
        /// Applied after their delay, never waited for: the stale copies eventually consistent reads may see.
        var delayed: [(zone: Int, milliseconds: Int)]

        static func == (a: ReplicationPlan, b: ReplicationPlan) -> Bool {
            a.synchronous == b.synchronous && a.delayed.map(\.zone) == b.delayed.map(\.zone)
                && a.delayed.map(\.milliseconds) == b.delayed.map(\.milliseconds)
        }
    }

    /// Followers without lag are synchronous; lagging ones get their copy late — except that a write
    /// always has one synchronous follower (the least lagging), so the quorum never waits for a lag.
    func replicationPlan() -> ReplicationPlan {
        let followers = zones.indices.filter { $0 != leader && receives($0) }
        var synchronous = followers.filter { zones[$0].lagMilliseconds == 0 }
        var delayed = followers.filter { zones[$0].lagMilliseconds > 0 }.map { (zone: $0, milliseconds: zones[$0].lagMilliseconds) }
        if synchronous.isEmpty, let quickest = delayed.min(by: { $0.milliseconds < $1.milliseconds }) {
            synchronous = [quickest.zone]
            delayed.removeAll { $0.zone == quickest.zone }
        }
        return ReplicationPlan(synchronous: synchronous, delayed: delayed)
    }

    /// The new leader after the old one left: the up zone whose log is most up to date (it holds
    /// every acknowledged write, since those reached a majority). Nil when no zone is up.
    static func electLeader(_ zones: [Zone], positions: [LogPosition]) -> Int? {
        zones.indices.filter { zones[$0].state == .up }.max { positions[$0] < positions[$1] }
    }

    /// How a zone gets back in step with the leader.
    enum CatchUp: Equatable {
        case upToDate
        /// Replay the leader's log after this sequence number.
        case replay(after: UInt64)
        /// The leader's log no longer reaches back far enough, or the zone's log diverged: copy the
        /// leader's environment.
        case copy
    }

    /// `termAtZone` is the term the leader's log records at the zone's last sequence number, and
    /// `oldestLogged` the first sequence number still in the leader's log (nil: empty log).
    static func catchUp(zone: LogPosition, leader: LogPosition, termAtZone: UInt64?, oldestLogged: UInt64?, mustResync: Bool) -> CatchUp {
        if zone == leader { return .upToDate }
        if mustResync || zone.sequence >= leader.sequence { return .copy }
        // Same history so far: the leader logged the zone's last entry with the same term.
        let sameHistory = zone.sequence == 0 || termAtZone == zone.term
        // The entries the zone lacks are all still in the leader's log.
        let logReaches = oldestLogged.map { $0 <= zone.sequence + 1 } ?? false
        return sameHistory && logReaches ? .replay(after: zone.sequence) : .copy
    }
}
