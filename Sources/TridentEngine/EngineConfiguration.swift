/// How an engine is set up; `trident serve`'s flags map onto it.
public struct EngineConfiguration: Sendable {
    /// The data folder (`--data-dir`); with `inMemory`, ignored.
    public var dataDirectory: String
    /// Keep the data in an unlinked temporary file: nothing outlives the process (`--in-memory`).
    public var inMemory = false
    public var region: String
    /// The account id in ARNs (DynamoDB Local uses all zeros too).
    public var accountID: String = "000000000000"
    /// How writes reach the disk (`--durability`; `--in-memory` flushes nothing).
    public var durability: Durability = .journal
    public var clock: Clock
    /// Seconds between TTL sweeps (`--ttl-interval`).
    public var ttlInterval: Double = 1
    /// Delete only items expired for longer than this (`--ttl-grace-seconds`).
    public var ttlGraceSeconds: Double = 0
    /// `enforce` throttles PROVISIONED tables beyond their capacity; `off` only meters (`--capacity`).
    public var capacityMode: CapacityMode = .enforce
    /// Availability zones: 3 (replicated) or 1 (`--zones`).
    public var zoneCount: Int = 3
    /// How far behind the log the followers read (`--replication-lag-ms`); one always keeps up, and
    /// 0 makes every zone read every acknowledged write.
    public var replicationLagMilliseconds: Int = 0
    /// How long a write takes to reach the global secondary indexes' reads (`--gsi-lag-ms`); 0:
    /// every index is current when the write is acknowledged. Local indexes never lag.
    public var gsiLagMilliseconds: Int = 0
    /// How long a transaction holds its items (`--transaction-window-ms`): other writes to them
    /// meet the service's conflict errors meanwhile. 0: transactions hold nothing.
    public var transactionWindowMilliseconds: Int = 0
    /// Seconds tables spend CREATING, UPDATING and DELETING (0: every change is ACTIVE at once).
    public var transientStatusSeconds: Double = 0
    /// How long each stream shard stays open before a child takes over (`--stream-shard-seconds`;
    /// the service rolls over about every four hours).
    public var streamShardSeconds: Double = 14_400
    /// The list prices the cost report uses (`--prices FILE`).
    var prices = Prices.standard

    /// Replaces the price table with a file of the same shape (see `Prices`).
    public mutating func loadPrices(_ bytes: [UInt8]) throws {
        prices = try Prices(json: bytes)
    }
    /// Items a global index backfill adds per second (`--backfill-rate`); nil: as fast as it can.
    public var backfillItemsPerSecond: Int?
    /// The largest item collection (a partition's items and their local-index entries) a table
    /// with local indexes may hold: 10 GB, as in DynamoDB (`--item-collection-limit-mb` for tests).
    public var itemCollectionLimitBytes: Int = 10 << 30
    /// Writes an isolated zone may fall behind before it drops its frozen copy and stops.
    public var isolationBacklog: UInt64 = 1_000_000
    /// Seconds between checkpoints (the data file flushed; the log keeps what came after).
    public var checkpointInterval: Double = 10
    /// Size of one log segment file; the log is trimmed a whole segment at a time.
    public var logSegmentBytes: Int = 16 << 20
    /// Start even if the log shows acknowledged writes were lost (`--accept-log-loss`).
    public var acceptLogLoss = false
    /// Where the writer runs — the server passes an event loop, so that on a single core one
    /// thread does everything; nil: a queue of its own.
    public var writerExecutor: (any WorkExecutor)?

    public init(dataDirectory: String, region: String = "us-east-1", clock: Clock = Clock(mode: .system)) {
        self.dataDirectory = dataDirectory
        self.region = region
        self.clock = clock
    }

    /// The zone names: the region's first `zoneCount` of a, b, c.
    var zoneNames: [String] {
        ["a", "b", "c"].prefix(max(1, min(3, zoneCount))).map { region + $0 }
    }
}

/// How writes reach the disk.
public enum Durability: String, Sendable, CaseIterable {
    /// Each group of writes flushed in the log before it is acknowledged; the data file flushed at
    /// checkpoints. Survives `kill -9`; after an OS crash or power loss the log is replayed, but a
    /// data file changed since its last checkpoint may be damaged.
    case journal
    /// Every data-file commit flushed by LMDB itself, no log: intact after a power loss too, slower.
    case strict
    /// Nothing flushed (`--in-memory`, tests).
    case none
}

/// Whether provisioned capacity is enforced or only metered.
public enum CapacityMode: String, Sendable, CaseIterable {
    case enforce
    case off
}

/// Runs work in order, one piece at a time (an event loop): where the writer runs.
public protocol WorkExecutor: Sendable {
    func execute(_ work: @escaping @Sendable () -> Void)
}
