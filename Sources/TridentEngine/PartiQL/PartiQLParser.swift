import DynamoModel

/// The statements of DynamoDB's PartiQL, parsed into what the translator needs.
enum PartiQLError: Error, Sendable {
    case syntax(String, Int, Int)
    case validation(String)
}

/// A document path: `a.b[2]."c d"`.
struct PartiQLPath: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case name(String)
        case index(Int)
    }

    var steps: [Step]

    /// The top-level attribute it starts with.
    var root: String {
        if case let .name(name) = steps[0] { return name }
        return ""
    }

    var isTopLevel: Bool { steps.count == 1 }
}

/// A literal: values in PartiQL's notation, `?` parameters anywhere inside.
indirect enum PartiQLLiteral: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case missing
    case list([PartiQLLiteral])
    case map([(String, PartiQLLiteral)])
    case set([PartiQLLiteral])
    case parameter(Int)

    static func == (a: PartiQLLiteral, b: PartiQLLiteral) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)), let (.number(x), .number(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case (.null, .null), (.missing, .missing): true
        case let (.list(x), .list(y)), let (.set(x), .set(y)): x == y
        case let (.map(x), .map(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.parameter(x), .parameter(y)): x == y
        default: false
        }
    }
}

indirect enum PartiQLOperand: Sendable, Equatable {
    case path(PartiQLPath)
    case literal(PartiQLLiteral)
    case size(PartiQLPath)
    /// `a + 1`, `a - ?` (UPDATE's SET values).
    case arithmetic(PartiQLOperand, String, PartiQLOperand)
    /// `list_append(a, [1])`, `set_add(a, <<1>>)`, `set_delete(a, <<1>>)`, `if_not_exists(a, 0)` (UPDATE's SET values).
    case function(String, [PartiQLOperand])
}

indirect enum PartiQLCondition: Sendable, Equatable {
    case compare(PartiQLOperand, String, PartiQLOperand)
    case between(PartiQLOperand, PartiQLOperand, PartiQLOperand)
    case inList(PartiQLOperand, [PartiQLOperand])
    case missing(PartiQLPath, negated: Bool)
    case function(String, [PartiQLOperand])
    case and(PartiQLCondition, PartiQLCondition)
    case or(PartiQLCondition, PartiQLCondition)
    case not(PartiQLCondition)

    /// The top-level conjuncts (`a AND (b AND c)` → a, b, c).
    var conjuncts: [PartiQLCondition] {
        if case let .and(a, b) = self { return a.conjuncts + b.conjuncts }
        return [self]
    }
}

enum PartiQLStatement: Sendable {
    case select(projection: [PartiQLPath]?, table: String, index: String?, where: PartiQLCondition?, orderBy: (path: PartiQLPath, descending: Bool)?)
    case insert(table: String, value: PartiQLLiteral)
    case update(table: String, sets: [(path: PartiQLPath, value: PartiQLOperand)], removes: [PartiQLPath], where: PartiQLCondition, returning: String?)
    case delete(table: String, where: PartiQLCondition, returning: String?)
    /// `EXISTS(SELECT * FROM t WHERE …)`: a condition check in ExecuteTransaction.
    case exists(table: String, where: PartiQLCondition)

    var isRead: Bool {
        if case .select = self { return true }
        return false
    }

    var table: String {
        switch self {
        case let .select(_, table, _, _, _), let .insert(table, _), let .update(table, _, _, _, _), let .delete(table, _, _), let .exists(table, _): table
        }
    }
}

struct PartiQLParser {
    private var tokens: [PartiQLToken]
    private var position = 0
    private(set) var parameterCount = 0
    /// Parentheses, NOTs and nested literals open: bounded, so no statement can exhaust the stack.
    private var depth = 0
    static let maxNesting = 100

    /// Statements longer than this are refused (DynamoDB's limit on `Statement`).
    static let maxStatementLength = 8192

    static func parse(_ statement: String) throws(PartiQLError) -> (statement: PartiQLStatement, parameters: Int) {
        var parser = PartiQLParser(tokens: try PartiQLLexer.tokens(statement))
        let parsed = try parser.statement()
        if parser.peek.kind == .symbol && parser.peek.text == ";" { parser.position += 1 }
        guard parser.peek.kind == .end else { throw parser.unexpected() }
        return (parsed, parser.parameterCount)
    }

    private init(tokens: [PartiQLToken]) {
        self.tokens = tokens
    }

    private var peek: PartiQLToken { tokens[position] }

    private func unexpected() -> PartiQLError {
        let token = peek
        let what = token.kind == .end ? "end of statement" : token.kind == .string ? "string '\(token.text)'" : "token '\(token.text)'"
        return .syntax("Unexpected \(what)", token.line, token.column)
    }

    private mutating func enter() throws(PartiQLError) {
        depth += 1
        guard depth <= Self.maxNesting else { throw .syntax("Statement nested more than \(Self.maxNesting) levels deep", peek.line, peek.column) }
    }

    private mutating func next() -> PartiQLToken {
        defer { position += 1 }
        return tokens[position]
    }

