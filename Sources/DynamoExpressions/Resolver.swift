import DynamoModel

/// Turns parsed expressions into evaluable ones for one request, checking them the way DynamoDB
/// does and in its order: after parsing, a walk in source order (reserved words, function names
/// and where functions may appear, repeated update sections), then a validation pass (path depth,
/// undefined placeholders, operand counts and types, distinct operands, operator limits, path
/// overlaps). It records which placeholders the request's expressions used, so unused ones can be
/// reported once every expression is resolved.
public struct ExpressionResolver {
    public let names: [String: String]
    public let values: [String: AttributeValue]
    public private(set) var usedNames: Set<String> = []
    public private(set) var usedValues: Set<String> = []

    public static let maxPathDepth = 32
    public static let maxInOperands = 100
    public static let maxOperators = 300

    public init(names: [String: String]?, values: [String: AttributeValue]?) {
        self.names = names ?? [:]
        self.values = values ?? [:]
    }

    // MARK: entry points

    static let conditions = SyntaxCache<SyntaxCondition>()
    static let updates = SyntaxCache<[SyntaxUpdateSection]>()
    static let projections = SyntaxCache<[SyntaxPath]>()

    public mutating func condition(_ text: String, kind: ExpressionKind) throws(DynamoError) -> Condition {
        let syntax = try Self.conditions.syntax(kind, text) { () throws(DynamoError) in
            let syntax = try Parser.condition(text, kind: kind)
            try Walk(kind: kind).condition(syntax)
            return syntax
        }
        var operators = 0
        let resolved = try resolve(syntax, kind: kind, operators: &operators)
        if operators > Self.maxOperators {
            throw ExpressionError.invalid(kind, "The expression contains too many operators; operator count: \(operators)")
        }
        return resolved
    }

    public mutating func update(_ text: String) throws(DynamoError) -> Update {
        let sections = try Self.updates.syntax(.update, text) { () throws(DynamoError) in
            let sections = try Parser.update(text)
            try Walk(kind: .update).update(sections)
            return sections
        }
        var actions: [UpdateAction] = []
        var trie = PathTrie()
        var operators = 0
        for section in sections {
            for action in section.actions {
                let resolved = try resolve(action, operators: &operators)
                switch trie.insert(resolved.path) {
                case let .overlap(existing)?: throw ExpressionError.overlap(.update, resolved.path, existing)
                case let .conflict(existing)?: throw ExpressionError.conflict(.update, resolved.path, existing)
                case nil: actions.append(resolved)
                }
            }
        }
        if operators > Self.maxOperators {
            throw ExpressionError.invalid(.update, "The expression contains too many operators; operator count: \(operators)")
        }
        return Update(actions: actions)
    }

    public mutating func projection(_ text: String) throws(DynamoError) -> [DocumentPath] {
        let syntax = try Self.projections.syntax(.projection, text) { () throws(DynamoError) in
            let syntax = try Parser.projection(text)
            let walk = Walk(kind: .projection)
            for path in syntax { try walk.path(path) }
            return syntax
        }
        var trie = PathTrie()
        var paths: [DocumentPath] = []
        for path in syntax {
            let resolved = try resolve(path, kind: .projection)
            switch trie.insert(resolved) {
            case let .overlap(existing)?: throw ExpressionError.overlap(.projection, resolved, existing)
            case let .conflict(existing)?: throw ExpressionError.conflict(.projection, resolved, existing)
            case nil: paths.append(resolved)
            }
        }
        return paths
    }

