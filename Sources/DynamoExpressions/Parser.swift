import DynamoModel

/// The kinds of expression a request can carry; their names prefix every error message.
public enum ExpressionKind: String, Sendable {
    case update = "UpdateExpression"
    case condition = "ConditionExpression"
    case filter = "FilterExpression"
    case keyCondition = "KeyConditionExpression"
    case projection = "ProjectionExpression"
}

/// Recursive descent over DynamoDB's grammar (syntax only). Precedence, lowest first: OR, AND,
/// NOT, then comparisons / BETWEEN / IN / functions; keywords in any case. Where `(` may open
/// either a condition or an operand, both are tried; a syntax error names the furthest token
/// the parser could not get past, with DynamoDB's `near` context.
public struct Parser {
    public static let maxLength = 4096

    let kind: ExpressionKind
    let source: [UInt8]
    let tokens: [Token]
    private var position = 0
    private var furthest = 0

    /// A token no rule accepts: the message is built by `syntaxError` from the furthest one.
    struct Failure: Error {}

    init(_ text: String, kind: ExpressionKind) throws(DynamoError) {
        self.kind = kind
        source = Array(text.utf8)
        if source.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw ExpressionError.invalid(kind, "The expression can not be empty;")
        }
        if text.count > Self.maxLength {
            throw ExpressionError.invalid(kind, "Expression size has exceeded the maximum allowed size; expression size: \(text.utf8.count)")
        }
        tokens = Lexer.tokens(source)
    }

    // MARK: entry points

    public static func condition(_ text: String, kind: ExpressionKind) throws(DynamoError) -> SyntaxCondition {
        var parser = try Parser(text, kind: kind)
        return try parser.complete { (p: inout Parser) throws in try p.parseCondition() }
    }

    public static func update(_ text: String) throws(DynamoError) -> [SyntaxUpdateSection] {
        var parser = try Parser(text, kind: .update)
        return try parser.complete { (p: inout Parser) throws in try p.parseUpdate() }
    }

    public static func projection(_ text: String) throws(DynamoError) -> [SyntaxPath] {
        var parser = try Parser(text, kind: .projection)
        return try parser.complete { (p: inout Parser) throws in
            var paths = [try p.parsePath()]
            while p.accept(.comma) { paths.append(try p.parsePath()) }
            return paths
        }
    }

    private mutating func complete<T>(_ body: (inout Parser) throws -> T) throws(DynamoError) -> T {
        do {
            let result = try body(&self)
            guard current.kind == .end else { throw fail() }
            return result
        } catch let error as DynamoError {
            throw error
        } catch {
            throw syntaxError()
        }
    }

    // MARK: token handling

    private var current: Token { tokens[position] }

    private func peek(_ offset: Int = 1) -> Token {
        tokens[min(position + offset, tokens.count - 1)]
    }

    private mutating func fail() -> Failure {
        furthest = max(furthest, position)
        return Failure()
    }

    private mutating func accept(_ kind: Token.Kind) -> Bool {
        if current.kind == kind {
            position += 1
            return true
        }
        furthest = max(furthest, position)
        return false
    }

    private mutating func expect(_ kind: Token.Kind) throws -> Token {
        let token = current
        guard accept(kind) else { throw fail() }
        return token
    }

    private func isKeyword(_ keyword: Keyword) -> Bool {
        current.kind == .keyword(keyword)
    }

    /// `Syntax error; token: "X", near: "P X N"` — the offending token with the tokens around it and
    /// the original spacing.
    private func syntaxError() -> DynamoError {
        let index = min(furthest, tokens.count - 1)
        let offending = tokens[index]
        let from = index > 0 ? tokens[index - 1].start : 0
        let to: Int
        if offending.kind == .end {
            to = source.count
        } else if index + 1 < tokens.count, tokens[index + 1].kind != .end {
            to = tokens[index + 1].end
        } else {
            to = source.count
        }
        let near = String(decoding: source[from..<to], as: UTF8.self)
        return ExpressionError.invalid(kind, "Syntax error; token: \"\(offending.text)\", near: \"\(near)\"")
    }

    /// Runs `attempt`; on a syntax failure rewinds and returns nil (the furthest point is kept).
    private mutating func attempt<T>(_ body: (inout Parser) throws -> T) throws -> T? {
        let saved = position
        do {
            return try body(&self)
        } catch is Failure {
            position = saved
            return nil
        }
    }

    // MARK: paths and operands

    mutating func parsePath() throws -> SyntaxPath {
        var elements: [SyntaxPath.Element] = []
        switch current.kind {
        case .identifier: elements.append(.name(current))
        case .nameReference: elements.append(.placeholder(current))
        default: throw fail()
        }
        position += 1
        while true {
            if current.kind == .dot {
                position += 1
                switch current.kind {
                case .identifier: elements.append(.name(current))
                case .nameReference: elements.append(.placeholder(current))
                default: throw fail()
                }
                position += 1
            } else if current.kind == .leftBracket {
                position += 1
                let token = try expect(.index)
                _ = try expect(.rightBracket)
                elements.append(.index(Int(token.text).flatMap { $0 <= Int(Int32.max) ? $0 : nil } ?? -1, token))
            } else {
                furthest = max(furthest, position)
                return SyntaxPath(elements: elements)
            }
        }
    }

    /// An operand, with whether it was wrapped in parentheses (two layers are redundant).
    private mutating func parseOperand() throws -> (SyntaxOperand, parenthesized: Bool) {
        switch current.kind {
        case .leftParen:
            position += 1
            let (inner, wasParenthesized) = try parseOperand()
            _ = try expect(.rightParen)
            if wasParenthesized { throw ExpressionError.invalid(kind, "The expression has redundant parentheses;") }
            return (inner, true)
        case .valueReference:
            position += 1
            return (.value(tokens[position - 1]), false)
        case .identifier where peek().kind == .leftParen:
            return (.function(try parseFunction()), false)
        default:
            return (.path(try parsePath()), false)
        }
    }

    private mutating func parseFunction() throws -> SyntaxFunction {
        let name = try expect(.identifier)
        _ = try expect(.leftParen)
        var arguments = [try parseOperand().0]
        while accept(.comma) { arguments.append(try parseOperand().0) }
        _ = try expect(.rightParen)
        return SyntaxFunction(name: name, arguments: arguments)
    }

    // MARK: conditions

    mutating func parseCondition() throws -> SyntaxCondition {
        try parseOr().0
    }

    private mutating func parseOr() throws -> (SyntaxCondition, parenthesized: Bool) {
        var (left, parenthesized) = try parseAnd()
        while isKeyword(.or) {
            position += 1
            let right = try parseAnd().0
            left = .or(left, right)
            parenthesized = false
        }
        furthest = max(furthest, position)
        return (left, parenthesized)
    }

    private mutating func parseAnd() throws -> (SyntaxCondition, parenthesized: Bool) {
        var (left, parenthesized) = try parseNot()
        while isKeyword(.and) {
            position += 1
            let right = try parseNot().0
            left = .and(left, right)
            parenthesized = false
        }
        furthest = max(furthest, position)
        return (left, parenthesized)
    }

    private mutating func parseNot() throws -> (SyntaxCondition, parenthesized: Bool) {
        if isKeyword(.not) {
            position += 1
            return (.not(try parseNot().0), false)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws -> (SyntaxCondition, parenthesized: Bool) {
        if current.kind == .leftParen {
            // `(` opens either a nested condition or a parenthesized operand of a comparison.
            let grouped = try attempt { (p: inout Parser) throws -> (SyntaxCondition, Bool) in
                p.position += 1
                let (inner, innerParenthesized) = try p.parseOr()
                _ = try p.expect(.rightParen)
                guard !p.startsComparison else { throw p.fail() }
                return (inner, innerParenthesized)
            }
            if let (inner, innerParenthesized) = grouped {
                if innerParenthesized { throw ExpressionError.invalid(kind, "The expression has redundant parentheses;") }
                return (inner, true)
            }
        }
        if current.kind == .identifier && peek().kind == .leftParen {
            let function = try parseFunction()
            if !startsComparison { return (.function(function), false) }
            return (try parseComparison(after: .function(function)), false)
        }
        let left = try parseOperand().0
        return (try parseComparison(after: left), false)
    }

    private var startsComparison: Bool {
        switch current.kind {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        case .keyword(.between), .keyword(.in): true
        default: false
        }
    }

    private mutating func parseComparison(after left: SyntaxOperand) throws -> SyntaxCondition {
        let token = current
        switch token.kind {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            position += 1
            return .comparison(left, token, try parseOperand().0)
        case .keyword(.between):
            position += 1
            let low = try parseOperand().0
            guard isKeyword(.and) else { throw fail() }
            position += 1
            return .between(left, low, try parseOperand().0)
        case .keyword(.in):
            position += 1
            _ = try expect(.leftParen)
            var list = [try parseOperand().0]
            while accept(.comma) { list.append(try parseOperand().0) }
            _ = try expect(.rightParen)
            return .isIn(left, list)
        default:
            throw fail()
        }
    }

    // MARK: update expressions

    mutating func parseUpdate() throws -> [SyntaxUpdateSection] {
        var sections: [SyntaxUpdateSection] = []
        repeat {
            guard case let .keyword(keyword) = current.kind, [.set, .remove, .add, .delete].contains(keyword) else { throw fail() }
            position += 1
            var actions: [SyntaxUpdateAction] = []
            repeat {
                actions.append(try parseUpdateAction(keyword))
            } while accept(.comma)
            sections.append(SyntaxUpdateSection(keyword: keyword, actions: actions))
        } while current.kind != .end
        return sections
    }

    private mutating func parseUpdateAction(_ keyword: Keyword) throws -> SyntaxUpdateAction {
        let path = try parsePath()
        switch keyword {
        case .set:
            _ = try expect(.equal)
            return .set(path, try parseSetValue())
        case .remove:
            return .remove(path)
        case .add:
            return .add(path, try expect(.valueReference))
        default:
            return .delete(path, try expect(.valueReference))
        }
    }

    /// `operand`, `operand + operand`, `operand - operand`, or any of them in one pair of parentheses.
    private mutating func parseSetValue() throws -> SyntaxOperand {
        if current.kind == .leftParen {
            let grouped = try attempt { (p: inout Parser) throws -> SyntaxOperand in
                p.position += 1
                let inner = try p.parseArithmetic()
                _ = try p.expect(.rightParen)
                guard case .arithmetic = inner, p.current.kind != .plus, p.current.kind != .minus else { throw p.fail() }
                return inner
            }
            if let grouped { return grouped }
        }
        return try parseArithmetic()
    }

    private mutating func parseArithmetic() throws -> SyntaxOperand {
        let left = try parseOperand().0
        let token = current
        guard token.kind == .plus || token.kind == .minus else {
            furthest = max(furthest, position)
            return left
        }
        position += 1
        return .arithmetic(left, token, try parseOperand().0)
    }
}
