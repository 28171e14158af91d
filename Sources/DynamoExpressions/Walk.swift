import DynamoModel

/// The first check after parsing, in source order: bare names that are reserved words, unknown
/// functions and functions used where DynamoDB does not allow them, and update sections used twice
/// (reported when the repeated section ends, so an error inside it comes first).
struct Walk {
    let kind: ExpressionKind

    static let conditionFunctions: Set<String> = ["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size"]
    static let updateFunctions: Set<String> = ["if_not_exists", "list_append"]

    /// Where a function call stands.
    enum Place {
        /// A condition on its own (must yield true/false).
        case conditionTop
        /// An operand of a comparison, IN, BETWEEN or another function in a condition.
        case conditionOperand
        /// The whole right-hand side of a SET.
        case updateTop
        /// Inside a function call or `+`/`-` of a SET.
        case updateNested
    }

    func path(_ path: SyntaxPath) throws(DynamoError) {
        for element in path.elements {
            if case let .name(token) = element, ReservedWords.contains(token.text) {
                throw ExpressionError.reservedWord(kind, token.text)
            }
        }
    }

    func operand(_ operand: SyntaxOperand, _ place: Place) throws(DynamoError) {
        switch operand {
        case let .path(p): try path(p)
        case .value: break
        case let .function(f): try function(f, place)
        case let .arithmetic(l, _, r):
            try self.operand(l, .updateNested)
            try self.operand(r, .updateNested)
        }
    }

    func function(_ f: SyntaxFunction, _ place: Place) throws(DynamoError) {
        let name = f.name.text
        let isCondition = Self.conditionFunctions.contains(name)
        let isUpdate = Self.updateFunctions.contains(name)
        guard isCondition || isUpdate else { throw ExpressionError.invalid(kind, "Invalid function name; function: \(name)") }
        switch place {
        case .conditionTop, .conditionOperand:
            if isUpdate { throw ExpressionError.invalid(kind, "The function is not allowed in a condition expression; function: \(name)") }
            if (place == .conditionTop) == (name == "size") { throw usedThisWay(name) }
        case .updateTop, .updateNested:
            if isCondition { throw ExpressionError.invalid(kind, "The function is not allowed in an update expression; function: \(name)") }
            if place == .updateNested && name != "if_not_exists" { throw usedThisWay(name) }
        }
        let inner: Place = place == .updateTop || place == .updateNested ? .updateNested : .conditionOperand
        for argument in f.arguments { try operand(argument, inner) }
    }

    private func usedThisWay(_ name: String) -> DynamoError {
        ExpressionError.invalid(kind, "The function is not allowed to be used this way in an expression; function: \(name)")
    }

    func condition(_ condition: SyntaxCondition) throws(DynamoError) {
        switch condition {
        case let .and(l, r), let .or(l, r):
            try self.condition(l)
            try self.condition(r)
        case let .not(inner):
            try self.condition(inner)
        case let .comparison(l, _, r):
            try operand(l, .conditionOperand)
            try operand(r, .conditionOperand)
        case let .between(v, lo, hi):
            for o in [v, lo, hi] { try operand(o, .conditionOperand) }
        case let .isIn(v, list):
            try operand(v, .conditionOperand)
            for o in list { try operand(o, .conditionOperand) }
        case let .function(f):
            try function(f, .conditionTop)
        }
    }

    func update(_ sections: [SyntaxUpdateSection]) throws(DynamoError) {
        var seen: Set<String> = []
        for section in sections {
            for action in section.actions {
                switch action {
                case let .set(p, value):
                    try path(p)
                    try operand(value, .updateTop)
                case let .remove(p), let .add(p, _), let .delete(p, _):
                    try path(p)
                }
            }
            let name = section.keyword.rawValue
            guard seen.insert(name).inserted else {
                throw ExpressionError.invalid(kind, "The \"\(name)\" section can only be used once in an update expression;")
            }
        }
    }
}
