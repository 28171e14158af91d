import DynamoModel
import TridentStorage

/// A client write on the leader: runs the operation's body and seals its changes as the next entry
/// of the leader's term. Refused (before writing anything) if the zone lost leadership meanwhile.
final class LeaderWriteTask<Output: Sendable>: WriterTask, @unchecked Sendable {
    typealias Body = @Sendable (inout StoreWriteContext) throws -> Output

    private let body: Body
    private let zone: Int
    private let term: UInt64
    private unowned let zones: Zones
    private let completion: @Sendable (Result<Output, any Error>) -> Void
    /// Written by `run`, read by `committed`: both on the writer thread.
    private var output: Output?
    /// The entry's quorum, once shipped (before the leader's commit).
    private var pending: PendingAcknowledgement?

    init(body: @escaping Body, zone: Int, term: UInt64, zones: Zones, completion: @escaping @Sendable (Result<Output, any Error>) -> Void) {
        self.body = body
        self.zone = zone
        self.term = term
        self.zones = zones
        self.completion = completion
    }

    func run(_ context: inout StoreWriteContext) throws {
        guard zones.isLeader(zone, term: term) else { throw DynamoError.unavailable }
        output = try body(&context)
        try context.seal(term: term)
    }

    func willCommit(_ entries: [LogEntry]) {
        guard let output, let entry = entries.first else { return }
        let completion = self.completion
        pending = zones.replicate(
            entry, from: zone, acknowledge: { completion(.success(output)) }, fail: { completion(.failure(DynamoError.unavailable)) })
    }

    func applied(_ entries: [LogEntry]) {
        pending?.leaderApplied()
    }

    func committed(_ entries: [LogEntry]) {
        guard let output else { return }
        if let pending {
            pending.leaderDurable()
        } else {
            completion(.success(output))
        }
    }

    func failed(_ error: any Error) {
        if let pending {
            // Shipped, then the leader's own commit or flush failed: its followers may be ahead of it now.
            zones.leaderFailed(zone)
            pending.leaderFailed()
        } else {
            completion(.failure(error))
        }
    }
}

/// An entry shipped to a follower, with the write waiting for it.
struct Shipment: Sendable {
    let entry: LogEntry
    let acknowledgement: PendingAcknowledgement?
    let synchronous: Bool
}

/// A follower taking shipped entries — the leader ships each group's entries as one task — or, with
/// none, catching up: entries it lacks before a shipped one are read from the leader's log first,
/// so a follower never applies out of order and a late or duplicate delivery is harmless. An entry
/// shipped by a deposed leader is not applied — the follower catches up from the current leader
/// instead.
final class ReplicaTask: WriterTask, @unchecked Sendable {
    private let shipments: [Shipment]
    private let zone: Int
    private unowned let zones: Zones
    private let onDone: (@Sendable (Bool) -> Void)?
    /// Set by `run`: which shipped entries are now applied.
    private var applied: [Bool]
    /// Set once the commit that applied them is done.
    private var visible = false

    /// Entries replayed per transaction when catching up, to bound one commit's size.
    static let catchUpBatch = 10_000

    struct ZoneNotReceiving: Error {}
    /// The leader's log no longer holds what this zone lacks: it must copy the leader's data.
    struct LogTrimmed: Error {}
    /// The leader has not committed what this zone lacks yet (it ships before committing): retry.
    struct NotYetCommitted: Error {}

    init(shipments: [Shipment], zone: Int, zones: Zones, onDone: (@Sendable (Bool) -> Void)? = nil) {
        self.shipments = shipments
        self.zone = zone
        self.zones = zones
        self.onDone = onDone
        applied = Array(repeating: false, count: shipments.count)
    }

    /// One shipped entry (a lagging follower's copy), or none: a catch-up pass.
    convenience init(
        entry: LogEntry?, zone: Int, zones: Zones, acknowledgement: PendingAcknowledgement? = nil, synchronous: Bool = false,
        onDone: (@Sendable (Bool) -> Void)? = nil
    ) {
        let shipments = entry.map { [Shipment(entry: $0, acknowledgement: acknowledgement, synchronous: synchronous)] } ?? []
        self.init(shipments: shipments, zone: zone, zones: zones, onDone: onDone)
    }

    func run(_ context: inout StoreWriteContext) throws {
        for i in applied.indices { applied[i] = false }
        guard let (term, source) = zones.replicationSource(for: zone) else { throw ZoneNotReceiving() }
        guard !shipments.isEmpty else { return try fill(&context, from: source, upTo: UInt64.max) }
        for (i, shipment) in shipments.enumerated() {
            let entry = shipment.entry
            if entry.sequence <= context.position.sequence {
                // Already here (filled from the log earlier) — if it is the same entry, not a deposed leader's.
                applied[i] = context.term(at: entry.sequence) == entry.term
            } else if entry.term == term {
                try fill(&context, from: source, upTo: entry.sequence - 1)
                try context.replay(entry)
                applied[i] = true
            } else {
                // Shipped by a deposed leader: follow the current leader's log instead.
                try fill(&context, from: source, upTo: UInt64.max)
            }
        }
    }

    /// Replays the leader's log after the zone's position, up to `last` (at most one batch).
    private func fill(_ context: inout StoreWriteContext, from source: NodeStore, upTo last: UInt64) throws {
        guard context.position.sequence < last else { return }
        let wanted = last == UInt64.max ? Self.catchUpBatch : Int(min(UInt64(Self.catchUpBatch), last - context.position.sequence))
        let missing = try source.logEntries(after: context.position.sequence, limit: wanted)
        if let first = missing.first, first.sequence != context.position.sequence + 1 { throw LogTrimmed() }
        if last != UInt64.max && missing.count < wanted { throw NotYetCommitted() }
        for entry in missing { try context.replay(entry) }
    }

    func applied(_ entries: [LogEntry]) {
        visible = true
        for (shipment, applied) in zip(shipments, applied) where applied {
            shipment.acknowledgement?.followerApplied(synchronous: shipment.synchronous)
        }
    }

    func committed(_ entries: [LogEntry]) {
        for (shipment, applied) in zip(shipments, applied) {
            if applied {
                shipment.acknowledgement?.followerDurable()
            } else {
                shipment.acknowledgement?.followerDropped(synchronous: shipment.synchronous, applied: false)
            }
        }
        onDone?(true)
        if shipments.isEmpty || applied.contains(false) { zones.followerProgressed(zone) }
    }

    func failed(_ error: any Error) {
        for (shipment, applied) in zip(shipments, applied) {
            shipment.acknowledgement?.followerDropped(synchronous: shipment.synchronous, applied: visible && applied)
        }
        onDone?(false)
        if error is LogTrimmed {
            zones.followerNeedsCopy(zone)
        } else if error is NotYetCommitted {
            zones.followerProgressed(zone)
        }
    }
}

/// Runs a closure on a zone's writer thread between groups: a barrier (nothing written) or a
/// zone-local change.
final class LocalTask: WriterTask, @unchecked Sendable {
    private let body: (inout StoreWriteContext) throws -> Void
    private let done: @Sendable (Bool) -> Void

    init(_ body: @escaping (inout StoreWriteContext) throws -> Void, done: @escaping @Sendable (Bool) -> Void) {
        self.body = body
        self.done = done
    }

    func run(_ context: inout StoreWriteContext) throws {
        try body(&context)
    }

    func committed(_ entries: [LogEntry]) {
        done(true)
    }

    func failed(_ error: any Error) {
        done(false)
    }
}
