/// What the zones look like — states, lags, who leads — and every decision that follows from it:
/// where a read goes, whether a write can be acknowledged, who leads after a failure, how far
/// behind each zone reads. Pure: no I/O, no clocks, so each rule is unit-tested.
struct ClusterState: Sendable, Equatable {
    enum ZoneState: String, Sendable {
        /// Follows the log and serves reads.
        case up
        /// Stopped: serves nothing, follows nothing.
        case down
        /// Cut off: serves eventually consistent reads from the data it had, follows nothing.
        case isolated
    }

    struct Zone: Sendable, Equatable {
        let name: String
        var state: ZoneState = .up
        /// How far behind the log this zone applies when it follows the leader.
        var lagMilliseconds = 0
        /// When down: the last write it had seen.
        var stoppedAt: UInt64 = 0
    }

    var zones: [Zone]
    /// Index of the leader; nil when no zone is up.
    var leader: Int?
    /// Counts leaderships: it grows at every failover.
    var term: UInt64 = 1
    /// The longest delay a derived view (a lagging global secondary index) adds to a zone's lag.
    var propagationLag = 0

    init(names: [String], lagMilliseconds: Int = 0) {
        zones = names.map { Zone(name: $0, lagMilliseconds: lagMilliseconds) }
        leader = names.isEmpty ? nil : 0
    }

    func index(of name: String) -> Int? {
        zones.firstIndex { $0.name == name }
    }

    /// A write (and a strongly consistent read) needs the leader and, with more than one zone, a
    /// second zone following the log: two copies before an acknowledgement.
    var hasQuorum: Bool {
        guard let leader, zones[leader].state == .up else { return false }
        return zones.count == 1 || zones.indices.contains { $0 != leader && zones[$0].state == .up }
    }

    /// The zone serving a read: the leader for a consistent read; otherwise any zone that is up or
    /// isolated, picked by `pick` (given the number of candidates, returns one index).
    func readZone(consistent: Bool, pick: (Int) -> Int) -> Int? {
        if consistent { return hasQuorum ? leader : nil }
        let serving = zones.indices.filter { zones[$0].state != .down }
        guard !serving.isEmpty else { return nil }
        return serving[min(serving.count - 1, max(0, pick(serving.count)))]
    }

    /// How far behind the log a zone that is up reads. The leader never lags; a follower lags by
    /// its setting — except that one follower always keeps up (the least lagging), so that a write
    /// has its second copy at once and never waits for a lag.
    func effectiveLag(_ zone: Int) -> Int {
        guard zone != leader, zones[zone].state == .up else { return 0 }
        let followers = zones.indices.filter { $0 != leader && zones[$0].state == .up }
        if followers.contains(where: { zones[$0].lagMilliseconds == 0 }) { return zones[zone].lagMilliseconds }
        let quickest = followers.min { (zones[$0].lagMilliseconds, $0) < (zones[$1].lagMilliseconds, $1) }
        return quickest == zone ? 0 : zones[zone].lagMilliseconds
    }

    /// The longest lag any read uses now — a zone's, plus a lagging index's on top (0: no
    /// history of snapshots is needed).
    var longestLag: Int {
        (zones.indices.map(effectiveLag).max() ?? 0) + propagationLag
    }

    enum Action: String, Sendable, CaseIterable {
        case stop, start, isolate, heal
    }

    /// Applies an admin action (`seen`: the last write the zone sees now); returns the reason it
    /// cannot be done, or nil. Stopping or isolating the leader hands leadership to the next zone
    /// that is up (every zone follows the same log: any of them holds every acknowledged write).
    mutating func apply(_ action: Action, to zone: Int, seen: UInt64 = 0) -> String? {
        let name = zones[zone].name
        switch (action, zones[zone].state) {
        case (.stop, .down), (.isolate, .down): return "Zone \(name) is down"
        case (.isolate, .isolated): return "Zone \(name) is already isolated"
        case (.start, let s) where s != .down: return "Zone \(name) is not down"
        case (.heal, let s) where s != .isolated: return "Zone \(name) is not isolated"
        default: break
        }
        zones[zone].state = action == .stop ? .down : action == .isolate ? .isolated : .up
        zones[zone].stoppedAt = seen
        if action == .stop || action == .isolate, leader == zone {
            leader = zones.indices.map { (zone + 1 + $0) % zones.count }.first { zones[$0].state == .up }
            term += 1
        } else if leader == nil, zones[zone].state == .up {
            // Every zone was down: the first to come back leads.
            leader = zone
            term += 1
        }
        return nil
    }
}
