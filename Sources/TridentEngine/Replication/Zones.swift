import DynamoModel
import Foundation
import Logging
import Synchronization
import TridentStorage

/// The availability zones holding the data, and the routing of reads and writes to them.
/// Operations see only `read` and `write`; how many zones exist, who leads, and what a stopped or
/// lagging zone does is this type's business (its decisions live in `ClusterState`).
///
/// A write runs on the leader's writer, is logged with a sequence number and term in its own
/// transaction, then shipped to the followers; it is acknowledged when the leader and the
/// synchronous followers have it durably. Lagging followers get their copy later. A stopped leader
/// is replaced by the up zone with the most up-to-date log; a zone coming back replays the leader's
/// log, or copies the leader's environment when the log no longer reaches back far enough.
final class Zones: Sendable {
    struct Member: Sendable {
        let store: NodeStore
        let writer: ZoneWriter
    }

    let names: [String]
    private let directory: String
    private let durability: Durability
    private let logger: Logger
    /// Log entries kept for a zone that is down before it must catch up by copying instead.
    private let maxLogBacklog: UInt64
    private let members: Mutex<[Member]>
    private let state: Mutex<ClusterState>
    private let delayLines: [DelayLine]
    /// Serializes zone changes (stop/start/isolate/heal, copies) with one another.
    private let control = DispatchQueue(label: "trident-zone-control")
    private let stopMaintenance = DispatchSemaphore(value: 0)
    private let maintenanceDone = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)
    private let journalSegmentBytes: Int
    private let checkpointInterval: Double
    private let executors: [any WriterExecutor]
    /// Makes every zone's journal durable, on one thread (journal durability only).
    private let syncer: JournalSyncer?
    /// Per leader zone, per follower: what the leader's current group ships.
    private let outboxes = Mutex<[[[Shipment]]]>(Array(repeating: Array(repeating: [], count: 3), count: 3))
    /// Zones brought back by copying the leader's data (tests check the copy path ran).
    let copiesMade = Atomic<Int>(0)

    struct Settings: Sendable {
        var count = 3
        var lagMilliseconds = 0
        var maxLogBacklog: UInt64 = 1_000_000
        var trimInterval: Double = 1
        var checkpointInterval: Double = 10
        var journalSegmentBytes = Journal.defaultSegmentCapacity
        /// Threads the zone writers run on (zone i on `executors[i % count]`); empty: a thread each.
        var executors: [any WriterExecutor] = []
    }

    init(directory: String, region: String, durability: Durability, settings: Settings, logger: Logger) throws {
        let suffixes = ["a", "b", "c"]
        names = (0..<max(1, min(3, settings.count))).map { region + suffixes[$0] }
        self.directory = directory
        self.durability = durability
        self.logger = logger
        maxLogBacklog = settings.maxLogBacklog
        journalSegmentBytes = settings.journalSegmentBytes
        checkpointInterval = settings.checkpointInterval
        executors = settings.executors
        let syncer = durability == .journal ? JournalSyncer() : nil
        self.syncer = syncer
        var opened: [Member] = []
        for (index, name) in names.enumerated() {
            let store = try NodeStore(
                path: (directory as NSString).appendingPathComponent(name), zone: name, durability: durability,
                journalSegmentBytes: settings.journalSegmentBytes)
            let executor = executors.isEmpty ? nil : executors[index % executors.count]
            opened.append(
                Member(
                    store: store,
                    writer: try ZoneWriter(
                        store: store, executor: executor, syncer: syncer, beforeCommit: Self.shipper(index, through: shipperTarget)))
            )
        }
        let positions = opened.map(\.writer.position)
        let leader = positions.indices.max { positions[$0] < positions[$1] }!
        members = Mutex(opened)
        state = Mutex(ClusterState(names: names, leader: leader, term: max(1, positions[leader].term), lagMilliseconds: settings.lagMilliseconds))
        delayLines = names.map { DelayLine(name: $0) }
        shipperTarget.zones = self
        try recoverFollowers()
        let interval = settings.trimInterval
        let thread = Thread { [self] in maintenanceLoop(interval: interval) }
        thread.name = "trident-checkpoint"
        thread.start()
    }

    func shutdown() {
        let wasRunning = stopped.withLock { s in
            defer { s = true }
            return !s
        }
        if wasRunning {
            stopMaintenance.signal()
            maintenanceDone.wait()
        }
        for line in delayLines { line.close() }
        control.sync {}
        for member in members.withLock({ $0 }) {
            member.writer.shutdown()
            // A clean stop leaves nothing to replay at the next start.
            _ = try? member.store.checkpoint()
        }
        syncer?.shutdown()
    }

    // MARK: reads and writes

    var leader: NodeStore? {
        let index = state.withLock { $0.leader }
        return index.map { members.withLock { $0 }[$0].store }
    }

    private static let randomState = Atomic<UInt64>(0x9E37_79B9_7F4A_7C15)

    /// A well-spread number for picking the zone of an eventually consistent read (SplitMix64 over
    /// a shared counter): no system call per read, as the system generator would make.
    private static func nextRandom() -> UInt64 {
        var z = randomState.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Runs `body` on a snapshot of the zone the consistency level picks.
    func read<T>(consistent: Bool, _ body: (StoreReader) throws -> T) throws -> T {
        let zone = state.withLock { $0.readZone(consistent: consistent) { Int(Self.nextRandom() % UInt64($0)) } }
        guard let zone else { throw DynamoError.unavailable }
        return try members.withLock { $0[zone].store }.read(body)
    }

    /// Runs `body` on the leader's writer and reports once the write has its quorum.
    func write<Output: Sendable>(
        _ body: @escaping LeaderWriteTask<Output>.Body,
        completion: @escaping @Sendable (Result<Output, any Error>) -> Void
    ) {
        let target = state.withLock { s in s.hasQuorum ? s.leader.map { ($0, s.term) } : nil }
        guard let (zone, term) = target else { return completion(.failure(DynamoError.unavailable)) }
        let writer = members.withLock { $0[zone].writer }
        writer.submit(LeaderWriteTask(body: body, zone: zone, term: term, zones: self, completion: completion))
    }

    /// `write`, waiting on the calling thread (background loops only, never an event loop).
    func writeAndWait<Output: Sendable>(_ body: @escaping LeaderWriteTask<Output>.Body) -> Result<Output, any Error> {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<Output>()
        write(body) { result in
            box.result = result
            done.signal()
        }
        done.wait()
        return box.result!
    }

    func isLeader(_ zone: Int, term: UInt64) -> Bool {
        state.withLock { $0.leader == zone && $0.term == term && $0.zones[zone].state == .up }
    }

    // MARK: replication

    /// Ships a leader entry (about to commit) to the followers; the write resolves at its quorum,
    /// which counts the leader's own copy (reported on the returned acknowledgement).
    @discardableResult
    func replicate(_ entry: LogEntry, from zone: Int, acknowledge: @escaping @Sendable () -> Void, fail: @escaping @Sendable () -> Void)
        -> PendingAcknowledgement
    {
        let plan = state.withLock { $0.replicationPlan() }
        let tracker = names.count == 1 ? QuorumTracker.leaderOnly() : QuorumTracker(synchronous: plan.synchronous.count, delayed: plan.delayed.count)
        let pending = PendingAcknowledgement(tracker, acknowledge: acknowledge, fail: fail)
        if !plan.synchronous.isEmpty {
            // Sent with the rest of the leader's group, one task per follower (`shipGroup`).
            outboxes.withLock { outboxes in
                for follower in plan.synchronous {
                    outboxes[zone][follower].append(Shipment(entry: entry, acknowledgement: pending, synchronous: true))
                }
            }
        }
        let writers = plan.delayed.isEmpty ? [] : members.withLock { $0.map(\.writer) }
        for (follower, delay) in plan.delayed {
            delayLines[follower].schedule(after: delay) { [self] in
                let writer = members.withLock { $0[follower].writer }
                writer.submit(ReplicaTask(entry: entry, zone: follower, zones: self, acknowledgement: pending, synchronous: false))
            }
        }
        _ = writers
        pending.start()
        return pending
    }

    /// The leader `zone`'s group is about to commit: its entries go to each follower as one task,
    /// so a follower applies the group in one transaction (and one task per group, not per write,
    /// crosses over to it).
    private func shipGroup(from zone: Int) {
        let outbox = outboxes.withLock { outboxes in
            defer { for follower in outboxes[zone].indices { outboxes[zone][follower].removeAll(keepingCapacity: true) } }
            return outboxes[zone]
        }
        guard outbox.contains(where: { !$0.isEmpty }) else { return }
        let writers = members.withLock { $0.map(\.writer) }
        for (follower, shipments) in outbox.enumerated() where !shipments.isEmpty {
            writers[follower].submit(ReplicaTask(shipments: shipments, zone: follower, zones: self))
        }
    }

    /// The leader could not commit what it had shipped: treat it as a failed zone.
    func leaderFailed(_ zone: Int) {
        logger.error("zone \(names[zone]) failed to commit: stopping it")
        control(.stop, zone: names[zone]) { _ in }
    }

    /// For a follower's writer: the current term and the leader store to read missing entries from;
    /// nil when the zone must not take replication now (down, isolated, or itself the leader).
    func replicationSource(for zone: Int) -> (UInt64, NodeStore)? {
        let target = state.withLock { s -> (UInt64, Int)? in
            guard let leader = s.leader, leader != zone, s.zones[zone].state == .up || s.zones[zone].state == .recovering else { return nil }
            return (s.term, leader)
        }
        guard let (term, leader) = target else { return nil }
        return (term, members.withLock { $0[leader].store })
    }

    /// A catch-up pass finished on `zone`: done if it reached the leader, otherwise another pass.
    func followerProgressed(_ zone: Int) {
        control.async { [self] in
            let (recovering, leader) = state.withLock { ($0.zones[zone].state == .recovering, $0.leader) }
            guard recovering, let leader else { return }
            let writers = members.withLock { $0.map(\.writer) }
            if writers[zone].position.sequence >= writers[leader].position.sequence {
                state.withLock { $0.zones[zone].state = .up }
                logger.info("zone \(names[zone]) caught up at \(writers[zone].position.sequence)")
            } else {
                writers[zone].submit(ReplicaTask(entry: nil, zone: zone, zones: self))
            }
        }
    }

    /// The leader's log no longer has what `zone` lacks.
    func followerNeedsCopy(_ zone: Int) {
        control.async { [self] in
            let receiving = state.withLock { $0.zones[zone].state == .up || $0.zones[zone].state == .recovering }
            guard receiving else { return }
            state.withLock { $0.zones[zone].state = .recovering }
            copyFromLeader(zone)
        }
    }

    // MARK: zone control (admin API)

    enum Action: String, Sendable {
        case stop, start, isolate, heal
    }

    struct ControlError: Error, Sendable {
        let message: String
    }

    /// Changes a zone and reports once the change (failover, catch-up start) is in place.
    func control(_ action: Action, zone name: String, done: @escaping @Sendable (Result<Void, ControlError>) -> Void) {
        control.async { [self] in
            guard let zone = names.firstIndex(of: name) else {
                return done(.failure(ControlError(message: "No zone named \(name); zones: \(names.joined(separator: ", "))")))
            }
            let current = state.withLock { $0.zones[zone].state }
            switch action {
            case .stop, .isolate:
                guard current != .down else { return done(.failure(ControlError(message: "Zone \(name) is down"))) }
                if action == .isolate && current == .isolated { return done(.failure(ControlError(message: "Zone \(name) is already isolated"))) }
                let wasLeader = state.withLock { s in
                    s.zones[zone].state = action == .stop ? .down : .isolated
                    return s.leader == zone
                }
                logger.info("zone \(name) \(action == .stop ? "stopped" : "isolated")")
                if wasLeader { failover(from: zone) }
            case .start, .heal:
                if action == .start && current != .down { return done(.failure(ControlError(message: "Zone \(name) is not down"))) }
                if action == .heal && current != .isolated { return done(.failure(ControlError(message: "Zone \(name) is not isolated"))) }
                rejoin(zone)
            }
            done(.success(()))
        }
    }

    func setLag(_ milliseconds: Int, zone name: String) -> Result<Void, ControlError> {
        guard let zone = names.firstIndex(of: name) else { return .failure(ControlError(message: "No zone named \(name)")) }
        state.withLock { $0.zones[zone].lagMilliseconds = milliseconds }
        return .success(())
    }

    struct ZoneReport: Sendable {
        let name: String
        let state: String
        let role: String
        let appliedSequence: UInt64
        let lagMilliseconds: Int
    }

    func report() -> (leader: String?, term: UInt64, zones: [ZoneReport]) {
        let snapshot = state.withLock { $0 }
        let writers = members.withLock { $0.map(\.writer) }
        let zones = snapshot.zones.indices.map { i in
            ZoneReport(
                name: names[i], state: snapshot.zones[i].state.rawValue, role: snapshot.leader == i ? "leader" : "follower",
                appliedSequence: writers[i].position.sequence, lagMilliseconds: snapshot.zones[i].lagMilliseconds)
        }
        return (snapshot.leader.map { names[$0] }, snapshot.term, zones)
    }

    /// Each zone's content fingerprint (equal when zones hold the same data).
    func digests() throws -> [(name: String, digest: UInt64, items: Int)] {
        try members.withLock { $0 }.enumerated().map { i, member in
            let (digest, items) = try member.store.contentDigest()
            return (names[i], digest, items)
        }
    }

    // MARK: failover and recovery (on the control queue)

    /// The leader left: fence its term, let the followers finish what they were applying, and
    /// promote the most up-to-date up zone. The old leader may hold entries nobody acknowledged,
    /// so it copies the new leader's data when it comes back.
    private func failover(from old: Int) {
        state.withLock { s in
            s.term += 1
            s.leader = nil
            s.zones[old].mustResync = true
        }
        let writers = members.withLock { $0.map(\.writer) }
        for i in writers.indices where i != old { barrier(writers[i]) }
        let positions = writers.map(\.position)
        let elected = state.withLock { s -> Int? in
            s.leader = ClusterState.electLeader(s.zones, positions: positions)
            return s.leader
        }
        guard let elected else {
            logger.warning("no zone is up: no leader until one starts")
            return
        }
        logger.info("zone \(names[elected]) leads at sequence \(positions[elected].sequence) (term \(state.withLock { $0.term }))")
        for i in writers.indices where i != elected {
            writers[i].submit(ReplicaTask(entry: nil, zone: i, zones: self))
        }
    }

    /// A stopped or isolated zone comes back: it serves no reads until it has caught up.
    private func rejoin(_ zone: Int) {
        let leader = state.withLock { s -> Int? in
            s.zones[zone].state = .recovering
            return s.leader
        }
        guard let leader else {
            // Nobody leads (every zone was down): this zone leads with what it has.
            state.withLock { s in
                s.zones[zone].state = .up
                s.zones[zone].mustResync = false
                s.term += 1
                s.leader = zone
            }
            logger.warning("zone \(names[zone]) leads alone: writes wait for a second zone")
            return
        }
        let (writers, stores) = members.withLock { ($0.map(\.writer), $0.map(\.store)) }
        barrier(writers[zone])
        let mustResync = state.withLock { $0.zones[zone].mustResync }
        let plan = catchUpPlan(zone: writers[zone].position, leader: stores[leader], mustResync: mustResync)
        switch plan {
        case .upToDate:
            state.withLock { $0.zones[zone].state = .up }
        case .replay:
            writers[zone].submit(ReplicaTask(entry: nil, zone: zone, zones: self))
        case .copy:
            copyFromLeader(zone)
        }
    }

    private func catchUpPlan(zone position: LogPosition, leader: NodeStore, mustResync: Bool) -> ClusterState.CatchUp {
        guard let leaderPosition = try? leader.position() else { return .copy }
        return ClusterState.catchUp(
            zone: position, leader: leaderPosition, termAtZone: leader.journal.term(at: position.sequence),
            oldestLogged: leader.journal.oldestSequence,
            mustResync: mustResync)
    }

    /// Replaces a zone's environment with a copy of the leader's, then replays what came after.
    private func copyFromLeader(_ zone: Int) {
        guard let leaderIndex = state.withLock({ $0.leader }), leaderIndex != zone else { return }
        let old = members.withLock { $0[zone] }
        let leaderStore = members.withLock { $0[leaderIndex].store }
        old.writer.shutdown()
        let fm = FileManager.default
        let path = old.store.path
        let fresh = path + ".copy"
        let retired = path + ".retired-\(UUID().uuidString)"
        do {
            try? fm.removeItem(atPath: fresh)
            try fm.createDirectory(atPath: fresh, withIntermediateDirectories: true)
            try leaderStore.copy(to: fresh)
            try fm.moveItem(atPath: path, toPath: retired)
            try fm.moveItem(atPath: fresh, toPath: path)
            let store = try NodeStore(path: path, zone: names[zone], durability: durability, journalSegmentBytes: journalSegmentBytes)
            let writer = try ZoneWriter(store: store, executor: executor(of: zone), syncer: syncer, beforeCommit: shipper(zone))
            members.withLock { $0[zone] = Member(store: store, writer: writer) }
            // The old environment stays mapped until its last reader lets go; its files can go now.
            try? fm.removeItem(atPath: retired)
            state.withLock { $0.zones[zone].mustResync = false }
            logger.info("zone \(names[zone]) copied the leader's data at sequence \(writer.position.sequence)")
            copiesMade.add(1, ordering: .relaxed)
            writer.submit(ReplicaTask(entry: nil, zone: zone, zones: self))
        } catch {
            logger.error("zone \(names[zone]) could not copy the leader's data: \(error)")
            if let writer = try? ZoneWriter(store: old.store, executor: executor(of: zone), syncer: syncer, beforeCommit: shipper(zone)) {
                members.withLock { $0[zone] = Member(store: old.store, writer: writer) }
            }
            state.withLock { $0.zones[zone].state = .down }
        }
    }

    /// The hook a zone's writer calls once per group, before committing: ships what it led.
    private func shipper(_ zone: Int) -> @Sendable () -> Void {
        Self.shipper(zone, through: shipperTarget)
    }

    private static func shipper(_ zone: Int, through target: ShipperTarget) -> @Sendable () -> Void {
        { target.zones?.shipGroup(from: zone) }
    }

    /// Lets writers made while `Zones` is being initialized reach it once it is.
    private final class ShipperTarget: @unchecked Sendable {
        weak var zones: Zones?
    }

    private let shipperTarget = ShipperTarget()

    private func executor(of zone: Int) -> (any WriterExecutor)? {
        executors.isEmpty ? nil : executors[zone % executors.count]
    }

    /// Waits until `writer` has finished what it is doing now.
    private func barrier(_ writer: ZoneWriter) {
        let done = DispatchSemaphore(value: 0)
        writer.submit(LocalTask({ _ in }, done: { _ in done.signal() }))
        done.wait()
    }

    /// At start (also after `kill -9`): the zone with the most up-to-date log leads, and every other
    /// zone is brought to the same state before the first request is served.
    private func recoverFollowers() throws {
        guard let leaderIndex = state.withLock({ $0.leader }) else { return }
        let leaderStore = members.withLock { $0[leaderIndex].store }
        for zone in names.indices where zone != leaderIndex {
            while true {
                // Read again each pass: a copy replaces the zone's writer.
                let writer = members.withLock { $0[zone].writer }
                switch catchUpPlan(zone: writer.position, leader: leaderStore, mustResync: false) {
                case .upToDate:
                    break
                case .replay:
                    let done = DispatchSemaphore(value: 0)
                    let failed = Mutex(false)
                    state.withLock { $0.zones[zone].state = .recovering }
                    writer.submit(
                        ReplicaTask(
                            entry: nil, zone: zone, zones: self,
                            onDone: { ok in
                                failed.withLock { $0 = !ok }
                                done.signal()
                            }))
                    done.wait()
                    state.withLock { $0.zones[zone].state = .up }
                    if failed.withLock({ $0 }) { throw ControlError(message: "zone \(names[zone]) could not replay the leader's log") }
                    continue
                case .copy:
                    state.withLock { $0.zones[zone].state = .recovering }
                    copyFromLeader(zone)
                    if state.withLock({ $0.zones[zone].state == .down }) {
                        throw ControlError(message: "zone \(names[zone]) could not copy the leader's data")
                    }
                    barrier(members.withLock { $0[zone].writer })
                    state.withLock { $0.zones[zone].state = .up }
                    continue
                }
                break
            }
            logger.debug(
                "zone \(names[zone]) in step with \(names[leaderIndex]) at sequence \(members.withLock { $0[zone].writer }.position.sequence)")
        }
    }

    // MARK: checkpoints and journal trimming

    /// Each interval: flushes every zone's environment (a checkpoint), then drops journal segments
    /// that no zone needs any more — applied by every zone (keeping the last, so a zone can prove it is
    /// in step) or past the backlog limit when a zone has been away too long (it will copy instead),
    /// and flushed in this zone's environment, so its own recovery does not need them either.
    private func maintenanceLoop(interval: Double) {
        while stopMaintenance.wait(timeout: .now() + interval) == .timedOut {
            if !maintain() { break }
        }
        maintenanceDone.signal()
    }

    /// How long a zone's checkpoint lets its background writeback run before flushing the rest.
    private var checkpointLead: Double { min(1, checkpointInterval / 10) }

    /// One round of maintenance; false when shutdown was asked for meanwhile.
    private func maintain() -> Bool {
        var running = true
        let members = members.withLock { $0 }
        let positions = members.map(\.writer.position.sequence)
        guard let lowest = positions.min(), let highest = positions.max() else { return true }
        var through = lowest > 0 ? lowest - 1 : 0
        if highest - lowest > maxLogBacklog { through = highest - maxLogBacklog }
        let now = Date()
        let due = checkpoints.withLock { last in
            guard now.timeIntervalSince(last.time) >= checkpointInterval else { return false }
            last.time = now
            return true
        }
        for (index, member) in members.enumerated() {
            do {
                if due {
                    // Pages rewritten many times between checkpoints are written out once: the interval
                    // trades journal retention for less random I/O. Written in one synchronous burst,
                    // they held every journal's fdatasync back for tens of milliseconds; most of them
                    // now go out first as background writeback, which yields to the journals.
                    // (16 connections, medians of ten alternated 10-s cells' p99: UpdateItem 34 → 20 ms,
                    // PutItem 40 → 17 ms, session mix 11 → 8 ms. The price: the disk is shared for longer;
                    // in five A/Bs UpdateItem throughput at saturation fell 5-26 % (median 13 %), PutItem
                    // about 3 %, and the session mix did not move.)
                    try member.store.startCheckpoint()
                    if running, stopMaintenance.wait(timeout: .now() + checkpointLead) == .success { running = false }
                    let flushed = try member.store.checkpoint()
                    checkpoints.withLock { $0.positions[member.store.zone] = flushed.sequence }
                }
                let flushed = checkpoints.withLock { $0.positions[member.store.zone] } ?? 0
                member.store.journal.trim(through: min(through, flushed))
                member.store.journal.prepareSpare()
            } catch {
                logger.error("zone \(names[index]): checkpoint failed: \(error)")
            }
        }
        return running
    }

    /// When the environments were last flushed, and how far each zone's flush reached.
    private let checkpoints = Mutex<(time: Date, positions: [String: UInt64])>((.distantPast, [:]))
}

/// Carries a result from the writer thread to a waiting thread (the semaphore orders the accesses).
private final class ResultBox<Output>: @unchecked Sendable {
    var result: Result<Output, any Error>?
}
