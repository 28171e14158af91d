import DynamoExpressions
import DynamoModel

/// A Query's key conditions: equality on the partition key, optionally one condition on the sort
/// key. Built from a KeyConditionExpression or the legacy KeyConditions, first checked for shape
/// (before the table is known), then against the table's key schema.
struct KeyConditions: Sendable {
    enum SortCondition: Sendable, Equatable {
        case equal(AttributeValue)
        case less(AttributeValue)
        case lessOrEqual(AttributeValue)
        case greater(AttributeValue)
        case greaterOrEqual(AttributeValue)
        case between(AttributeValue, AttributeValue)
        case beginsWith(AttributeValue)

        var values: [AttributeValue] {
            switch self {
            case let .equal(v), let .less(v), let .lessOrEqual(v), let .greater(v), let .greaterOrEqual(v), let .beginsWith(v): [v]
            case let .between(a, b): [a, b]
            }
        }

        /// Whether a sort key value satisfies the condition.
        func holds(_ value: AttributeValue) -> Bool {
            switch self {
            case let .beginsWith(prefix):
                return Evaluator.evaluate(.beginsWith(.value(value), .value(prefix)), on: [:])
            case let .between(low, high):
                guard let a = Evaluator.order(value, low), let b = Evaluator.order(value, high) else { return false }
                return a >= 0 && b <= 0
            default:
                guard let o = Evaluator.order(value, values[0]) else { return false }
                switch self {
                case .equal: return o == 0
                case .less: return o < 0
                case .lessOrEqual: return o <= 0
                case .greater: return o > 0
                default: return o >= 0
                }
            }
        }

        /// Whether a non-matching value lies below the matching range (otherwise it lies above it).
        func isBelow(_ value: AttributeValue) -> Bool {
            switch self {
            case .less, .lessOrEqual: return false
            case let .greater(v): return (Evaluator.order(value, v) ?? 0) <= 0
            case let .equal(v), let .greaterOrEqual(v), let .between(v, _), let .beginsWith(v): return (Evaluator.order(value, v) ?? 0) < 0
            }
        }

        /// The smallest and largest values that can match (nil: open).
        var lowerBound: AttributeValue? {
            switch self {
            case let .equal(v), let .greater(v), let .greaterOrEqual(v), let .beginsWith(v): v
            case let .between(v, _): v
            case .less, .lessOrEqual: nil
            }
        }

        var upperBound: AttributeValue? {
            switch self {
            case let .equal(v), let .less(v), let .lessOrEqual(v): v
            case let .between(_, v): v
            case .greater, .greaterOrEqual, .beginsWith: nil
            }
        }
    }

    /// One condition as written: the attribute it constrains and how.
    struct Clause: Sendable {
        enum Operator: Sendable, Equatable {
            case equal, less, lessOrEqual, greater, greaterOrEqual, between, beginsWith
        }

        let attribute: String
        let op: Operator
        let values: [AttributeValue]
    }

    let clauses: [Clause]

    // MARK: from a KeyConditionExpression

    init(expression condition: Condition) throws(DynamoError) {
        var clauses: [Clause] = []
        try Self.collect(condition, into: &clauses)
        try Self.requireDistinct(clauses)
        self.clauses = clauses
    }

    private static func invalidOperator(_ name: String) -> DynamoError {
        .validation("Invalid operator used in KeyConditionExpression: \(name)")
    }

    private static func collect(_ condition: Condition, into clauses: inout [Clause]) throws(DynamoError) {
        switch condition {
        case let .and(a, b):
            try collect(a, into: &clauses)
            try collect(b, into: &clauses)
        case .or: throw invalidOperator("OR")
        case .not: throw invalidOperator("NOT")
        case .isIn: throw invalidOperator("IN")
        case .attributeExists: throw invalidOperator("attribute_exists")
        case .attributeNotExists: throw invalidOperator("attribute_not_exists")
        case .attributeType: throw invalidOperator("attribute_type")
        case .contains, .notContains: throw invalidOperator("contains")
        case .always: break
        case let .comparison(comparator, left, right):
            if comparator == .notEqual { throw invalidOperator("<>") }
            let operators: [Comparator: Clause.Operator] = [
                .equal: .equal, .less: .less, .lessOrEqual: .lessOrEqual, .greater: .greater, .greaterOrEqual: .greaterOrEqual,
            ]
            let flipped: [Comparator: Clause.Operator] = [
                .equal: .equal, .less: .greater, .lessOrEqual: .greaterOrEqual, .greater: .less, .greaterOrEqual: .lessOrEqual,
            ]
            let (attribute, value, swapped) = try attributeAndValue(left, right)
            clauses.append(Clause(attribute: attribute, op: (swapped ? flipped : operators)[comparator]!, values: [value]))
        case let .between(subject, low, high):
            guard case .path = subject else {
                throw DynamoError.validation(
                    "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand")
            }
            let (attribute, lowValue, _) = try attributeAndValue(subject, low)
            let (_, highValue, _) = try attributeAndValue(subject, high)
            clauses.append(Clause(attribute: attribute, op: .between, values: [lowValue, highValue]))
        case let .beginsWith(subject, prefix):
            guard case .path = subject else {
                throw DynamoError.validation(
                    "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand")
            }
            let (attribute, value, _) = try attributeAndValue(subject, prefix)
            clauses.append(Clause(attribute: attribute, op: .beginsWith, values: [value]))
        }
    }

