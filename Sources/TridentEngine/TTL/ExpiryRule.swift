/// When an item with a TTL attribute is deleted, as DynamoDB decides it: its value is epoch seconds
/// at or before now, and not more than five years in the past (older values are taken for
/// mistakes and ignored). `grace` defers deletion by that many seconds past expiry.
public struct ExpiryRule: Sendable, Equatable {
    /// Five years of 365.25 days.
    public static let maxAgeSeconds: UInt64 = 157_788_000

    public var graceSeconds: Double

    public init(graceSeconds: Double = 0) {
        self.graceSeconds = max(0, graceSeconds)
    }

    /// The expiry seconds due for deletion at `now`: older than five years excluded, newer than
    /// `now - grace` not yet due. Nil when nothing can be due (clock before the epoch).
    public func dueRange(now: Double) -> ClosedRange<UInt64>? {
        let latest = now - graceSeconds
        guard latest >= 0 else { return nil }
        let upper = UInt64(latest.rounded(.down))
        let lower = Self.oldestHonoured(now: now)
        guard lower <= upper else { return nil }
        return lower...upper
    }

    /// The oldest expiry second still taken for a real expiry at `now` (five years back).
    public static func oldestHonoured(now: Double) -> UInt64 {
        let nowSeconds = UInt64(max(0, now).rounded(.down))
        return nowSeconds > maxAgeSeconds ? nowSeconds - maxAgeSeconds + 1 : 0
    }

    public func isDue(_ expiry: UInt64, now: Double) -> Bool {
        dueRange(now: now)?.contains(expiry) ?? false
    }
}