    private mutating func keyword(_ word: String) -> Bool {
        guard peek.isKeyword(word) else { return false }
        position += 1
        return true
    }

    private mutating func expect(keyword word: String) throws(PartiQLError) {
        guard keyword(word) else { throw unexpected() }
    }

    private mutating func symbol(_ text: String) -> Bool {
        guard peek.kind == .symbol, peek.text == text else { return false }
        position += 1
        return true
    }

    private mutating func expect(symbol text: String) throws(PartiQLError) {
        guard symbol(text) else { throw unexpected() }
    }

    // MARK: statements

    private mutating func statement() throws(PartiQLError) -> PartiQLStatement {
        if keyword("SELECT") { return try select() }
        if keyword("INSERT") {
            try expect(keyword: "INTO")
            let table = try name()
            try expect(keyword: "VALUE")
            let value = try literal()
            guard case .map = value else { throw .validation("Unsupported operation: INSERT requires a map value: VALUE {...}") }
            return .insert(table: table, value: value)
        }
        if keyword("UPDATE") { return try update() }
        if keyword("DELETE") {
            try expect(keyword: "FROM")
            let table = try name()
            try expect(keyword: "WHERE")
            let condition = try condition()
            return .delete(table: table, where: condition, returning: try returning())
        }
        if keyword("EXISTS") {
            try expect(symbol: "(")
            try expect(keyword: "SELECT")
            guard case let .select(_, table, nil, condition?, nil) = try select() else {
                throw .validation("EXISTS takes a SELECT of a table with a WHERE clause")
            }
            try expect(symbol: ")")
            return .exists(table: table, where: condition)
        }
        throw .syntax("Expected data manipulation", peek.line, peek.column)
    }

    private mutating func select() throws(PartiQLError) -> PartiQLStatement {
        var projection: [PartiQLPath]?
        if !symbol("*") {
            var paths = [try path()]
            while symbol(",") { paths.append(try path()) }
            projection = paths
        }
        try expect(keyword: "FROM")
        let table = try name()
        var index: String?
        if symbol(".") { index = try name() }
        var condition: PartiQLCondition?
        if keyword("WHERE") { condition = try self.condition() }
        var orderBy: (PartiQLPath, Bool)?
        if keyword("ORDER") {
            try expect(keyword: "BY")
            let by = try path()
            let descending = keyword("DESC")
            if !descending { _ = keyword("ASC") }
            orderBy = (by, descending)
        }
        return .select(projection: projection, table: table, index: index, where: condition, orderBy: orderBy)
    }

    private mutating func update() throws(PartiQLError) -> PartiQLStatement {
        let table = try name()
        var sets: [(PartiQLPath, PartiQLOperand)] = []
        var removes: [PartiQLPath] = []
        while true {
            if keyword("SET") {
                repeat {
                    let target = try path()
                    try expect(symbol: "=")
                    sets.append((target, try operand(allowArithmetic: true)))
                } while symbol(",")
            } else if keyword("REMOVE") {
                repeat { removes.append(try path()) } while symbol(",")
            } else {
                break
            }
        }
        guard !sets.isEmpty || !removes.isEmpty else { throw unexpected() }
        try expect(keyword: "WHERE")
        let condition = try condition()
        return .update(table: table, sets: sets, removes: removes, where: condition, returning: try returning())
    }

    /// `RETURNING ALL OLD *` and its kin, as UpdateItem's and DeleteItem's ReturnValues.
    private mutating func returning() throws(PartiQLError) -> String? {
        guard keyword("RETURNING") else { return nil }
        let scope = keyword("ALL") ? "ALL" : keyword("MODIFIED") ? "UPDATED" : nil
        let age = keyword("OLD") ? "OLD" : keyword("NEW") ? "NEW" : nil
        guard let scope, let age else { throw unexpected() }
        try expect(symbol: "*")
        return "\(scope)_\(age)"
    }

    private mutating func name() throws(PartiQLError) -> String {
        let token = peek
        guard token.kind == .quotedName || token.kind == .word else { throw unexpected() }
        position += 1
        return token.text
    }

    private mutating func path() throws(PartiQLError) -> PartiQLPath {
        var steps: [PartiQLPath.Step] = [.name(try name())]
        while true {
            if symbol(".") {
                steps.append(.name(try name()))
            } else if peek.kind == .symbol, peek.text == "[" {
                position += 1
                let token = next()
                guard token.kind == .number, let index = Int(token.text), index >= 0 else {
                    position -= 1
                    throw unexpected()
                }
                try expect(symbol: "]")
                steps.append(.index(index))
            } else {
                return PartiQLPath(steps: steps)
            }
        }
    }

    // MARK: conditions

    private mutating func condition() throws(PartiQLError) -> PartiQLCondition {
        var left = try conjunction()
        while keyword("OR") { left = .or(left, try conjunction()) }
        return left
    }

    private mutating func conjunction() throws(PartiQLError) -> PartiQLCondition {
        var left = try negation()
        while keyword("AND") { left = .and(left, try negation()) }
        return left
    }

