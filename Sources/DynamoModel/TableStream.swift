/// What a stream record holds besides the keys (`StreamViewType`).
public enum StreamViewType: String, Sendable, Hashable, CaseIterable {
    case keysOnly = "KEYS_ONLY"
    case newImage = "NEW_IMAGE"
    case oldImage = "OLD_IMAGE"
    case newAndOldImages = "NEW_AND_OLD_IMAGES"

    public var hasNewImage: Bool { self == .newImage || self == .newAndOldImages }
    public var hasOldImage: Bool { self == .oldImage || self == .newAndOldImages }
}

/// One stream of a table. Enabling a stream starts a new one (a new label and number); a disabled
/// one stays readable for the retention period. Its shards are periods of `shardSeconds` from
/// `created`: shard k holds the records written in [created + k·shardSeconds, created + (k+1)·shardSeconds),
/// the last one open, every earlier one closed and the parent of the next.
public struct TableStream: Sendable, Hashable {
    /// Prefix of the stream's records in storage (from the table-number counter, never reused).
    public var number: UInt32
    /// `StreamLabel`: the creation time, `2026-12-05T22:30:00.123`.
    public var label: String
    public var viewType: StreamViewType
    /// Seconds since the epoch.
    public var created: Double
    public var shardSeconds: Double
    public var disabledAt: Double?

    public init(number: UInt32, label: String, viewType: StreamViewType, created: Double, shardSeconds: Double, disabledAt: Double? = nil) {
        self.number = number
        self.label = label
        self.viewType = viewType
        self.created = created
        self.shardSeconds = shardSeconds
        self.disabledAt = disabledAt
    }

    /// How long records are kept, and a disabled stream stays readable.
    public static let retentionSeconds = 86_400.0

    public var isEnabled: Bool { disabledAt == nil }

    /// The shard a record written at `time` belongs to.
    public func shard(at time: Double) -> UInt32 {
        UInt32(max(0, min(Double(UInt32.max - 1), ((time - created) / shardSeconds).rounded(.down))))
    }

    /// The shard records go to now; nil once disabled (every shard is closed).
    public func openShard(now: Double) -> UInt32? {
        isEnabled ? shard(at: now) : nil
    }

    /// The shards still within the retention period at `now`, oldest first.
    public func liveShards(now: Double) -> ClosedRange<UInt32> {
        let last = shard(at: disabledAt ?? now)
        let first = min(last, shard(at: max(created, now - Self.retentionSeconds)))
        return first...last
    }

    /// `shardId-<20 digits: the shard's start in ms>-<8 hex: its number>`.
    public func shardID(_ k: UInt32) -> String {
        let start = UInt64(max(0, (created + Double(k) * shardSeconds) * 1000))
        return "shardId-" + Self.padded(start, 20) + "-" + Self.hex(k)
    }

    /// The shard number of one of this stream's shard IDs.
    public func shardNumber(_ id: String) -> UInt32? {
        let parts = id.split(separator: "-")
        guard parts.count == 3, parts[0] == "shardId", let k = UInt32(parts[2], radix: 16), shardID(k) == id else { return nil }
        return k
    }

    /// Sequence numbers as the service writes them: 21 decimal digits.
    public static func sequenceNumber(_ value: UInt64) -> String {
        padded(value, 21)
    }

    static func padded(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// `2026-12-05T22:30:00.123` (UTC) for a time in seconds since the epoch.
    public static func label(for time: Double) -> String {
        let ms = Int64((time * 1000).rounded(.down))
        let (days, msOfDay) = (ms.quotientAndRemainder(dividingBy: 86_400_000))
        let (y, m, d) = CivilDate.fromDays(days)
        let h = msOfDay / 3_600_000, mi = msOfDay / 60_000 % 60, s = msOfDay / 1000 % 60, frac = msOfDay % 1000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let millis = frac < 10 ? "00\(frac)" : frac < 100 ? "0\(frac)" : "\(frac)"
        return "\(y)-\(two(m))-\(two(d))T\(two(h)):\(two(mi)):\(two(s)).\(millis)"
    }

}

extension TableDefinition {
    /// The enabled stream, if any.
    public var enabledStream: TableStream? {
        streams.last.flatMap { $0.isEnabled ? $0 : nil }
    }

    public func streamArn(_ stream: TableStream) -> String {
        arn + "/stream/" + stream.label
    }
}

/// Dates of the proleptic Gregorian calendar from day counts since 1970-01-01 (Howard Hinnant's
/// algorithm), for labels and signatures without Foundation.
public enum CivilDate {
    /// (year, month, day) of a day count since 1970-01-01.
    public static func fromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
