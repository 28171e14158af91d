import Synchronization

/// Request ids shaped like DynamoDB's (52 characters of A–Z and 0–9): a random per-process prefix and
/// a counter, unique within a run without a random draw per request.
final class RequestIDGenerator: Sendable {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    private let prefix: [UInt8]
    private let counter = Atomic<UInt64>(0)

    init() {
        var rng = SystemRandomNumberGenerator()
        prefix = (0..<39).map { _ in Self.alphabet[Int(rng.next(upperBound: UInt64(Self.alphabet.count)))] }
    }

    func next() -> String {
        var n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var out = prefix
        var suffix = [UInt8](repeating: Self.alphabet[0], count: 13)
        for i in stride(from: 12, through: 0, by: -1) {
            suffix[i] = Self.alphabet[Int(n % 36)]
            n /= 36
        }
        out.append(contentsOf: suffix)
        return String(decoding: out, as: UTF8.self)
    }
}
