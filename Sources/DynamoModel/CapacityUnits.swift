/// DynamoDB's metering, in one place: a read unit covers 4 KB read strongly consistently (an
/// eventually consistent read costs half), a write unit covers 1 KB of the larger of the item before
/// and after the write. Every request costs at least the minimum, even when no item is found.
public enum CapacityUnits {
    public static let readUnitBytes = 4096
    public static let writeUnitBytes = 1024

    /// Units for reading `bytes` (one item, or a whole query page summed before rounding).
    public static func read(bytes: Int, consistent: Bool) -> Double {
        let units = Double(max(1, (bytes + readUnitBytes - 1) / readUnitBytes))
        return consistent ? units : units / 2
    }

    /// Units for a write replacing an item of `oldBytes` with one of `newBytes` (nil: none).
    public static func write(oldBytes: Int?, newBytes: Int?) -> Double {
        let larger = max(oldBytes ?? 0, newBytes ?? 0)
        return Double(max(1, (larger + writeUnitBytes - 1) / writeUnitBytes))
    }

    /// Units for what a write did to one index entry: a put, a delete, a replacement, or — when the
    /// entry's key changed — a delete and a put.
    public static func indexWrite(oldBytes: Int?, newBytes: Int?, keyChanged: Bool) -> Double {
        guard keyChanged else { return write(oldBytes: oldBytes, newBytes: newBytes) }
        return write(oldBytes: oldBytes, newBytes: nil) + write(oldBytes: nil, newBytes: newBytes)
    }
}
