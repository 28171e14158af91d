import DynamoModel

/// An item as read inside a write transaction: its bytes (copied out of the map, which the same
/// transaction's writes may move) and its size by DynamoDB's rules, measured from them. The
/// attributes are decoded only when asked: a PutItem without a condition or ReturnValues never needs
/// them, and decoding a session item's long string is most of the cost of reading it.
public struct StoredItem: Sendable {
    public let bytes: [UInt8]
    public let size: Int

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        size = try bytes.withUnsafeBytes { try ItemEncoding.size($0) }
    }

    public func item() throws -> Item {
        try ItemEncoding.decode(bytes)
    }

    /// The expiry second its TTL attribute gives, decoding only that attribute.
    public func expiry(attribute: String) throws -> UInt64? {
        let value = try bytes.withUnsafeBytes { try ItemEncoding.attribute(attribute, in: $0) }
        return value.flatMap { ExpiryIndex.expiry(of: [attribute: $0], attribute: attribute) }
    }
}
