/// The rule every attribute name a request carries must pass — in items (at any depth),
/// `AttributeUpdates`, `Expected`, `AttributesToGet` and `ExpressionAttributeNames`: not empty, and
/// under 64 KB of UTF-8.
public enum AttributeNames {
    public static let maxBytes = 65_535

    public static let tooLarge = DynamoError.validation("1 validation error detected: Attribute name is too large, must be less than 65536 bytes")
    public static let empty = DynamoError.invalidParameter("Empty attribute name")

    /// What is wrong with `name`, if anything.
    @inline(__always)
    public static func problem(_ name: String) -> DynamoError? {
        let count = name.utf8.count
        if count == 0 { return empty }
        return count > maxBytes ? tooLarge : nil
    }

    public static func check(_ name: String) throws(DynamoError) {
        if let problem = problem(name) { throw problem }
    }
}
