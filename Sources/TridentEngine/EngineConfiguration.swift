import TridentStorage

/// How an engine is set up; `trident serve`'s flags map onto it.
public struct EngineConfiguration: Sendable {
    /// Folder holding one LMDB environment per availability zone.
    public var dataDirectory: String
    public var region: String
    /// The account id in ARNs (DynamoDB Local uses all zeros too).
    public var accountID: String = "000000000000"
    /// How writes reach the disk (`--durability`; `--in-memory` flushes nothing).
    public var durability: Durability = .journal

    /// Whether anything is flushed (tests of non-durable modes turn it off).
    public var durable: Bool {
        get { durability != .none }
        set { durability = newValue ? .journal : .none }
    }
    public var clock: Clock
    /// Seconds between TTL sweeps (`--ttl-interval`).
    public var ttlInterval: Double = 1
    /// Delete only items expired for longer than this (`--ttl-grace-seconds`).
    public var ttlGraceSeconds: Double = 0
    /// `enforce` throttles PROVISIONED tables beyond their capacity; `off` only meters (`--capacity`).
    public var capacityMode: CapacityMode = .enforce
    /// Availability zones: 3 (replicated) or 1 (`--zones`).
    public var zoneCount: Int = 3
    /// Delay of the asynchronous follower's copy (`--replication-lag-ms`); 0 applies every copy
    /// before acknowledging, so nothing is ever stale.
    public var replicationLagMilliseconds: Int = 0
    /// Log entries kept for a zone that is away before it must copy the leader's data to catch up.
    public var replicationLogBacklog: UInt64 = 1_000_000
    /// Seconds between journal trims.
    public var logTrimInterval: Double = 1
    /// Seconds between checkpoints (each zone's environment flushed to disk; the journal keeps
    /// what came after).
    public var checkpointInterval: Double = 10
    /// Size of one journal segment file; the journal is trimmed a whole segment at a time.
    public var journalSegmentBytes: Int = Journal.defaultSegmentCapacity
    /// Threads the zones' writers run on — the server passes its event loops, so that on a single
    /// core one thread does everything; empty: each zone writer gets a thread of its own.
    public var writerExecutors: [any WriterExecutor] = []

    public init(dataDirectory: String, region: String = "us-east-1", clock: Clock = Clock(mode: .system)) {
        self.dataDirectory = dataDirectory
        self.region = region
        self.clock = clock
    }
}

/// Whether provisioned capacity is enforced or only metered.
public enum CapacityMode: String, Sendable, CaseIterable {
    case enforce
    case off
}