    /// The key attribute and the value of one comparison, and whether they were written the other way round.
    private static func attributeAndValue(_ a: Operand, _ b: Operand) throws(DynamoError) -> (String, AttributeValue, Bool) {
        for operand in [a, b] {
            switch operand {
            case .size, .ifNotExists, .listAppend, .add, .subtract:
                throw DynamoError.validation("KeyConditionExpressions cannot contain nested operations")
            case let .path(path) where !path.isTopLevel:
                throw DynamoError.validation("KeyConditionExpressions cannot have conditions on nested attributes")
            default: break
            }
        }
        switch (a, b) {
        case let (.path(p), .value(v)): return (p.attribute, v, false)
        case let (.value(v), .path(p)): return (p.attribute, v, true)
        case (.path, .path):
            throw DynamoError.validation("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")
        default: throw DynamoError.validation("Invalid condition in KeyConditionExpression: No key attribute specified")
        }
    }

    private static func requireDistinct(_ clauses: [Clause]) throws(DynamoError) {
        if Set(clauses.map(\.attribute)).count != clauses.count {
            throw DynamoError.validation("KeyConditionExpressions must only contain one condition per key")
        }
    }

    // MARK: from the legacy KeyConditions

    init(legacy object: JSONObject) throws(DynamoError) {
        var decoder = AttributeValueDecoder()
        var clauses: [Clause] = []
        for member in object.uniqueMembers {
            let fields = try RequestFields.structure(member.value, type: "Condition", asListMember: true)
            let name = try fields.string("ComparisonOperator") ?? ""
            var values: [AttributeValue] = []
            for v in try fields.list("AttributeValueList") ?? [] { values.append(try decoder.decode(v)) }
            try decoder.check()
            guard let op = LegacyConditions.Operator(rawValue: name) else { continue }
            // Validates the argument count and types the way every legacy condition does.
            _ = try LegacyConditions.comparison(op, path: .path(DocumentPath(attribute: member.key)), arguments: values)
            let mapped: Clause.Operator
            switch op {
            case .eq: mapped = .equal
            case .lt: mapped = .less
            case .le: mapped = .lessOrEqual
            case .gt: mapped = .greater
            case .ge: mapped = .greaterOrEqual
            case .between: mapped = .between
            case .beginsWith: mapped = .beginsWith
            default: throw DynamoError.validation("Attempted conditional constraint is not an indexable operation")
            }
            clauses.append(Clause(attribute: member.key, op: mapped, values: values))
        }
        guard (1...2).contains(clauses.count) else { throw DynamoError.validation("Conditions can be of length 1 or 2 only") }
        self.clauses = clauses
    }

    // MARK: against the schema

    /// The partition key value and sort condition, or DynamoDB's complaint about them.
    func resolve(_ schema: KeySchema) throws(DynamoError) -> (partition: AttributeValue, sort: SortCondition?) {
        guard let hash = clauses.first(where: { $0.attribute == schema.partition.name }) else {
            throw DynamoError.validation("Query condition missed key schema element: \(schema.partition.name)")
        }
        guard hash.op == .equal else { throw DynamoError.validation("Query key condition not supported") }
        let others = clauses.filter { $0.attribute != schema.partition.name }
        var sort: SortCondition?
        if let clause = others.first {
            guard let sortKey = schema.sort else { throw DynamoError.validation("Query key condition not supported") }
            guard clause.attribute == sortKey.name else {
                throw DynamoError.validation("Query condition missed key schema element: \(sortKey.name)")
            }
            guard clause.values.allSatisfy({ $0.type == sortKey.type.attributeType }) else { throw Self.typeMismatch }
            if clause.op == .beginsWith && sortKey.type == .number {
                throw ExpressionError.invalid(
                    .keyCondition, "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
            }
            switch clause.op {
            case .equal: sort = .equal(clause.values[0])
            case .less: sort = .less(clause.values[0])
            case .lessOrEqual: sort = .lessOrEqual(clause.values[0])
            case .greater: sort = .greater(clause.values[0])
            case .greaterOrEqual: sort = .greaterOrEqual(clause.values[0])
            case .between: sort = .between(clause.values[0], clause.values[1])
            case .beginsWith: sort = .beginsWith(clause.values[0])
            }
        }
        guard hash.values[0].type == schema.partition.type.attributeType else { throw Self.typeMismatch }
        return (hash.values[0], sort)
    }

    static let typeMismatch = DynamoError.invalidParameter("Condition parameter type does not match schema type")
}
