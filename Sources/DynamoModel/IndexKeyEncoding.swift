/// Storage keys of secondary-index entries, within LMDB's 511-byte key limit:
///
///     ┌ 4 bytes ┬──── 16 bytes ─────┬──────── sort part ────────┬────────── 16 bytes ──────────┐
///     │ index № │ partition digest  │ (indexes with a sort key) │ MD5 of the table's item key  │
///     └─────────┴───────────────────┴───────────────────────────┴──────────────────────────────┘
///
/// Many items can share an index key, so the table key follows it (as a digest: both keys whole
/// would not fit). For that the sort part must end where its value ends: it is the item keys'
/// order-preserving sort encoding with 0x00 written 01 01 and 0x01 written 01 02, then a 0x00
/// terminator — so a value sorts before every longer value it is a prefix of, whatever follows.
/// An escaped encoding longer than 460 bytes keeps its first 460 bytes and ends with 0x02 instead
/// of the terminator: such entries sort after every shorter value with that prefix and among
/// themselves by table-key digest, so readers gather each such group and order it by value.
///
/// Frozen: stored data depends on it.
public enum IndexKeyEncoding {
    public static let prefixLength = 4 + KeyEncoding.digestLength
    public static let maxEscapedSortLength = 460
    public static let tableKeyDigestLength = 16
    static let terminator: UInt8 = 0x00
    static let truncatedMark: UInt8 = 0x02
    /// Length of a key whose sort part was truncated (or is exactly 460 escaped bytes long).
    public static let fullSortedKeyLength = prefixLength + maxEscapedSortLength + 1 + tableKeyDigestLength

    /// `index number ‖ partition digest`: where the entries of one index partition start.
    public static func partitionPrefix(index: UInt32, partition: AttributeValue) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(fullSortedKeyLength)
        BigEndian.append(index, to: &key)
        KeyEncoding.appendPartitionDigest(partition, to: &key)
        return key
    }

    /// The key of the entry of the item stored under `tableItemKey`.
    public static func entryKey(index: UInt32, partition: AttributeValue, sort: AttributeValue?, tableItemKey: [UInt8]) -> [UInt8] {
        var key = partitionPrefix(index: index, partition: partition)
        if let sort { appendSortPart(sort, to: &key) }
        MD5.digest(tableItemKey, appendingTo: &key)
        return key
    }

    static func appendSortPart(_ value: AttributeValue, to key: inout [UInt8]) {
        let escaped = escapedSortEncoding(value)
        if escaped.count > maxEscapedSortLength {
            key.append(contentsOf: escaped[0..<maxEscapedSortLength])
            key.append(truncatedMark)
        } else {
            key.append(contentsOf: escaped)
            key.append(terminator)
        }
    }

    /// The sort encoding with 0x00 and 0x01 escaped (no terminator).
    public static func escapedSortEncoding(_ value: AttributeValue) -> [UInt8] {
        let plain = KeyEncoding.sortEncoding(value)
        var out: [UInt8] = []
        out.reserveCapacity(plain.count + 4)
        for byte in plain {
            if byte <= 0x01 {
                out.append(0x01)
                out.append(byte + 1)
            } else {
                out.append(byte)
            }
        }
        return out
    }

    /// Where a forward walk over values ≥ `value` starts: no key of such a value sorts before it.
    public static func lowerSeek(_ prefix: [UInt8], _ value: AttributeValue) -> [UInt8] {
        prefix + escapedSortEncoding(value).prefix(maxEscapedSortLength)
    }

    /// Where a backward walk over values ≤ `value` (or starting with `value`) starts: no key of
    /// such a value sorts after it.
    public static func upperSeek(_ prefix: [UInt8], _ value: AttributeValue) -> [UInt8] {
        let head = prefix + escapedSortEncoding(value).prefix(maxEscapedSortLength)
        return head + [UInt8](repeating: 0xFF, count: 511 - head.count)
    }

    /// Whether a stored entry key belongs to a truncated group; its group prefix is the key's
    /// first `fullSortedKeyLength - tableKeyDigestLength` bytes.
    public static func isTruncated(entryKey key: UnsafeRawBufferPointer) -> Bool {
        key.count == fullSortedKeyLength && key[prefixLength + maxEscapedSortLength] == truncatedMark
    }
}
