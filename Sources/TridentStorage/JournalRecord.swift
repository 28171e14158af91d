/// One log entry as the journal stores it. Little-endian header, then the entry's ops in the
/// replication encoding (`LogEntry.encodedOps`, which begins with the term):
///
///     0        4            8              16             24
///     │ u32 len │ u32 gen    │ u64 checksum │ u64 sequence │ ops (len bytes) …
///
/// `gen` counts journal openings: a record left behind by an earlier run (a torn tail after a power
/// loss, or the old contents of a recycled segment) never follows a newer one. `checksum` covers
/// sequence, ops and gen: a hash of sequence and ops (made once per entry, whichever zones journal
/// it) finished with gen. Zeros end the written part of a segment, or pad it to the next block
/// boundary: a journal written by direct writes starts each group of records on a block (of
/// `minPadding` to `maxPadding` bytes: the file system's block, at least its direct-I/O
/// alignment), so no two writes in flight share a block. Frozen: journals outlive the process that
/// wrote them.
enum JournalRecord {
    static let headerSize = 24
    static let minPadding = 512
    static let maxPadding = 4096

    /// `offset` rounded up to a multiple of `alignment` (a power of two).
    static func align(_ offset: Int, to alignment: Int) -> Int {
        (offset + alignment - 1) & ~(alignment - 1)
    }

    /// Where the padding at `offset` ends — the next `minPadding` boundary — when every byte up to
    /// it (or to the end of `bytes`) is zero; nil when something else is there. (Checking the four
    /// length bytes alone would read into the next group when the padding is shorter than four.)
    static func paddingEnd(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        let next = align(offset + 1, to: minPadding)
        for i in offset..<min(next, bytes.count) where bytes[i] != 0 { return nil }
        return next
    }

    static func size(of entry: LogEntry) -> Int { headerSize + entry.encoded.bytes.count }

    /// Appends `entry`'s record to `out`.
    static func append(_ entry: LogEntry, generation: UInt32, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: size(of: entry)))
        out.withUnsafeMutableBytes { write(entry, generation: generation, to: $0.baseAddress! + start) }
    }

    /// Writes `entry` as one record at `destination` (exactly `size(of:)` bytes).
    static func write(_ entry: LogEntry, generation: UInt32, to destination: UnsafeMutableRawPointer) {
        let ops = entry.encoded.bytes
        destination.storeBytes(of: UInt32(ops.count).littleEndian, toByteOffset: 0, as: UInt32.self)
        destination.storeBytes(of: generation.littleEndian, toByteOffset: 4, as: UInt32.self)
        destination.storeBytes(of: finish(entry.encoded.hash, generation: generation).littleEndian, toByteOffset: 8, as: UInt64.self)
        destination.storeBytes(of: entry.sequence.littleEndian, toByteOffset: 16, as: UInt64.self)
        ops.withUnsafeBytes { (destination + headerSize).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    struct Header {
        let length: Int
        let generation: UInt32
        let checksum: UInt64
        let sequence: UInt64
    }

    /// The header at the front of `bytes`, or nil for the end marker (or too few bytes).
    static func header(_ bytes: UnsafeRawBufferPointer) -> Header? {
        guard bytes.count >= headerSize else { return nil }
        let length = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        guard length > 0 else { return nil }
        return Header(
            length: Int(length), generation: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
            checksum: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            sequence: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
    }

    /// The ops hash of an intact record (nil when torn or stale-looking).
    static func verifiedHash(_ header: Header, ops: UnsafeRawBufferPointer) -> UInt64? {
        guard ops.count == header.length else { return nil }
        let hash = opsHash(sequence: header.sequence, ops: ops)
        return finish(hash, generation: header.generation) == header.checksum ? hash : nil
    }

    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    @inline(__always)
    private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ (word &* p2)).rotatedLeft(by: 31) &* p1
        return m ^ (m >> 29)
    }

    /// The checksum stored in a record: the ops hash finished with the journal's generation.
    static func finish(_ hash: UInt64, generation: UInt32) -> UInt64 {
        var h = mix(hash, UInt64(generation) &+ p1)
        h ^= h >> 33
        h = h &* p2
        return h ^ (h >> 29)
    }

    /// A 64-bit hash eight bytes at a time (multiply, rotate, xor-fold): it only has to catch torn and
    /// stale writes, not an adversary, and it runs over every byte a recovering zone reads.
    static func opsHash(sequence: UInt64, ops: UnsafeRawBufferPointer) -> UInt64 {
        var h = mix(p1, sequence)
        h = mix(h, UInt64(ops.count))
        var i = 0
        while i + 8 <= ops.count {
            h = mix(h, UInt64(littleEndian: ops.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < ops.count {
            tail |= UInt64(ops[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h, tail)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by n: UInt64) -> UInt64 {
        (self << n) | (self >> (64 - n))
    }
}
