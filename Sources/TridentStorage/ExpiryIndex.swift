import DynamoModel

/// The TTL index: one entry per item whose TTL attribute holds a Number,
///
///     table number (BE32) ‖ expiry epoch seconds (BE64) ‖ item key   →   (empty)
///
/// so the sweeper walks a table's entries from the start up to "now" and its cost grows with the
/// expired items, not with the table.
public enum ExpiryIndex {
    /// The expiry second an item carries: its TTL attribute as a non-negative Number, fractions
    /// dropped. Other types never expire.
    public static func expiry(of item: Item, attribute: String) -> UInt64? {
        guard case let .number(n)? = item[attribute], !n.isNegative else { return nil }
        return wholeSeconds(n)
    }

    /// The integer part of a non-negative number, saturating far beyond any real date.
    static func wholeSeconds(_ n: DynamoNumber) -> UInt64 {
        if n.isZero || n.exponent <= 0 { return 0 }
        if n.exponent > 19 { return UInt64.max }
        var value: UInt64 = 0
        for i in 0..<n.exponent {
            let digit = i < n.digits.count ? UInt64(n.digits[i]) : 0
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            if o1 || o2 { return UInt64.max }
            value = sum
        }
        return value
    }

    static func key(table: UInt32, expiry: UInt64, itemKey: [UInt8]) -> [UInt8] {
        var key = BigEndian.bytes(table)
        key.reserveCapacity(12 + itemKey.count)
        key.append(contentsOf: BigEndian.bytes(expiry))
        key.append(contentsOf: itemKey)
        return key
    }

    static func update(table: UInt32, itemKey: [UInt8], from old: UInt64?, to new: UInt64?, into changes: inout ChangeSet) {
        if old == new { return }
        if let old { changes.delete(.expiry, key(table: table, expiry: old, itemKey: itemKey)) }
        if let new { changes.put(.expiry, key(table: table, expiry: new, itemKey: itemKey), []) }
    }

    /// Item keys of a table whose expiry second is in `range`, oldest first, at most `limit`.
    public static func due(_ reader: StoreReader, table: UInt32, in range: ClosedRange<UInt64>, limit: Int) throws -> [(
        expiry: UInt64, itemKey: [UInt8]
    )] {
        var found: [(UInt64, [UInt8])] = []
        let prefix = BigEndian.bytes(table)
        try reader.walk(.expiry, from: prefix + BigEndian.bytes(range.lowerBound)) { key, _ in
            guard found.count < limit, key.count >= 12, key.starts(with: prefix) else { return false }
            let expiry = BigEndian.uint64(key.dropFirst(4))
            guard expiry <= range.upperBound else { return false }
            found.append((expiry, Array(key.dropFirst(12))))
            return true
        }
        return found
    }

    /// Rebuilds a table's index from its items (TTL just enabled), or clears it (`attribute` nil).
    public static func rebuild(table: TableDefinition, attribute: String?, reader: StoreReader, into changes: inout ChangeSet) throws {
        let prefix = BigEndian.bytes(table.number)
        changes.deletePrefix(.expiry, prefix)
        guard let attribute else { return }
        var entries: [[UInt8]] = []
        try reader.walk(.items, from: prefix) { key, value in
            guard key.starts(with: prefix) else { return false }
            let item = try ItemEncoding.decode(value)
            if let expiry = expiry(of: item, attribute: attribute) {
                entries.append(Self.key(table: table.number, expiry: expiry, itemKey: Array(key.dropFirst(4))))
            }
            return true
        }
        for entry in entries { changes.put(.expiry, entry, []) }
    }
}
