/// Storage keys for items, within LMDB's 511-byte key limit while DynamoDB allows a 2048-byte
/// partition key and a 1024-byte sort key.
///
///     ┌──────────────── 16 bytes ───────────────┬──────────── 0…479 bytes ────────────┐
///     │ MD5 of the partition key's value bytes  │ order-preserving sort-key encoding  │
///     └─────────────────────────────────────────┴─────────────────────────────────────┘
///
/// Only equality is ever asked of a partition key, so a digest loses nothing and spreads
/// partitions over the key space the way DynamoDB's hash partitioning does (Scan's order,
/// parallel-scan segments as digest ranges). Within a partition, byte order of the sort part
/// equals DynamoDB's sort order.
///
/// A sort encoding longer than 471 bytes keeps its first 471 bytes followed by 8 bytes of the
/// MD5 of the whole encoding. Untruncated encodings are at most 471 bytes, so they still sort
/// correctly against truncated ones; truncated keys sharing their 471-byte prefix sort among
/// themselves by digest, and readers re-sort such groups by the full key kept in the item.
///
/// Frozen: stored data depends on it. Changing it needs a data migration.
public enum KeyEncoding {
    public static let digestLength = 16
    public static let truncatedPrefixLength = 471
    public static let truncationDigestLength = 8
    public static let maxSortPartLength = truncatedPrefixLength + truncationDigestLength
    public static let maxKeyLength = digestLength + maxSortPartLength

    /// The bytes a partition or sort key value stands for: UTF-8 for S, raw for B, the
    /// normalized text for N (equal numbers must give equal digests).
    public static func valueBytes(_ value: AttributeValue) -> [UInt8] {
        switch value {
        case let .string(s): Array(s.utf8)
        case let .binary(b): b
        case let .number(n): Array(n.description.utf8)
        default: []
        }
    }

    /// How many bytes `valueBytes` gives (for the key size limits), without making them.
    public static func valueByteCount(_ value: AttributeValue) -> Int {
        switch value {
        case let .string(s): s.utf8.count
        case let .binary(b): b.count
        case let .number(n): n.description.utf8.count
        default: 0
        }
    }

    public static func partitionDigest(_ value: AttributeValue) -> [UInt8] {
        var digest: [UInt8] = []
        appendPartitionDigest(value, to: &digest)
        return digest
    }

    static func appendPartitionDigest(_ value: AttributeValue, to key: inout [UInt8]) {
        if case let .string(s) = value {
            MD5.digest(s.utf8, appendingTo: &key)
        } else {
            MD5.digest(valueBytes(value), appendingTo: &key)
        }
    }

    /// The whole storage key of an item with this partition (and, for composite keys, sort) value,
    /// after `prefix` (a table number) when given.
    public static func itemKey(partition: AttributeValue, sort: AttributeValue?, prefix: UInt32? = nil) -> [UInt8] {
        let sortPart = sort.map(storedSortPart)
        var key: [UInt8] = []
        key.reserveCapacity(4 + digestLength + (sortPart?.count ?? 0))
        if let prefix { BigEndian.append(prefix, to: &key) }
        appendPartitionDigest(partition, to: &key)
        if let sortPart { key.append(contentsOf: sortPart) }
        return key
    }

    /// The sort part as stored: the order-preserving encoding, truncated when too long.
    public static func storedSortPart(_ value: AttributeValue) -> [UInt8] {
        let full = sortEncoding(value)
        guard full.count > truncatedPrefixLength else { return full }
        return Array(full[0..<truncatedPrefixLength]) + MD5.digest(full)[0..<truncationDigestLength]
    }

    /// Whether a stored item key had its sort part truncated (its group may need re-sorting).
    public static func isTruncated(itemKey: some Collection<UInt8>) -> Bool {
        itemKey.count == maxKeyLength
    }

    /// Byte order of the result equals DynamoDB's order of sort key values of one type:
    /// strings by UTF-8 bytes, binary by unsigned bytes, numbers by value (see `numberEncoding`).
    public static func sortEncoding(_ value: AttributeValue) -> [UInt8] {
        switch value {
        case let .number(n): numberEncoding(n)
        default: valueBytes(value)
        }
    }

    /// Order-preserving number encoding, at most 22 bytes:
    ///
    ///     negative:  0x01 │ 255 − (e + 129) │ 255 − pair₁ … 255 − pairₖ │ 0xFF
    ///     zero:      0x02
    ///     positive:  0x03 │ e + 129         │ pair₁ … pairₖ
    ///
    /// `e` is the exponent of 0.d₁d₂… × 10^e (−129…126, so e + 129 fits a byte) and each pair packs
    /// two digits as 10·a + b + 1 (1…100; an odd last digit is padded with 0). Normalized digits
    /// have no trailing zeros, so a shorter digit string is a smaller magnitude; for negatives the
    /// bytes are inverted and the 0xFF terminator makes the shorter (larger) value sort later.
    public static func numberEncoding(_ n: DynamoNumber) -> [UInt8] {
        if n.isZero { return [0x02] }
        var out: [UInt8] = []
        out.reserveCapacity(3 + (n.digits.count + 1) / 2)
        let exponentByte = UInt8(n.exponent + 129)
        out.append(n.isNegative ? 0x01 : 0x03)
        out.append(n.isNegative ? 255 - exponentByte : exponentByte)
        var i = 0
        while i < n.digits.count {
            let high = n.digits[i]
            let low = i + 1 < n.digits.count ? n.digits[i + 1] : 0
            let pair = high * 10 + low + 1
            out.append(n.isNegative ? 255 - pair : pair)
            i += 2
        }
        if n.isNegative { out.append(0xFF) }
        return out
    }
}
