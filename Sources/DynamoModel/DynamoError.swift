/// The one error type of the DynamoDB API. Built only through the named factories in
/// `DynamoError+Messages.swift`, which hold every message text; only the server renders it.
public struct DynamoError: Error, Sendable, Equatable {
    /// HTTP status: 400 for client errors, 500 for server faults (the SDKs retry those).
    public let status: Int
    /// The full wire `__type`, e.g. `com.amazon.coral.validate#ValidationException`.
    public let type: String
    public let message: String
    /// The item returned with a failed condition when `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`.
    public var item: Item?
    /// Why each action of a cancelled transaction did not go through, in request order.
    public var cancellationReasons: [CancellationReason]?

    init(status: Int = 400, type: String, message: String) {
        self.status = status
        self.type = type
        self.message = message
    }

    /// The part after `#`: what the SDKs show as the error code.
    public var code: Substring {
        type.split(separator: "#").last ?? Substring(type)
    }

    static let validateNamespace = "com.amazon.coral.validate#"
    static let serviceNamespace = "com.amazon.coral.service#"
    static let dynamoNamespace = "com.amazonaws.dynamodb.v20120810#"
}
