import DynamoModel
import Logging
import Synchronization
import TridentStorage

/// The availability zones: the engine hands writes in and gets answers back, reads through the zone
/// a consistency level picks, and tells zones to fail and come back.
///
/// Every write goes through the leader: it is decided in the writer's group transaction, appended
/// to the one log, and acknowledged once the log is flushed — at which point the leader and every
/// zone that reads without lag see it, since they read the same store. The zones differ in what
/// they see (`ZoneViews`): a lagging zone reads the store as it was its lag ago, an isolated one as
/// it was when cut off, a stopped one nothing. Which zone does what is `ClusterState`'s decision.
public final class Replication: Sendable {
    public struct Settings: Sendable {
        public var zoneNames: [String]
        /// Lag of every follower at start (the least lagging still keeps up).
        public var lagMilliseconds = 0
        /// Writes an isolated zone may fall behind before it drops its frozen copy and stops.
        public var isolationBacklog: UInt64 = 1_000_000

        public init(zoneNames: [String]) {
            self.zoneNames = zoneNames
        }
    }

    public let store: Store
    private let settings: Settings
    private let cluster: Shared<ClusterState>
    private let views: ZoneViews
    private let writer: GroupCommit
    private let logger: Logger

    public init(store: Store, settings: Settings, executor: any WriterExecutor, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
        let initial = ClusterState(names: settings.zoneNames, lagMilliseconds: settings.lagMilliseconds)
        let cluster = Shared(initial)
        self.cluster = cluster
        let views = ZoneViews(store: store, isolationBacklog: settings.isolationBacklog)
        self.views = views
        let health = HealthLog(logger: logger)
        writer = GroupCommit(store: store, executor: executor) { committed in
            if let committed {
                for zone in views.committed(committed) {
                    cluster.withLock { _ = $0.apply(.stop, to: zone.index, seen: zone.sequence) }
                    logger.warning(
                        "zone \(settings.zoneNames[zone.index]) was isolated for over \(settings.isolationBacklog) writes: it let its frozen copy go and is down now"
                    )
                }
            }
            health.note(store.health)
        }
        views.setLongestLag(milliseconds: initial.longestLag)
    }

    /// Stops after the queued writes are answered, and lets every held snapshot go.
    public func shutdown() {
        writer.shutdown()
        views.releaseAll()
    }

    // MARK: reads and writes

    private static let randomState = Atomic<UInt64>(0x9E37_79B9_7F4A_7C15)

    /// A well-spread number for picking the zone of an eventually consistent read (SplitMix64 over
    /// a shared counter): no system call per read, as the system generator would make.
    private static func nextRandom() -> UInt64 {
        SplitMix64.mix(randomState.wrappingAdd(SplitMix64.gamma, ordering: .relaxed).newValue)
    }

    /// Runs `body` on what the zone the consistency level picks sees now — or, with `extraLag`
    /// (a lagging global index), what it saw that many milliseconds earlier.
    public func read<T>(consistent: Bool, extraLag: Int = 0, _ body: (StoreReader) throws -> T) throws -> T {
        let route = cluster.withLock { s -> (Int, ClusterState.ZoneState, Int)? in
            guard let zone = s.readZone(consistent: consistent, pick: { Int(Self.nextRandom() % UInt64($0)) }) else { return nil }
            return (zone, s.zones[zone].state, s.effectiveLag(zone) + min(extraLag, s.propagationLag))
        }
        guard let (zone, zoneState, lag) = route else { throw DynamoError.unavailable }
        return try read(zone: zone, state: zoneState, lag: lag, body)
    }

    private func read<T>(zone: Int, state zoneState: ClusterState.ZoneState, lag: Int, _ body: (StoreReader) throws -> T) throws -> T {
        if zoneState == .isolated, let pinned = views.pinned(zone) { return try pinned.read(body) }
        return try views.read(lagMilliseconds: lag, body)
    }

    /// Queues a write on the leader; it is answered once acknowledged, or with why not.
    public func write(_ task: any WriteTask) {
        guard cluster.withLock({ $0.hasQuorum }) else { return task.finish(.failure(DynamoError.unavailable)) }
        writer.submit(task)
    }

    // MARK: zone control (admin API)

