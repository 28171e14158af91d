/// One log entry as the journal stores it. Little-endian header, then the entry's ops in the
/// replication encoding (`LogEntry.encodedOps`, which begins with the term):
///
///     0        4            8              16             24
///     │ u32 len │ u32 gen    │ u64 checksum │ u64 sequence │ ops (len bytes) …
///
/// `gen` counts journal openings: a record left behind by an earlier run (a torn tail after a power
/// loss, or the old contents of a recycled segment) never follows a newer one. `checksum` covers
/// gen, sequence and ops. A zero `len` ends the written part of a segment. Frozen: journals
/// outlive the process that wrote them.
enum JournalRecord {
    static let headerSize = 24

    /// Appends `entry` encoded as one record.
    static func append(_ entry: LogEntry, generation: UInt32, to out: inout [UInt8]) {
        let ops = entry.encodedOps()
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: headerSize))
        out.append(contentsOf: ops)
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(ops.count).littleEndian, toByteOffset: start, as: UInt32.self)
            raw.storeBytes(of: generation.littleEndian, toByteOffset: start + 4, as: UInt32.self)
            raw.storeBytes(of: entry.sequence.littleEndian, toByteOffset: start + 16, as: UInt64.self)
            let sum = checksum(generation: generation, sequence: entry.sequence, ops: UnsafeRawBufferPointer(rebasing: raw[(start + headerSize)...]))
            raw.storeBytes(of: sum.littleEndian, toByteOffset: start + 8, as: UInt64.self)
        }
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

    static func isIntact(_ header: Header, ops: UnsafeRawBufferPointer) -> Bool {
        ops.count == header.length && checksum(generation: header.generation, sequence: header.sequence, ops: ops) == header.checksum
    }

    /// A 64-bit hash eight bytes at a time (multiply, rotate, xor-fold): it only has to catch torn and
    /// stale writes, not an adversary, and it runs over every byte a recovering zone reads.
    static func checksum(generation: UInt32, sequence: UInt64, ops: UnsafeRawBufferPointer) -> UInt64 {
        let p1: UInt64 = 0x9E37_79B1_85EB_CA87
        let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
            let m = (h ^ (word &* p2)).rotatedLeft(by: 31) &* p1
            return m ^ (m >> 29)
        }
        var h = mix(UInt64(generation) &+ p1, sequence)
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
        h = mix(h, tail)
        h ^= h >> 33
        h = h &* p2
        return h ^ (h >> 29)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by n: UInt64) -> UInt64 {
        (self << n) | (self >> (64 - n))
    }
}
