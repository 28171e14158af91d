/// Every DynamoDB error Trident can answer, with DynamoDB's own wording (as asserted against the
/// real service by dynalite's and Alternator's suites). Oddities such as "An string set  may not be
/// empty" (two spaces) and "limit of2048 bytes" are the service's, kept on purpose.
extension DynamoError {
    // MARK: protocol

    /// Unknown or missing `X-Amz-Target`: DynamoDB sends no message.
    public static let unknownOperation = DynamoError(type: serviceNamespace + "UnknownOperationException", message: "")

    /// Unparseable JSON or an empty body: DynamoDB sends no message.
    public static let malformedBody = DynamoError(type: serviceNamespace + "SerializationException", message: "")

    /// A member of the wrong JSON type (`NUMBER_VALUE cannot be converted to String`).
    public static func serialization(_ message: String) -> DynamoError {
        DynamoError(type: serviceNamespace + "SerializationException", message: message)
    }

    public static func internalServerError(_ message: String = "Internal server error") -> DynamoError {
        DynamoError(status: 500, type: dynamoNamespace + "InternalServerError", message: message)
    }

    // MARK: signatures (`--auth sigv4`)

    public static let missingAuthenticationToken = DynamoError(
        type: serviceNamespace + "MissingAuthenticationTokenException", message: "Request is missing Authentication Token")

    public static let unrecognizedClient = DynamoError(
        type: serviceNamespace + "UnrecognizedClientException", message: "The security token included in the request is invalid.")

    public static let signatureMismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    public static func invalidSignature(_ message: String) -> DynamoError {
        DynamoError(type: serviceNamespace + "InvalidSignatureException", message: message)
    }

    public static func incompleteSignature(_ authorization: String) -> DynamoError {
        DynamoError(
            type: serviceNamespace + "IncompleteSignatureException",
            message:
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters and an X-Amz-Date header. Authorization=\(authorization)"
        )
    }

    // MARK: validation

    public static func validation(_ message: String) -> DynamoError {
        DynamoError(type: validateNamespace + "ValidationException", message: message)
    }

    /// "N validation errors detected: …; …", at most ten listed.
    public static func constraints(_ violations: [String]) -> DynamoError {
        let listed = violations.prefix(10)
        let count = listed.count
        let noun = count == 1 ? "error" : "errors"
        return validation("\(count) validation \(noun) detected: " + listed.joined(separator: "; "))
    }

    public static func tableNameRequired() -> DynamoError {
        validation("The parameter 'TableName' is required but was not present in the request")
    }

    public static func tableNameLength() -> DynamoError {
        validation("TableName must be at least 3 characters long and at most 255 characters long")
    }

    public static func invalidParameter(_ detail: String) -> DynamoError {
        validation("One or more parameter values were invalid: " + detail)
    }

    // MARK: attribute values

