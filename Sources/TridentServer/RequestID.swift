import NIOCore
import Synchronization

/// Request ids shaped like DynamoDB's (52 characters of A–Z and 0–9): a random per-process prefix and
/// a counter, unique within a run without a random draw per request.
final class RequestIDGenerator: Sendable {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    private static let suffixLength = 13
    private let prefix: [UInt8]
    private let counter = Atomic<UInt64>(0)

    init() {
        var rng = SystemRandomNumberGenerator()
        prefix = (0..<(52 - Self.suffixLength)).map { _ in Self.alphabet[Int(rng.next(upperBound: UInt64(Self.alphabet.count)))] }
    }

    /// Writes the next id (it goes straight into the response head).
    func write(into buffer: inout ByteBuffer) {
        var n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        buffer.writeBytes(prefix)
        var suffix: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &suffix) { digits in
            for i in stride(from: Self.suffixLength - 1, through: 0, by: -1) {
                digits[i] = Self.alphabet[Int(n % 36)]
                n /= 36
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: digits[..<Self.suffixLength]))
        }
    }

    func next() -> String {
        var buffer = ByteBuffer()
        write(into: &buffer)
        return buffer.readString(length: buffer.readableBytes)!
    }
}