    /// `Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}`, then values.
    public func checkUnused() throws(DynamoError) {
        let unusedNames = names.keys.filter { !usedNames.contains($0) }.sorted()
        if !unusedNames.isEmpty {
            throw DynamoError.validation(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {\(unusedNames.joined(separator: ", "))}")
        }
        let unusedValues = values.keys.filter { !usedValues.contains($0) }.sorted()
        if !unusedValues.isEmpty {
            throw DynamoError.validation(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {\(unusedValues.joined(separator: ", "))}")
        }
    }

    // MARK: paths and values

    mutating func resolve(_ path: SyntaxPath, kind: ExpressionKind) throws(DynamoError) -> DocumentPath {
        if path.elements.count > Self.maxPathDepth {
            throw ExpressionError.invalid(kind, "The document path has too many nesting levels; nesting levels: \(path.elements.count)")
        }
        var elements: [PathElement] = []
        for element in path.elements {
            switch element {
            case let .name(token):
                elements.append(.attribute(token.text))
            case let .placeholder(token):
                guard let name = names[token.text] else { throw ExpressionError.undefinedName(kind, token.text) }
                usedNames.insert(token.text)
                elements.append(.attribute(name))
            case let .index(i, token):
                guard i >= 0 else { throw ExpressionError.invalid(kind, "List index is not within the allowable range; index: [\(token.text)]") }
                elements.append(.index(i))
            }
        }
        return DocumentPath(elements)
    }

    private mutating func resolveValue(_ token: Token, kind: ExpressionKind) throws(DynamoError) -> AttributeValue {
        guard let value = values[token.text] else { throw ExpressionError.undefinedValue(kind, token.text) }
        usedValues.insert(token.text)
        return value
    }

    /// Resolves an operand (its children first), then checks the operator or function it is.
    mutating func resolve(_ operand: SyntaxOperand, kind: ExpressionKind, operators: inout Int) throws(DynamoError) -> Operand {
        switch operand {
        case let .path(path):
            return .path(try resolve(path, kind: kind))
        case let .value(token):
            return .value(try resolveValue(token, kind: kind))
        case let .arithmetic(left, op, right):
            operators += 1
            let l = try resolve(left, kind: kind, operators: &operators)
            let r = try resolve(right, kind: kind, operators: &operators)
            for side in [l, r] {
                if let type = Self.staticType(side), type != .number { throw ExpressionError.operandType(kind, op.text, type) }
            }
            return op.kind == .plus ? .add(l, r) : .subtract(l, r)
        case let .function(function):
            operators += 1
            var arguments: [Operand] = []
            for argument in function.arguments { arguments.append(try resolve(argument, kind: kind, operators: &operators)) }
            let name = function.name.text
            let expected = name == "size" ? 1 : 2
            guard arguments.count == expected else { throw ExpressionError.operandCount(kind, name, arguments.count) }
            switch name {
            case "size":
                if let type = Self.staticType(arguments[0]), ![.string, .binary, .stringSet, .numberSet, .binarySet, .list, .map].contains(type) {
                    throw ExpressionError.operandType(kind, name, type)
                }
                return .size(arguments[0])
            case "list_append":
                for argument in arguments {
                    if let type = Self.staticType(argument), type != .list { throw ExpressionError.operandType(kind, name, type) }
                }
                return .listAppend(arguments[0], arguments[1])
            default:  // if_not_exists (the walk admitted nothing else here)
                guard case let .path(path) = arguments[0] else {
                    throw ExpressionError.invalid(kind, "Operator or function requires a document path; operator or function: \(name)")
                }
                return .ifNotExists(path, arguments[1])
            }
        }
    }

    /// The type an operand is known to have before any item is read (literals, size, list_append).
    static func staticType(_ operand: Operand) -> AttributeType? {
        switch operand {
        case let .value(v): v.type
        case .size, .add, .subtract: .number
        case .listAppend: .list
        case .path, .ifNotExists: nil
        }
    }

    // MARK: conditions

    mutating func resolve(_ condition: SyntaxCondition, kind: ExpressionKind, operators: inout Int) throws(DynamoError) -> Condition {
        switch condition {
        case let .and(l, r):
            operators += 1
            return .and(try resolve(l, kind: kind, operators: &operators), try resolve(r, kind: kind, operators: &operators))
        case let .or(l, r):
            operators += 1
            return .or(try resolve(l, kind: kind, operators: &operators), try resolve(r, kind: kind, operators: &operators))
        case let .not(inner):
            operators += 1
            return .not(try resolve(inner, kind: kind, operators: &operators))
        case let .comparison(left, op, right):
            operators += 1
            let l = try resolve(left, kind: kind, operators: &operators)
            let r = try resolve(right, kind: kind, operators: &operators)
            let comparator = Comparator(rawValue: op.text)!
            if comparator != .equal && comparator != .notEqual {
                try Self.requireScalar([l, r], kind: kind, operatorName: op.text)
            }
            try Self.requireDistinct(l, [r], kind: kind, operatorName: op.text)
            return .comparison(comparator, l, r)
        case let .between(value, low, high):
            operators += 1
            let v = try resolve(value, kind: kind, operators: &operators)
            let lo = try resolve(low, kind: kind, operators: &operators)
            let hi = try resolve(high, kind: kind, operators: &operators)
            try Self.requireScalar([v, lo, hi], kind: kind, operatorName: "BETWEEN")
            try Self.requireDistinct(v, [lo, hi], kind: kind, operatorName: "BETWEEN")
            if case let .value(a) = lo, case let .value(b) = hi {
                guard a.type == b.type else {
                    throw ExpressionError.invalid(
                        kind,
                        "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: \(Self.render(a)), upper bound operand: AttributeValue: \(Self.render(b))"
                    )
                }
                if Evaluator.order(a, b) == 1 {
                    throw ExpressionError.invalid(
                        kind,
                        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: \(Self.render(a)), upper bound operand: AttributeValue: \(Self.render(b))"
                    )
                }
            }
            return .between(v, lo, hi)
        case let .isIn(value, list):
            operators += 1
            let v = try resolve(value, kind: kind, operators: &operators)
            var candidates: [Operand] = []
            for item in list { candidates.append(try resolve(item, kind: kind, operators: &operators)) }
            try Self.requireDistinct(v, candidates, kind: kind, operatorName: "IN")
            if candidates.count > Self.maxInOperands {
                throw ExpressionError.invalid(kind, "The IN operator is provided with too many operands; number of operands: \(candidates.count)")
            }
            return .isIn(v, candidates)
        case let .function(function):
            operators += 1
            var arguments: [Operand] = []
            for argument in function.arguments { arguments.append(try resolve(argument, kind: kind, operators: &operators)) }
            let name = function.name.text
            let expected = name == "attribute_exists" || name == "attribute_not_exists" ? 1 : 2
            guard arguments.count == expected else { throw ExpressionError.operandCount(kind, name, arguments.count) }
            switch name {
            case "attribute_exists", "attribute_not_exists":
                guard case let .path(path) = arguments[0] else {
                    throw ExpressionError.invalid(kind, "Operator or function requires a document path; operator or function: \(name)")
                }
                return name == "attribute_exists" ? .attributeExists(path) : .attributeNotExists(path)
            case "attribute_type":
                // The type must be a value placeholder, whatever item the condition would meet.
                guard case .value = arguments[1] else {
                    throw ExpressionError.invalid(
                        kind,
                        "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {S,SS,N,NS,B,BS,BOOL,NULL,L,M,HD,DOUBLE,FLOAT,HDS,FS,DOUBLESET,DICT,DECIMAL,INT,DECIMALSET,INTSET}"
                    )
                }
                if let type = Self.staticType(arguments[1]), type != .string { throw ExpressionError.operandType(kind, name, type) }
                try Self.requireDistinct(arguments[0], [arguments[1]], kind: kind, operatorName: name)
                switch arguments[0] {
                case .path, .value: break
                default: throw ExpressionError.invalid(kind, "Operator or function requires a document path; operator or function: \(name)")
                }
                if case let .value(.string(typeName)) = arguments[1], AttributeType(rawValue: typeName) == nil {
                    throw ExpressionError.invalid(
                        kind, "Invalid attribute type name found; type: \(typeName), valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")
                }
                return .attributeType(arguments[0], arguments[1])
            case "begins_with":
                for argument in arguments {
                    if let type = Self.staticType(argument), type != .string && type != .binary {
                        throw ExpressionError.operandType(kind, name, type)
                    }
                }
                try Self.requireDistinct(arguments[0], [arguments[1]], kind: kind, operatorName: name)
                return .beginsWith(arguments[0], arguments[1])
            default:  // contains
                try Self.requireDistinct(arguments[0], [arguments[1]], kind: kind, operatorName: name)
                return .contains(arguments[0], arguments[1])
            }
        }
    }

    /// Ordering operators accept only strings, numbers and binary (checked where the type is known).
    private static func requireScalar(_ operands: [Operand], kind: ExpressionKind, operatorName: String) throws(DynamoError) {
        for operand in operands {
            if let type = staticType(operand), ![.string, .number, .binary].contains(type) {
                throw ExpressionError.operandType(kind, operatorName, type)
            }
        }
    }

    /// `a = a` compares an attribute with itself: DynamoDB refuses it.
    private static func requireDistinct(_ first: Operand, _ rest: [Operand], kind: ExpressionKind, operatorName: String) throws(DynamoError) {
        guard case let .path(path) = first else { return }
        if rest.contains(.path(path)) {
            throw ExpressionError.invalid(
                kind,
                "The first operand must be distinct from the remaining operands for this operator or function; operator: \(operatorName), first operand: \(path)"
            )
        }
    }

    /// `{N:10}`, `{S:a}`: how DynamoDB prints a literal in BETWEEN messages.
    static func render(_ value: AttributeValue) -> String {
        switch value {
        case let .string(s): "{S:\(s)}"
        case let .number(n): "{N:\(n)}"
        case let .binary(b): "{B:\(Base64.encode(b))}"
        default: "{\(value.type.rawValue):\(value)}"
        }
    }

    // MARK: update actions

    private mutating func resolve(_ action: SyntaxUpdateAction, operators: inout Int) throws(DynamoError) -> UpdateAction {
        switch action {
        case let .set(path, value):
            let p = try resolve(path, kind: .update)
            return .set(p, try resolve(value, kind: .update, operators: &operators))
        case let .remove(path):
            return .remove(try resolve(path, kind: .update))
        case let .add(path, token):
            let p = try resolve(path, kind: .update)
            let value = try resolveValue(token, kind: .update)
            guard [.number, .stringSet, .numberSet, .binarySet].contains(value.type) else {
                throw ExpressionError.invalid(
                    .update,
                    "Incorrect operand type for operator or function; operator: ADD, operand type: \(Self.longTypeName(value.type)), typeSet: ALLOWED_FOR_ADD_OPERAND"
                )
            }
            return .add(p, value)
        case let .delete(path, token):
            let p = try resolve(path, kind: .update)
            let value = try resolveValue(token, kind: .update)
            guard value.type.isSet else {
                throw ExpressionError.invalid(
                    .update,
                    "Incorrect operand type for operator or function; operator: DELETE, operand type: \(Self.longTypeName(value.type)), typeSet: ALLOWED_FOR_DELETE_OPERAND"
                )
            }
            return .delete(p, value)
        }
    }

    static func longTypeName(_ type: AttributeType) -> String {
        switch type {
        case .string: "STRING"
        case .number: "NUMBER"
        case .binary: "BINARY"
        case .bool: "BOOLEAN"
        case .null: "NULL"
        case .list: "LIST"
        case .map: "MAP"
        case .stringSet: "STRING_SET"
        case .numberSet: "NUMBER_SET"
        case .binarySet: "BINARY_SET"
        }
    }
}
