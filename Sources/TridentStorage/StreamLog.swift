import DynamoModel

/// The records of every table stream, in their own database, written in the same change set as
/// the item change they describe (so they are as durable, replicated and ordered as the items):
///
///     stream № (BE32) ‖ shard № (BE32) ‖ sequence (BE64) → time (Float64 bits, BE) ‖ record (see `StreamRecord`)
///
/// and per stream in the catalog `"q" ‖ stream №` → last sequence (BE64) ‖ last shard (BE32) ‖
/// sequence trimmed through (BE64). Sequences grow by one per record across the stream's shards.
public enum StreamLog {
    static let cursorPrefix = UInt8(ascii: "q")

    public struct Cursor: Sendable, Equatable {
        public var lastSequence: UInt64 = 0
        public var lastShard: UInt32 = 0
        /// Records up to this sequence are gone (older than the retention period).
        public var trimmedThrough: UInt64 = 0

        public init() {}

        var bytes: [UInt8] {
            var out: [UInt8] = []
            BigEndian.append(UInt32(lastSequence >> 32), to: &out)
            BigEndian.append(UInt32(truncatingIfNeeded: lastSequence), to: &out)
            BigEndian.append(lastShard, to: &out)
            BigEndian.append(UInt32(trimmedThrough >> 32), to: &out)
            BigEndian.append(UInt32(truncatingIfNeeded: trimmedThrough), to: &out)
            return out
        }

        init(bytes: [UInt8]) {
            guard bytes.count == 20 else { return }
            lastSequence = Self.uint64(bytes[0..<8])
            lastShard = UInt32(Self.uint64(bytes[8..<12]))
            trimmedThrough = Self.uint64(bytes[12..<20])
        }

        static func uint64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            bytes.reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    static func cursorKey(_ stream: UInt32) -> [UInt8] {
        [cursorPrefix] + BigEndian.bytes(stream)
    }

    public static func cursor(_ reader: StoreReader, stream: UInt32) throws -> Cursor {
        try reader.value(.catalog, cursorKey(stream)).map(Cursor.init(bytes:)) ?? Cursor()
    }

    static func recordKey(stream: UInt32, shard: UInt32, sequence: UInt64) -> [UInt8] {
        var key = BigEndian.bytes(stream)
        BigEndian.append(shard, to: &key)
        BigEndian.append(UInt32(sequence >> 32), to: &key)
        BigEndian.append(UInt32(truncatingIfNeeded: sequence), to: &key)
        return key
    }

    static func time(_ value: UnsafeRawBufferPointer) -> Double {
        Double(bitPattern: value.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// Appends one record (`StreamRecord`'s bytes) at `time`.
    static func append(stream: TableStream, time: Double, record: [UInt8], into changes: inout ChangeSet, reader: StoreReader) throws {
        var cursor = try changes.streamCursor(stream.number, reader)
        cursor.lastSequence += 1
        cursor.lastShard = max(cursor.lastShard, stream.shard(at: time))
        changes.setStreamCursor(cursor, stream: stream.number)
        var value: [UInt8] = []
        BigEndian.append(UInt32(time.bitPattern >> 32), to: &value)
        BigEndian.append(UInt32(truncatingIfNeeded: time.bitPattern), to: &value)
        value += record
        changes.put(.streams, recordKey(stream: stream.number, shard: cursor.lastShard, sequence: cursor.lastSequence), value)
    }

    /// Visits the records of one shard from `sequence` on (sequence, time, record bytes) while
    /// `visit` returns true; the bytes are borrowed.
    public static func walk(
        _ reader: StoreReader, stream: UInt32, shard: UInt32, from sequence: UInt64,
        _ visit: (UInt64, Double, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let prefix = BigEndian.bytes(stream) + BigEndian.bytes(shard)
        try reader.walk(.streams, from: recordKey(stream: stream, shard: shard, sequence: sequence)) { key, value in
            guard key.starts(with: prefix) else { return false }
            return try visit(Cursor.uint64(ArraySlice(key.dropFirst(8))), time(value), UnsafeRawBufferPointer(rebasing: value.dropFirst(8)))
        }
    }

    /// The first and last sequence of a shard's records, if it has any.
    public static func range(_ reader: StoreReader, stream: UInt32, shard: UInt32) throws -> (first: UInt64, last: UInt64)? {
        let prefix = BigEndian.bytes(stream) + BigEndian.bytes(shard)
        var first: UInt64?, last: UInt64?
        try reader.walk(.streams, from: prefix) { key, _ in
            if key.starts(with: prefix) { first = Cursor.uint64(ArraySlice(key.dropFirst(8))) }
            return false
        }
        guard first != nil else { return nil }
        try reader.walk(.streams, from: prefix + [UInt8](repeating: 0xFF, count: 8), forward: false) { key, _ in
            if key.starts(with: prefix) { last = Cursor.uint64(ArraySlice(key.dropFirst(8))) }
            return false
        }
        return (first!, last ?? first!)
    }

    /// The last sequence written before shard `shard` (0 if none): where an empty shard starts.
    public static func lastSequence(before shard: UInt32, _ reader: StoreReader, stream: UInt32) throws -> UInt64 {
        var last: UInt64 = 0
        let streamPrefix = BigEndian.bytes(stream)
        try reader.walk(.streams, from: streamPrefix + BigEndian.bytes(shard), forward: false) { key, _ in
            if key.starts(with: streamPrefix), Cursor.uint64(ArraySlice(key.dropFirst(4).prefix(4))) < UInt64(shard) {
                last = Cursor.uint64(ArraySlice(key.dropFirst(8)))
            }
            return false
        }
        return last
    }

    /// When the stream's oldest record kept was written.
    public static func oldestTime(_ reader: StoreReader, stream: UInt32) throws -> Double? {
        let prefix = BigEndian.bytes(stream)
        var oldest: Double?
        try reader.walk(.streams, from: prefix) { key, value in
            if key.starts(with: prefix) { oldest = time(value) }
            return false
        }
        return oldest
    }

    /// Deletes records written before `time` (oldest first, at most `limit`); how many went.
    public static func trim(_ reader: StoreReader, stream: UInt32, before time: Double, limit: Int, into changes: inout ChangeSet) throws -> Int {
        let prefix = BigEndian.bytes(stream)
        var cursor = try changes.streamCursor(stream, reader)
        var count = 0
        try reader.walk(.streams, from: prefix) { key, value in
            guard key.starts(with: prefix), count < limit, Self.time(value) < time else { return false }
            changes.delete(.streams, Array(key))
            cursor.trimmedThrough = max(cursor.trimmedThrough, Cursor.uint64(ArraySlice(key.dropFirst(8))))
            count += 1
            return true
        }
        if count > 0 { changes.setStreamCursor(cursor, stream: stream) }
        return count
    }

    /// Removes a stream's records and cursor.
    public static func drop(stream: UInt32, into changes: inout ChangeSet) {
        changes.forgetStreamCursor(stream)
        changes.deletePrefix(.streams, BigEndian.bytes(stream))
        changes.delete(.catalog, cursorKey(stream))
    }
}
