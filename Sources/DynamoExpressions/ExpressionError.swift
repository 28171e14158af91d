import DynamoModel

/// Messages of the expression language. Expression errors read `Invalid <Kind>: <message>`, with
/// ` key: value` details separated by commas after a `;` — DynamoDB's own construction.
public enum ExpressionError {
    public static func invalid(_ kind: ExpressionKind, _ message: String) -> DynamoError {
        .validation("Invalid \(kind.rawValue): \(message)")
    }

    static func reservedWord(_ kind: ExpressionKind, _ word: String) -> DynamoError {
        invalid(kind, "Attribute name is a reserved keyword; reserved keyword: \(word)")
    }

    static func undefinedName(_ kind: ExpressionKind, _ name: String) -> DynamoError {
        invalid(kind, "An expression attribute name used in the document path is not defined; attribute name: \(name)")
    }

    static func undefinedValue(_ kind: ExpressionKind, _ name: String) -> DynamoError {
        invalid(kind, "An expression attribute value used in expression is not defined; attribute value: \(name)")
    }

    static func operandCount(_ kind: ExpressionKind, _ function: String, _ count: Int) -> DynamoError {
        invalid(kind, "Incorrect number of operands for operator or function; operator or function: \(function), number of operands: \(count)")
    }

    static func operandType(_ kind: ExpressionKind, _ function: String, _ type: AttributeType) -> DynamoError {
        invalid(kind, "Incorrect operand type for operator or function; operator or function: \(function), operand type: \(type.rawValue)")
    }

    static func overlap(_ kind: ExpressionKind, _ one: DocumentPath, _ two: DocumentPath) -> DynamoError {
        invalid(kind, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: \(one), path two: \(two)")
    }

    static func conflict(_ kind: ExpressionKind, _ one: DocumentPath, _ two: DocumentPath) -> DynamoError {
        invalid(kind, "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: \(one), path two: \(two)")
    }

    // MARK: evaluation (no `Invalid …:` prefix)

    public static let missingAttribute = DynamoError.validation("The provided expression refers to an attribute that does not exist in the item")
    public static let incorrectDataType = DynamoError.validation("An operand in the update expression has an incorrect data type")
    public static let invalidPathForUpdate = DynamoError.validation("The document path provided in the update expression is invalid for update")
    public static let legacyTypeMismatch = DynamoError.validation("Type mismatch for attribute to update")
}
