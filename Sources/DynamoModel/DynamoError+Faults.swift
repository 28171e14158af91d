/// The service's bad days, for fault injection (`POST /_trident/faults`): the errors an application
/// must survive, with the wire types, statuses and messages DynamoDB sends — so the SDKs classify
/// them as they would (500 and 503 are retried as transient; throttling codes with back-off;
/// a transaction conflict is left to the application).
extension DynamoError {
    public static let injectableCodes = [
        "InternalServerError", "ServiceUnavailable", "ThrottlingException", "ProvisionedThroughputExceededException",
        "RequestLimitExceeded", "TransactionConflictException",
    ]

    /// The error named by its code; nil for a code that is not injectable.
    public static func injected(_ code: String, message: String? = nil) -> DynamoError? {
        let error: DynamoError
        switch code {
        case "InternalServerError": error = .internalServerError()
        case "ServiceUnavailable":
            error = DynamoError(status: 503, type: dynamoNamespace + "ServiceUnavailable", message: "Service Unavailable")
        case "ThrottlingException":
            error = DynamoError(type: "com.amazon.coral.availability#ThrottlingException", message: "Rate of requests exceeds the allowed throughput.")
        case "ProvisionedThroughputExceededException": error = .throughputExceeded
        case "RequestLimitExceeded":
            error = DynamoError(
                type: dynamoNamespace + "RequestLimitExceeded",
                message:
                    "Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase"
            )
        case "TransactionConflictException": error = .transactionConflict
        default: return nil
        }
        guard let message else { return error }
        return DynamoError(status: error.status, type: error.type, message: message)
    }
}