    /// Stops, starts, isolates or heals a zone; returns the reason it could not, or nil.
    public func control(_ action: String, zone name: String) -> String? {
        guard let action = ClusterState.Action(rawValue: action) else { return "Unknown zone action \(action)" }
        guard let zone = cluster.withLock({ $0.index(of: name) }) else {
            return "No zone named \(name); zones: \(settings.zoneNames.joined(separator: ", "))"
        }
        // What the zone sees at this moment is what it keeps while away.
        let before = cluster.withLock { s in (s.effectiveLag(zone), s.leader) }
        let seen = (try? views.sequence(lagMilliseconds: before.0)) ?? store.lastSequence
        if action == .isolate { try? views.pin(zone, lagMilliseconds: before.0) }
        let (problem, after) = cluster.withLock { s in (s.apply(action, to: zone, seen: seen), s) }
        if problem != nil || action == .heal { views.unpin(zone) }
        if let problem { return problem }
        views.setLongestLag(milliseconds: after.longestLag)
        logger.info("zone \(name) \(action == .stop ? "stopped" : action == .start ? "started" : action == .isolate ? "isolated" : "healed")")
        if after.leader != before.1 {
            if let leader = after.leader {
                logger.info("zone \(after.zones[leader].name) leads (term \(after.term))")
            } else {
                logger.warning("no zone is up: no leader until one starts")
            }
        }
        return nil
    }

    /// Sets how far behind a zone reads when it follows; the reason it could not, or nil.
    public func setLag(_ milliseconds: Int, zone name: String) -> String? {
        guard milliseconds >= 0 else { return "ms must be zero or more" }
        let longest = cluster.withLock { s -> Int? in
            guard let zone = s.index(of: name) else { return nil }
            s.zones[zone].lagMilliseconds = milliseconds
            return s.longestLag
        }
        guard let longest else { return "No zone named \(name)" }
        views.setLongestLag(milliseconds: longest)
        return nil
    }

    /// The longest delay reads may ask for on top of their zone's lag (`read(extraLag:)`): history
    /// is kept for it.
    public func setPropagationLag(_ milliseconds: Int) {
        let longest = cluster.withLock { s in
            s.propagationLag = max(0, milliseconds)
            return s.longestLag
        }
        views.setLongestLag(milliseconds: longest)
    }

    // MARK: reports

    public struct ZoneReport: Sendable {
        public let name: String
        public let state: String
        public let role: String
        public let appliedSequence: UInt64
        public let lagMilliseconds: Int
    }

    public func report() -> (leader: String?, term: UInt64, zones: [ZoneReport]) {
        let s = cluster.withLock { $0 }
        let zones = s.zones.indices.map { i in
            let sequence: UInt64 =
                switch s.zones[i].state {
                case .down: s.zones[i].stoppedAt
                case .isolated: views.pinned(i)?.sequence ?? store.lastSequence
                case .up: (try? views.sequence(lagMilliseconds: s.effectiveLag(i))) ?? store.lastSequence
                }
            return ZoneReport(
                name: s.zones[i].name, state: s.zones[i].state.rawValue, role: s.leader == i ? "leader" : "follower", appliedSequence: sequence,
                lagMilliseconds: s.zones[i].lagMilliseconds)
        }
        return (s.leader.map { s.zones[$0].name }, s.term, zones)
    }

    /// Each zone's content fingerprint (equal when zones see the same data); a stopped zone's is
    /// nil (it serves nothing to compare).
    public func digests() throws -> [(name: String, digest: UInt64, items: Int)?] {
        let s = cluster.withLock { $0 }
        return try s.zones.indices.map { i in
            guard s.zones[i].state != .down else { return nil }
            let (digest, items) = try read(zone: i, state: s.zones[i].state, lag: s.effectiveLag(i)) { try $0.contentDigest() }
            return (s.zones[i].name, digest, items)
        }
    }
}

/// Logs when writes start or stop failing for lack of space (or at all), once per change.
private final class HealthLog: Sendable {
    private let seen = Mutex(Store.Health.ok)
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func note(_ now: Store.Health) {
        guard
            seen.withLock({ seen in
                defer { seen = now }; return seen != now
            })
        else { return }
        switch now {
        case .diskFull: logger.error("the disk is full: writes fail (HTTP 500) until space is freed; reads go on")
        case let .failed(reason): logger.critical("\(reason)")
        case .ok: logger.notice("writes succeed again")
        }
    }
}

/// A value behind a lock, shareable with closures made before `self` exists.
private final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        mutex.withLock { body(&$0) }
    }
}
