/// One table's read or write capacity as DynamoDB enforces it: refilled at the provisioned rate per
/// second, banking unused capacity for up to 300 seconds (burst capacity). A request that would
/// overdraw the bucket is throttled and takes nothing. Pure: time comes in as an argument.
struct TokenBucket: Sendable, Equatable {
    static let burstSeconds = 300.0

    private(set) var rate: Double
    private(set) var tokens: Double
    private(set) var refilledAt: Double

    /// A new bucket starts full: a table has its burst capacity from the start.
    init(rate: Double, now: Double) {
        self.rate = rate
        tokens = rate * Self.burstSeconds
        refilledAt = now
    }

    var capacity: Double { rate * Self.burstSeconds }

    enum Decision: Equatable {
        case admit
        case throttle
    }

    mutating func refill(now: Double) {
        if now > refilledAt {
            tokens = min(capacity, tokens + (now - refilledAt) * rate)
        }
        refilledAt = max(refilledAt, now)
    }

    /// Takes `units` if the bucket holds them.
    mutating func consume(_ units: Double, now: Double) -> Decision {
        refill(now: now)
        guard tokens >= units else { return .throttle }
        tokens -= units
        return .admit
    }

    /// Returns units taken for a request that was not carried out (never past the burst limit).
    mutating func giveBack(_ units: Double, now: Double) {
        refill(now: now)
        tokens = min(capacity, tokens + units)
    }

    /// UpdateTable: the new rate applies at once; what is banked stays, up to the new burst limit.
    mutating func change(rate newRate: Double, now: Double) {
        refill(now: now)
        rate = newRate
        tokens = min(tokens, capacity)
    }
}
