import CCRC32

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a response body: DynamoDB sends it as
/// `x-amz-crc32`, and the SDKs verify it when present (and retry on a mismatch). It runs over every
/// response: by carry-less multiplication where the CPU has it (`CCRC32`: ~70 ns for 1 KB here),
/// else and for the last few bytes slicing-by-16 (~500-1,000 ns for 1 KB).
enum CRC32 {
    private static let folds = trident_crc32_clmul_available() != 0

    /// Sixteen tables: table k advances a byte's contribution by k more bytes, so sixteen input
    /// bytes are folded in with sixteen independent lookups.
    private static let flat: [UInt32] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 16)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            tables[0][i] = c
        }
        for i in 0..<256 {
            for t in 1..<16 { tables[t][i] = tables[0][Int(tables[t - 1][i] & 0xFF)] ^ (tables[t - 1][i] >> 8) }
        }
        return tables.flatMap { $0 }
    }()

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer, folding: Bool = folds) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        var i = 0
        if folding, bytes.count >= 64 {
            i = bytes.count & ~15
            crc = trident_crc32_clmul(crc, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), i)
        }
        flat.withUnsafeBufferPointer { t in
            let n = bytes.count
            while i + 16 <= n {
                let a = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ UInt64(crc)
                let b = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                var c = t[15 * 256 + Int(a & 0xFF)] ^ t[14 * 256 + Int((a >> 8) & 0xFF)] ^ t[13 * 256 + Int((a >> 16) & 0xFF)]
                c ^= t[12 * 256 + Int((a >> 24) & 0xFF)] ^ t[11 * 256 + Int((a >> 32) & 0xFF)] ^ t[10 * 256 + Int((a >> 40) & 0xFF)]
                c ^= t[9 * 256 + Int((a >> 48) & 0xFF)] ^ t[8 * 256 + Int(a >> 56)] ^ t[7 * 256 + Int(b & 0xFF)]
                c ^= t[6 * 256 + Int((b >> 8) & 0xFF)] ^ t[5 * 256 + Int((b >> 16) & 0xFF)] ^ t[4 * 256 + Int((b >> 24) & 0xFF)]
                c ^= t[3 * 256 + Int((b >> 32) & 0xFF)] ^ t[2 * 256 + Int((b >> 40) & 0xFF)] ^ t[256 + Int((b >> 48) & 0xFF)] ^ t[Int(b >> 56)]
                crc = c
                i += 16
            }
            while i < n {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
