/// How an engine is set up; `trident serve`'s flags map onto it.
public struct EngineConfiguration: Sendable {
    /// Folder holding one LMDB environment per availability zone.
    public var dataDirectory: String
    public var region: String
    /// The account id in ARNs (DynamoDB Local uses all zeros too).
    public var accountID: String = "000000000000"
    /// fsync before acknowledging writes. Only tests of non-durable modes turn it off.
    public var durable: Bool = true
    public var clock: Clock
    /// Seconds between TTL sweeps (`--ttl-interval`).
    public var ttlInterval: Double = 1
    /// Delete only items expired for longer than this (`--ttl-grace-seconds`).
    public var ttlGraceSeconds: Double = 0

    public init(dataDirectory: String, region: String = "us-east-1", clock: Clock = Clock(mode: .system)) {
        self.dataDirectory = dataDirectory
        self.region = region
        self.clock = clock
    }
}
