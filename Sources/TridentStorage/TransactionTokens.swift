import DynamoModel

/// The `ClientRequestToken`s of recent transactions, in the catalog so a repeat is recognised after
/// a restart and on every zone:
///
///     "x" ‖ token → time of the transaction (Float64 bits, BE) ‖ SHA-256 of its request body
///
/// Written in the same change set as the transaction; records older than the idempotency window
/// are dropped by `forget`.
public enum TransactionTokens {
    static let prefix = UInt8(ascii: "x")

    public struct Record: Sendable, Equatable {
        public let time: Double
        public let fingerprint: [UInt8]

        public init(time: Double, fingerprint: [UInt8]) {
            self.time = time
            self.fingerprint = fingerprint
        }
    }

    static func key(_ token: String) -> [UInt8] {
        [prefix] + Array(token.utf8)
    }

    public static func record(_ reader: StoreReader, token: String) throws -> Record? {
        guard let bytes = try reader.value(.catalog, key(token)), bytes.count >= 8 else { return nil }
        let bits = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Record(time: Double(bitPattern: bits), fingerprint: Array(bytes.dropFirst(8)))
    }

    public static func save(_ record: Record, token: String, into changes: inout ChangeSet) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + record.fingerprint.count)
        BigEndian.append(UInt32(truncatingIfNeeded: record.time.bitPattern >> 32), to: &bytes)
        BigEndian.append(UInt32(truncatingIfNeeded: record.time.bitPattern), to: &bytes)
        bytes.append(contentsOf: record.fingerprint)
        changes.put(.catalog, key(token), bytes)
    }

    /// The tokens recorded before `time`, to delete.
    public static func recordedBefore(_ time: Double, _ reader: StoreReader, limit: Int) throws -> [String] {
        var old: [String] = []
        try reader.walk(.catalog, from: [prefix]) { key, value in
            guard key.first == prefix, old.count < limit else { return false }
            if value.count >= 8, Double(bitPattern: value.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) < time {
                old.append(String(decoding: key.dropFirst(), as: UTF8.self))
            }
            return true
        }
        return old
    }

    public static func forget(_ token: String, into changes: inout ChangeSet) {
        changes.delete(.catalog, key(token))
    }
}
