/// MD5 (RFC 1321), used only to spread partition keys over the key space, as DynamoDB does:
/// it gives Scan its unordered-looking order and parallel-scan segments as hash ranges.
/// Not used for anything that needs collision resistance against an adversary.
enum MD5 {
    /// floor(abs(sin(i + 1)) × 2^32), the RFC's table.
    private static let constants: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]

    static func digest<Bytes: Collection<UInt8>>(_ input: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        digest(input, appendingTo: &out)
        return out
    }

    /// Appends the 16-byte digest of `input` to `out` (a storage key being built, without a
    /// separate array for the digest).
    static func digest<Bytes: Collection<UInt8>>(_ input: Bytes, appendingTo out: inout [UInt8]) {
        // Padded message: the input, 0x80, zeros to 56 mod 64, then the bit length (little-endian).
        let length = input.count
        let padded = (length + 8) / 64 * 64 + 64
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: padded) { message in
            _ = message.initialize(fromContentsOf: input)
            message[length] = 0x80
            for i in (length + 1)..<padded { message[i] = 0 }
            let bitLength = UInt64(length) &* 8
            for i in 0..<8 { message[padded - 8 + i] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i))) }
            digest(padded: UnsafeBufferPointer(message), appendingTo: &out)
        }
    }

    private static func digest(padded message: UnsafeBufferPointer<UInt8>, appendingTo out: inout [UInt8]) {
        var a0: UInt32 = 0x6745_2301, b0: UInt32 = 0xefcd_ab89, c0: UInt32 = 0x98ba_dcfe, d0: UInt32 = 0x1032_5476
        let raw = UnsafeRawBufferPointer(message)
        constants.withUnsafeBufferPointer { k in
            for chunk in stride(from: 0, to: message.count, by: 64) {
                var a = a0, b = b0, c = c0, d = d0
                // Shift amounts as literals (the RFC's per-round table), so each rotation is one
                // instruction; the four rounds apart, so each loop has one function and word order.
                @inline(__always) func step(_ f: UInt32, _ i: Int, _ g: Int, _ s: UInt32) {
                    let sum = f &+ a &+ k[i] &+ UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: chunk + g * 4, as: UInt32.self))
                    a = d
                    d = c
                    c = b
                    b = b &+ (sum << s | sum >> (32 - s))
                }
                for i in stride(from: 0, to: 16, by: 4) {
                    step((b & c) | (~b & d), i, i, 7)
                    step((b & c) | (~b & d), i + 1, i + 1, 12)
                    step((b & c) | (~b & d), i + 2, i + 2, 17)
                    step((b & c) | (~b & d), i + 3, i + 3, 22)
                }
                for i in stride(from: 16, to: 32, by: 4) {
                    step((d & b) | (~d & c), i, (5 * i + 1) & 15, 5)
                    step((d & b) | (~d & c), i + 1, (5 * i + 6) & 15, 9)
                    step((d & b) | (~d & c), i + 2, (5 * i + 11) & 15, 14)
                    step((d & b) | (~d & c), i + 3, (5 * i + 16) & 15, 20)
                }
                for i in stride(from: 32, to: 48, by: 4) {
                    step(b ^ c ^ d, i, (3 * i + 5) & 15, 4)
                    step(b ^ c ^ d, i + 1, (3 * i + 8) & 15, 11)
                    step(b ^ c ^ d, i + 2, (3 * i + 11) & 15, 16)
                    step(b ^ c ^ d, i + 3, (3 * i + 14) & 15, 23)
                }
                for i in stride(from: 48, to: 64, by: 4) {
                    step(c ^ (b | ~d), i, (7 * i) & 15, 6)
                    step(c ^ (b | ~d), i + 1, (7 * i + 7) & 15, 10)
                    step(c ^ (b | ~d), i + 2, (7 * i + 14) & 15, 15)
                    step(c ^ (b | ~d), i + 3, (7 * i + 21) & 15, 21)
                }
                a0 = a0 &+ a
                b0 = b0 &+ b
                c0 = c0 &+ c
                d0 = d0 &+ d
            }
        }
        for word in [a0, b0, c0, d0] {
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
    }
}
