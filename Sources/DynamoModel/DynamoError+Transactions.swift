/// One action's part in a cancelled transaction: `None` for an action that would have gone
/// through, else why it did not (with the item when `ReturnValuesOnConditionCheckFailure` asked).
public struct CancellationReason: Sendable, Equatable {
    public let code: String
    public let message: String?
    public var item: Item?

    public init(code: String, message: String?, item: Item? = nil) {
        self.code = code
        self.message = message
        self.item = item
    }

    public static let none = CancellationReason(code: "None", message: nil)

    public static func conditionalCheckFailed(item: Item?) -> CancellationReason {
        CancellationReason(code: "ConditionalCheckFailed", message: "The conditional request failed", item: item)
    }

    public static let transactionConflict = CancellationReason(
        code: "TransactionConflict", message: "Transaction is ongoing for the item")

    public static let throughputExceeded = CancellationReason(
        code: "ProvisionedThroughputExceeded",
        message:
            "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
    )

    public static let indexThroughputExceeded = CancellationReason(
        code: "ProvisionedThroughputExceeded",
        message:
            "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API"
    )

    public static var itemCollectionSizeLimitExceeded: CancellationReason {
        CancellationReason(code: "ItemCollectionSizeLimitExceeded", message: "Collection size exceeded")
    }

    public static func validationError(_ error: DynamoError) -> CancellationReason {
        CancellationReason(code: "ValidationError", message: error.message)
    }
}

extension DynamoError {
    public static func transactionCanceled(_ reasons: [CancellationReason]) -> DynamoError {
        var error = DynamoError(
            type: dynamoNamespace + "TransactionCanceledException",
            message:
                "Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons.map(\.code).joined(separator: ", "))]")
        error.cancellationReasons = reasons
        return error
    }

    public static let transactionConflict = DynamoError(
        type: dynamoNamespace + "TransactionConflictException", message: "Transaction is ongoing for the item")

    public static let transactionInProgress = DynamoError(
        type: dynamoNamespace + "TransactionInProgressException", message: "Transaction from previous request is still in progress")

    public static let idempotentParameterMismatch = DynamoError(
        type: dynamoNamespace + "IdempotentParameterMismatchException",
        message:
            "DynamoDB rejected the request because you retried a request with a different payload but with an idempotent token that was already used."
    )

    public static let transactionTooLarge = validation(
        "Transaction request size cannot exceed 4 MB: the transaction payload is over the limit")

    public static let multipleOperationsOnOneItem = validation("Transaction request cannot include multiple operations on one item")
}

// MARK: streams

extension DynamoError {
    public static func streamNotFound(_ arn: String) -> DynamoError {
        DynamoError(type: dynamoNamespace + "ResourceNotFoundException", message: "Requested resource not found: Stream: \(arn) not found")
    }

    public static func shardNotFound(_ shard: String, arn: String) -> DynamoError {
        DynamoError(
            type: dynamoNamespace + "ResourceNotFoundException",
            message: "Requested resource not found: Shard does not exist")
    }

    public static let trimmedData = DynamoError(
        type: dynamoNamespace + "TrimmedDataAccessException",
        message: "The data you are trying to access has been trimmed")

    public static let expiredIterator = DynamoError(
        type: dynamoNamespace + "ExpiredIteratorException", message: "The provided iterator exceeds the maximum age allowed.")
}

// MARK: tags and backups

extension DynamoError {
    /// A ResourceNotFoundException with its own message.
    public init(resourceNotFound message: String) {
        self.init(type: Self.dynamoNamespace + "ResourceNotFoundException", message: message)
    }

    public static func tableNotFoundForBackups(_ name: String) -> DynamoError {
        DynamoError(type: dynamoNamespace + "TableNotFoundException", message: "Table not found: \(name)")
    }
}
