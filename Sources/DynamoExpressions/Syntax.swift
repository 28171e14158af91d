/// The parse tree: exactly what the text says, placeholders unresolved. The resolver checks it
/// against DynamoDB's rules and turns it into the evaluable AST (`AST.swift`).
public struct SyntaxPath: Sendable {
    public enum Element: Sendable {
        /// A bare attribute name (checked against the reserved words).
        case name(Token)
        /// `#name`, resolved through ExpressionAttributeNames.
        case placeholder(Token)
        /// `[n]`.
        case index(Int, Token)
    }

    public var elements: [Element]
}

public struct SyntaxFunction: Sendable {
    public let name: Token
    public let arguments: [SyntaxOperand]
}

public indirect enum SyntaxOperand: Sendable {
    case path(SyntaxPath)
    /// `:value`.
    case value(Token)
    case function(SyntaxFunction)
    /// `a + b` or `a - b` (update expressions only).
    case arithmetic(SyntaxOperand, Token, SyntaxOperand)
}

public indirect enum SyntaxCondition: Sendable {
    case comparison(SyntaxOperand, Token, SyntaxOperand)
    case between(SyntaxOperand, SyntaxOperand, SyntaxOperand)
    case isIn(SyntaxOperand, [SyntaxOperand])
    case function(SyntaxFunction)
    case not(SyntaxCondition)
    case and(SyntaxCondition, SyntaxCondition)
    case or(SyntaxCondition, SyntaxCondition)
}

public enum SyntaxUpdateAction: Sendable {
    case set(SyntaxPath, SyntaxOperand)
    case remove(SyntaxPath)
    case add(SyntaxPath, Token)
    case delete(SyntaxPath, Token)
}

public struct SyntaxUpdateSection: Sendable {
    public let keyword: Keyword
    public let actions: [SyntaxUpdateAction]
}