    private mutating func negation() throws(PartiQLError) -> PartiQLCondition {
        if keyword("NOT") {
            try enter()
            defer { depth -= 1 }
            return .not(try negation())
        }
        return try predicate()
    }

    private static let functions: Set<String> = ["begins_with", "contains", "attribute_type", "attribute_exists", "attribute_not_exists"]

    private mutating func predicate() throws(PartiQLError) -> PartiQLCondition {
        if peek.kind == .symbol, peek.text == "(" {
            // A parenthesised condition (an operand never starts with a parenthesis here).
            position += 1
            try enter()
            defer { depth -= 1 }
            let inner = try condition()
            try expect(symbol: ")")
            return inner
        }
        if peek.kind == .word, Self.functions.contains(peek.text.lowercased()), tokens[position + 1].text == "(" {
            let function = next().text.lowercased()
            position += 1
            var arguments = [try operand(allowArithmetic: false)]
            while symbol(",") { arguments.append(try operand(allowArithmetic: false)) }
            try expect(symbol: ")")
            return .function(function, arguments)
        }
        let left = try operand(allowArithmetic: false)
        if keyword("IS") {
            let negated = keyword("NOT")
            guard case let .path(path) = left else { throw unexpected() }
            try expect(keyword: "MISSING")
            return .missing(path, negated: negated)
        }
        if keyword("BETWEEN") {
            let low = try operand(allowArithmetic: false)
            try expect(keyword: "AND")
            return .between(left, low, try operand(allowArithmetic: false))
        }
        if keyword("IN") {
            let closing: String
            if symbol("[") { closing = "]" } else if symbol("(") { closing = ")" } else { throw unexpected() }
            var values = [try operand(allowArithmetic: false)]
            while symbol(",") { values.append(try operand(allowArithmetic: false)) }
            try expect(symbol: closing)
            return .inList(left, values)
        }
        let token = peek
        guard token.kind == .symbol, ["=", "<>", "!=", "<", "<=", ">", ">="].contains(token.text) else { throw unexpected() }
        position += 1
        return .compare(left, token.text == "!=" ? "<>" : token.text, try operand(allowArithmetic: false))
    }

    private static let setFunctions: Set<String> = ["list_append", "set_add", "set_delete", "if_not_exists"]

    private mutating func operand(allowArithmetic: Bool) throws(PartiQLError) -> PartiQLOperand {
        try enter()
        defer { depth -= 1 }
        var left: PartiQLOperand
        let token = peek
        if token.kind == .word, token.text.lowercased() == "size", tokens[position + 1].text == "(" {
            position += 2
            let inner = try path()
            try expect(symbol: ")")
            left = .size(inner)
        } else if allowArithmetic, token.kind == .word, Self.setFunctions.contains(token.text.lowercased()), tokens[position + 1].text == "(" {
            position += 2
            var arguments = [try operand(allowArithmetic: true)]
            while symbol(",") { arguments.append(try operand(allowArithmetic: true)) }
            try expect(symbol: ")")
            left = .function(token.text.lowercased(), arguments)
        } else if token.kind == .quotedName || (token.kind == .word && !Self.literalWords.contains(token.text.uppercased())) {
            left = .path(try path())
        } else {
            left = .literal(try literal())
        }
        if allowArithmetic, peek.kind == .symbol, peek.text == "+" || peek.text == "-" {
            let op = next().text
            left = .arithmetic(left, op, try operand(allowArithmetic: false))
        }
        return left
    }

    private static let literalWords: Set<String> = ["TRUE", "FALSE", "NULL", "MISSING"]

    private mutating func literal() throws(PartiQLError) -> PartiQLLiteral {
        try enter()
        defer { depth -= 1 }
        let token = next()
        switch token.kind {
        case .string: return .string(token.text)
        case .number: return .number(token.text)
        case .parameter:
            parameterCount += 1
            return .parameter(parameterCount - 1)
        case .word:
            switch token.text.uppercased() {
            case "TRUE": return .bool(true)
            case "FALSE": return .bool(false)
            case "NULL": return .null
            case "MISSING": return .missing
            default: break
            }
        case .symbol:
            switch token.text {
            case "-":
                let number = next()
                guard number.kind == .number else { break }
                return .number("-" + number.text)
            case "[", "<<":
                let closing = token.text == "[" ? "]" : ">>"
                var items: [PartiQLLiteral] = []
                if !symbol(closing) {
                    repeat { items.append(try literal()) } while symbol(",")
                    try expect(symbol: closing)
                }
                return token.text == "[" ? .list(items) : .set(items)
            case "{":
                var members: [(String, PartiQLLiteral)] = []
                if !symbol("}") {
                    repeat {
                        let key = next()
                        guard key.kind == .string || key.kind == .quotedName else {
                            position -= 1
                            throw unexpected()
                        }
                        try expect(symbol: ":")
                        members.append((key.text, try literal()))
                    } while symbol(",")
                    try expect(symbol: "}")
                }
                return .map(members)
            default: break
            }
        default: break
        }
        position -= 1
        throw unexpected()
    }
}
