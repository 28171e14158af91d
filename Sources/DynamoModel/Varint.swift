/// LEB128 varints and length-prefixed byte strings, shared by every stored binary layout.
public enum Varint {
    public static func write(_ value: Int, into out: inout [UInt8]) {
        var v = UInt64(value)
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    public static func writeBytes(_ bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        write(bytes.count, into: &out)
        out.append(contentsOf: bytes)
    }

    /// Stored bytes that do not decode: corruption or a format this build does not know.
    public struct Corrupt: Error, Equatable, Sendable {
        public let reason: String

        public init(_ reason: String) {
            self.reason = reason
        }
    }

    /// Sequential reads over borrowed bytes; every read checks bounds and throws instead of trapping.
    public struct Reader {
        private let storage: UnsafeRawBufferPointer
        private var position = 0

        public init(_ bytes: UnsafeRawBufferPointer) {
            self.storage = bytes
        }

        public var isAtEnd: Bool { position == storage.count }

        public mutating func byte() throws -> UInt8 {
            guard position < storage.count else { throw Corrupt("truncated") }
            defer { position += 1 }
            return storage[position]
        }

        public mutating func varint() throws -> Int {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
                guard shift < 63 else { throw Corrupt("varint too long") }
            }
            guard result <= UInt64(Int.max) else { throw Corrupt("varint too large") }
            return Int(result)
        }

        /// A length or element count: never more than the bytes left, so corrupt input cannot
        /// make a reader reserve absurd amounts of memory.
        public mutating func count() throws -> Int {
            let n = try varint()
            guard n <= storage.count - position else { throw Corrupt("length past the end") }
            return n
        }

        public mutating func slice() throws -> UnsafeRawBufferPointer {
            let count = try count()
            guard position + count <= storage.count else { throw Corrupt("truncated") }
            defer { position += count }
            return UnsafeRawBufferPointer(rebasing: storage[position..<position + count])
        }

        public mutating func bytes() throws -> [UInt8] {
            Array(try slice())
        }

        public mutating func string() throws -> String {
            String(decoding: try slice(), as: UTF8.self)
        }
    }
}