    public static let emptyAttributeValue = validation(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    public static let multipleDatatypes = validation(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
    public static let nullMustBeTrue = invalidParameter("Null attribute value types must have the value of true")
    public static let emptyStringSet = invalidParameter("An string set  may not be empty")
    public static let emptyNumberSet = invalidParameter("An number set  may not be empty")
    public static let emptyBinarySet = invalidParameter("Binary sets should not be empty")
    public static let numberSetDuplicates = validation("Input collection contains duplicates")

    public static func stringSetDuplicates(_ members: [String]) -> DynamoError {
        invalidParameter("Input collection [\(members.joined(separator: ", "))] contains duplicates.")
    }

    public static func binarySetDuplicates(_ base64Members: [String]) -> DynamoError {
        invalidParameter("Input collection [\(base64Members.joined(separator: ", "))]of type BS contains duplicates.")
    }

    public static func numberNotNumeric(_ text: String) -> DynamoError {
        text.isEmpty
            ? validation("The parameter cannot be converted to a numeric value")
            : validation("The parameter cannot be converted to a numeric value: \(text)")
    }

    public static let numberTooPrecise = validation("Attempting to store more than 38 significant digits in a Number")
    public static let numberOverflow = validation("Number overflow. Attempting to store a number with magnitude larger than supported range")
    public static let numberUnderflow = validation(
        "Number underflow. Attempting to store a number with magnitude smaller than supported range")

    public static func number(_ failure: DynamoNumber.Failure, text: String) -> DynamoError {
        switch failure {
        case .notANumber: numberNotNumeric(text)
        case .overflow: numberOverflow
        case .underflow: numberUnderflow
        case .tooPrecise: numberTooPrecise
        }
    }

    public static let nestingTooDeep = validation(
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")

    public static let itemTooLarge = validation("Item size has exceeded the maximum allowed size")

    // MARK: keys

    public static func missingKey(_ name: String) -> DynamoError {
        invalidParameter("Missing the key \(name) in the item")
    }

    public static func keyTypeMismatch(_ name: String, expected: ScalarAttributeType, actual: AttributeType) -> DynamoError {
        invalidParameter("Type mismatch for key \(name) expected: \(expected.rawValue) actual: \(actual.rawValue)")
    }

    public static let keyDoesNotMatchSchema = validation("The provided key element does not match the schema")

    public static func emptyKeyValue(_ name: String, binary: Bool) -> DynamoError {
        validation(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
                + (binary ? "binary" : "string") + " value. Key: \(name)")
    }

    public static func indexKeyTypeMismatch(_ name: String, expected: ScalarAttributeType, actual: AttributeType, index: String) -> DynamoError {
        invalidParameter("Type mismatch for Index Key \(name) Expected: \(expected.rawValue) Actual: \(actual.rawValue) IndexName: \(index)")
    }

    /// An empty string or binary as an index key: worded differently for an item and for an update.
    public static func emptyIndexKeyValue(_ name: String, binary: Bool, index: String, byUpdate: Bool) -> DynamoError {
        let kind = binary ? "binary" : "string"
        if byUpdate {
            return validation(
                "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty \(kind) value."
            )
        }
        return validation(
            "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty \(kind) value. IndexName: \(index), IndexKey: \(name)"
        )
    }

    public static func indexKeyPath(_ name: String) -> DynamoError {
        validation("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: \(name)")
    }

    public static let partitionKeyTooLong = invalidParameter("Size of hashkey has exceeded the maximum size limit of2048 bytes")
    public static let sortKeyTooLong = invalidParameter("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")

    // MARK: tables

    /// Data-plane operations name no table in their not-found message.
    public static let resourceNotFound = DynamoError(
        type: dynamoNamespace + "ResourceNotFoundException", message: "Requested resource not found")

    public static func indexNotFound(_ index: String, table: String) -> DynamoError {
        DynamoError(type: resourceNotFound.type, message: "Requested resource not found: Index \(index) for table \(table)")
    }

    public static func tableNotFound(_ name: String) -> DynamoError {
        DynamoError(type: dynamoNamespace + "ResourceNotFoundException", message: "Requested resource not found: Table: \(name) not found")
    }

    public static func tableAlreadyExists(_ name: String) -> DynamoError {
        DynamoError(type: dynamoNamespace + "ResourceInUseException", message: "Table already exists: \(name)")
    }

    public static let returnValuesAllOldOrNone = validation("ReturnValues can only be ALL_OLD or NONE")

    // MARK: conditions and capacity

    public static func conditionalCheckFailed(item: Item? = nil) -> DynamoError {
        var error = DynamoError(type: dynamoNamespace + "ConditionalCheckFailedException", message: "The conditional request failed")
        error.item = item
        return error
    }

    public static let throughputExceeded = DynamoError(
        type: dynamoNamespace + "ProvisionedThroughputExceededException",
        message:
            "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
    )

    public static let indexThroughputExceeded = DynamoError(
        type: dynamoNamespace + "ProvisionedThroughputExceededException",
        message:
            "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API"
    )

    public static func itemCollectionTooLarge(limitBytes: Int) -> DynamoError {
        let limit = limitBytes % (1 << 30) == 0 ? "\(limitBytes >> 30) gigabytes" : "\(limitBytes >> 20) megabytes"
        return DynamoError(
            type: dynamoNamespace + "ItemCollectionSizeLimitExceededException",
            message: "Item collection size limit exceeded: the total size of an item collection has exceeded the maximum limit of \(limit)")
    }

    public static func limitExceeded(_ message: String) -> DynamoError {
        DynamoError(type: dynamoNamespace + "LimitExceededException", message: message)
    }

    public static func resourceInUse(_ message: String) -> DynamoError {
        DynamoError(type: dynamoNamespace + "ResourceInUseException", message: message)
    }

    /// The zones cannot serve the request (too many stopped): a 500 the SDKs retry.
    public static let unavailable = internalServerError("Internal server error: too few availability zones are up to serve the request")
    /// Trident's own: the disk cannot hold the write (SDKs retry a 500; the message says why it persists).
    public static let diskFull = internalServerError(
        "Internal server error: the disk is full, so the write cannot be made durable; nothing was written")
}

/// The constraint clauses of "N validation errors detected" messages.
public enum Constraint {
    public static func notNull(_ path: String) -> String {
        "Value null at '\(path)' failed to satisfy constraint: Member must not be null"
    }

    public static func pattern(_ value: String, _ path: String, _ pattern: String = "[a-zA-Z0-9_.-]+") -> String {
        "Value '\(value)' at '\(path)' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)"
    }

    public static func minLength(_ value: String, _ path: String, _ min: Int) -> String {
        "Value '\(value)' at '\(path)' failed to satisfy constraint: Member must have length greater than or equal to \(min)"
    }

    public static func maxLength(_ value: String, _ path: String, _ max: Int) -> String {
        "Value '\(value)' at '\(path)' failed to satisfy constraint: Member must have length less than or equal to \(max)"
    }

    public static func minValue(_ value: String, _ path: String, _ min: Int) -> String {
        "Value '\(value)' at '\(path)' failed to satisfy constraint: Member must have value greater than or equal to \(min)"
    }

    public static func maxValue(_ value: String, _ path: String, _ max: Int) -> String {
        "Value '\(value)' at '\(path)' failed to satisfy constraint: Member must have value less than or equal to \(max)"
    }

    public static func enumeration(_ value: String, _ path: String, _ allowed: [String]) -> String {
        "Value '\(value)' at '\(path)' failed to satisfy constraint: Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]"
    }
}
