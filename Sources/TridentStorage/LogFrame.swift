import DynamoModel

/// The log's unit on disk: one frame per group of writes (many entries, one write, one flush), or a
/// seal that ends a segment. Little-endian, 8-byte aligned:
///
///     0       4        8                16      20      24                32         40
///     │ magic │ length │ first sequence │ count │ flags │ durable through │ checksum │ entries (length bytes) │ zeros to 8
///
/// - `entries`: `count` × (varint byte length ‖ payload), sequence numbers `first`, `first + 1`, ….
/// - `flags` 1 = seal (count 0): the segment ends here and the log continues in the segment whose
///   first sequence is `first`; a missing successor is then evidence, not a guess.
/// - `durable through`: the last sequence already durable — hence acknowledged — when the frame was
///   written. A valid frame found after a damaged one proves whether acknowledged writes were lost.
/// - `checksum`: covers bytes 4..<32 and the entries, so a torn, stale or damaged frame never passes.
///
/// Frozen: logs outlive the process that wrote them. Never reorder or reuse these fields.
enum LogFrame {
    static let magic: UInt32 = 0x3147_4C54  // "TLG1"
    static let headerSize = 40
    static let sealFlag: UInt32 = 1

    struct Header: Equatable {
        var length: Int
        var first: UInt64
        var count: Int
        var flags: UInt32
        var durableThrough: UInt64
        var checksum: UInt64

        var isSeal: Bool { flags & LogFrame.sealFlag != 0 }
        /// The frame's size on disk, padding included.
        var size: Int { LogFrame.align(LogFrame.headerSize + length) }
        /// The last sequence the frame holds.
        var last: UInt64 { first + UInt64(count) - 1 }
    }

    static func align(_ n: Int) -> Int { (n + 7) & ~7 }

    /// Appends a frame holding `payloads` (the entries from `first` on) to `out`.
    static func append(first: UInt64, payloads: [[UInt8]], durableThrough: UInt64, to out: inout [UInt8]) {
        var body: [UInt8] = []
        body.reserveCapacity(payloads.reduce(0) { $0 + $1.count + 3 })
        for payload in payloads { Varint.writeBytes(payload, into: &body) }
        append(Header(length: body.count, first: first, count: payloads.count, flags: 0, durableThrough: durableThrough, checksum: 0), body, to: &out)
    }

    /// Appends a seal naming the next segment's first sequence.
    static func appendSeal(next: UInt64, durableThrough: UInt64, to out: inout [UInt8]) {
        append(Header(length: 0, first: next, count: 0, flags: sealFlag, durableThrough: durableThrough, checksum: 0), [], to: &out)
    }

    /// The size of a frame of payloads of these sizes.
    static func size(payloadSizes: Int, count: Int) -> Int {
        align(headerSize + payloadSizes + count * 5)
    }

    static let sealSize = align(headerSize)

    private static func append(_ header: Header, _ body: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: header.size))
        out.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress! + start
            base.storeBytes(of: magic.littleEndian, toByteOffset: 0, as: UInt32.self)
            base.storeBytes(of: UInt32(header.length).littleEndian, toByteOffset: 4, as: UInt32.self)
            base.storeBytes(of: header.first.littleEndian, toByteOffset: 8, as: UInt64.self)
            base.storeBytes(of: UInt32(header.count).littleEndian, toByteOffset: 16, as: UInt32.self)
            base.storeBytes(of: header.flags.littleEndian, toByteOffset: 20, as: UInt32.self)
            base.storeBytes(of: header.durableThrough.littleEndian, toByteOffset: 24, as: UInt64.self)
            body.withUnsafeBytes { (base + headerSize).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            let sum = checksum(UnsafeRawBufferPointer(start: base, count: headerSize + header.length))
            base.storeBytes(of: sum.littleEndian, toByteOffset: 32, as: UInt64.self)
        }
    }

    /// The header at the front of `bytes` if a whole, intact frame starts there.
    static func validFrame(_ bytes: UnsafeRawBufferPointer) -> Header? {
        guard let header = header(bytes), header.size <= bytes.count else { return nil }
        let frame = UnsafeRawBufferPointer(rebasing: bytes[0..<(headerSize + header.length)])
        guard checksum(frame) == header.checksum else { return nil }
        if header.isSeal { return header.count == 0 ? header : nil }
        return header.count > 0 ? header : nil
    }

    /// The header fields at the front of `bytes`, unverified; nil without the magic number.
    static func header(_ bytes: UnsafeRawBufferPointer) -> Header? {
        guard bytes.count >= headerSize, bytes.loadUnaligned(as: UInt32.self) == magic.littleEndian else { return nil }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        return Header(length: Int(u32(4)), first: u64(8), count: Int(u32(16)), flags: u32(20), durableThrough: u64(24), checksum: u64(32))
    }

    /// The payloads of a valid frame, in sequence order.
    static func payloads(_ bytes: UnsafeRawBufferPointer, _ header: Header) throws -> [[UInt8]] {
        var reader = Varint.Reader(UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(headerSize + header.length)]))
        var out: [[UInt8]] = []
        out.reserveCapacity(header.count)
        for _ in 0..<header.count { out.append(try reader.bytes()) }
        guard reader.isAtEnd else { throw Varint.Corrupt("log frame longer than its entries") }
        return out
    }

    /// A 64-bit hash, eight bytes at a time (multiply, rotate, xor-fold): it has to catch torn,
    /// stale and damaged frames, not an adversary, and recovery runs it over every byte it reads.
    static func checksum(_ frame: UnsafeRawBufferPointer) -> UInt64 {
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: frame.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        // The header's fields (bytes 4..<32; not the magic, not the checksum), then the entries.
        var h = mix(p1, UInt64(frame.count))
        h = mix(h, u64(0) >> 32 | u64(16) << 32)
        h = mix(h, u64(8))
        h = mix(h, u64(16) >> 32)
        h = mix(h, u64(24))
        var i = headerSize
        while i + 8 <= frame.count {
            h = mix(h, u64(i))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < frame.count {
            tail |= UInt64(frame[i]) << shift
            shift += 8
            i += 1
        }
        h = mix(h, tail)
        h ^= h >> 33
        h = h &* p2
        return h ^ (h >> 29)
    }

    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    @inline(__always)
    private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ (word &* p2)).rotatedLeft(by: 31) &* p1
        return m ^ (m >> 29)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by n: UInt64) -> UInt64 {
        (self << n) | (self >> (64 - n))
    }
}
