import DynamoModel

/// The pre-expression condition parameters — `Expected` (Put/Update/DeleteItem), `QueryFilter`,
/// `ScanFilter`, `KeyConditions` — translated into the same `Condition` tree expressions produce.
/// Still sent on every request by the PHP and Ruby SDK session handlers and Java's DynamoDBMapper.
///
/// Read in DynamoDB's phases: `init` reads the JSON (SerializationException), `addConstraints`
/// adds enum violations to the request's constraint list, `condition()` runs the per-attribute
/// checks and builds the tree.
public struct LegacyConditions {
    public enum Operator: String, Sendable, CaseIterable {
        case eq = "EQ", ne = "NE", le = "LE", lt = "LT", ge = "GE", gt = "GT"
        case notNull = "NOT_NULL", null = "NULL", contains = "CONTAINS", notContains = "NOT_CONTAINS"
        case beginsWith = "BEGINS_WITH", `in` = "IN", between = "BETWEEN"
    }

    /// DynamoDB's order of the operator enumeration in constraint messages.
    static let operatorNames = ["IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS"]

    struct Entry {
        let attribute: String
        let value: AttributeValue?
        let exists: Bool?
        let comparisonOperator: String?
        let valueList: [AttributeValue]?
    }

    /// Which parameter this is, for messages (`expected`, `scanFilter`, …).
    let parameter: String
    let entries: [Entry]
    let conditionalOperator: String?
    /// Whether `Exists` / `Value` are allowed (Expected) or only ComparisonOperator (filters).
    let allowsExists: Bool
    private var decoder: AttributeValueDecoder

    public init(_ object: JSONObject, parameter: String, conditionalOperator: String?, allowsExists: Bool) throws(DynamoError) {
        self.parameter = parameter
        self.conditionalOperator = conditionalOperator
        self.allowsExists = allowsExists
        var decoder = AttributeValueDecoder()
        var entries: [Entry] = []
        for member in object.uniqueMembers {
            try AttributeNames.check(member.key)
            let fields = try RequestFields.structure(member.value, type: allowsExists ? "ExpectedAttributeValue" : "Condition", asListMember: true)
            var list: [AttributeValue]?
            if let values = try fields.list("AttributeValueList") {
                list = []
                for v in values { list!.append(try decoder.decode(v)) }
            }
            entries.append(
                Entry(
                    attribute: member.key,
                    value: try fields.value("Value").map { (v) throws(DynamoError) in try decoder.decode(v) },
                    exists: try fields.bool("Exists"),
                    comparisonOperator: try fields.string("ComparisonOperator"),
                    valueList: list
                ))
        }
        self.entries = entries
        self.decoder = decoder
    }

    public func addConstraints(to violations: inout ConstraintViolations) {
        for entry in entries {
            // A filter condition (unlike an Expected entry) must name its operator.
            if !allowsExists && entry.comparisonOperator == nil {
                violations.add(Constraint.notNull("\(parameter).\(entry.attribute).member.comparisonOperator"))
            }
            violations.oneOf(entry.comparisonOperator, "\(parameter).\(entry.attribute).member.comparisonOperator", Self.operatorNames)
        }
    }

    private static func invalid(_ message: String) -> DynamoError {
        .invalidParameter(message)
    }

    /// The checks DynamoDB runs per attribute, then the condition they add up to.
    /// The attributes the conditions test (QueryFilter may not name a key attribute).
    public var attributes: [String] { entries.map(\.attribute) }

    public func condition() throws(DynamoError) -> Condition {
        try decoder.check()
        var conditions: [Condition] = []
        for entry in entries { conditions.append(try condition(for: entry)) }
        if conditionalOperator != nil, entries.count < 2 {
            throw entries.isEmpty
                ? Self.invalid("ConditionalOperator cannot be used without Filter or Expected")
                : Self.invalid("ConditionalOperator can only be used when Filter or Expected has two or more elements")
        }
        guard var result = conditions.first else { return .always }
        for next in conditions.dropFirst() {
            result = conditionalOperator == "OR" ? .or(result, next) : .and(result, next)
        }
        return result
    }

    private func condition(for entry: Entry) throws(DynamoError) -> Condition {
        let a = entry.attribute
        if entry.exists != nil && entry.comparisonOperator != nil {
            throw Self.invalid("Exists and ComparisonOperator cannot be used together for Attribute: \(a)")
        }
        if entry.value != nil && entry.valueList != nil {
            throw Self.invalid("Value and AttributeValueList cannot be used together for Attribute: \(a)")
        }
        if entry.valueList != nil && entry.comparisonOperator == nil {
            throw Self.invalid("AttributeValueList can only be used with a ComparisonOperator for Attribute: \(a)")
        }
        if entry.exists == false && entry.value != nil {
            throw Self.invalid("Value cannot be used when Exists is false for Attribute: \(a)")
        }
        let path = Operand.path(DocumentPath(attribute: a))
        guard let name = entry.comparisonOperator, let op = Operator(rawValue: name) else {
            // Exists / Value form (Expected only).
            if entry.exists == false { return .attributeNotExists(DocumentPath(attribute: a)) }
            guard let value = entry.value else {
                throw Self.invalid("Value must be provided when Exists is \(entry.exists == true ? "true" : "null") for Attribute: \(a)")
            }
            return .comparison(.equal, path, .value(value))
        }
        let arguments = entry.valueList ?? entry.value.map { [$0] } ?? []
        if allowsExists && arguments.isEmpty && op != .null && op != .notNull && entry.valueList == nil {
            throw Self.invalid("Value or AttributeValueList must be used with ComparisonOperator: \(name) for Attribute: \(a)")
        }
        return try Self.comparison(op, path: path, arguments: arguments)
    }

    /// One `ComparisonOperator` + `AttributeValueList` test, with DynamoDB's argument checks.
    public static func comparison(_ op: Operator, path: Operand, arguments: [AttributeValue]) throws(DynamoError) -> Condition {
        let expectedCount: ClosedRange<Int>
        switch op {
        case .null, .notNull: expectedCount = 0...0
        case .in: expectedCount = 1...Int.max
        case .between: expectedCount = 2...2
        default: expectedCount = 1...1
        }
        guard expectedCount.contains(arguments.count) else {
            throw invalid("Invalid number of argument(s) for the \(op.rawValue) ComparisonOperator")
        }
        let scalar: Set<AttributeType> = [.string, .number, .binary]
        let allowed: Set<AttributeType>? =
            switch op {
            case .eq, .ne: nil
            case .beginsWith: [.string, .binary]
            case .null, .notNull: nil
            default: scalar
            }
        if let allowed {
            for argument in arguments where !allowed.contains(argument.type) {
                throw invalid("ComparisonOperator \(op.rawValue) is not valid for \(argument.type.rawValue) AttributeValue type")
            }
        }
        if (op == .in || op == .between), Set(arguments.map(\.type)).count > 1 {
            throw invalid("AttributeValues inside AttributeValueList must be of same type")
        }
        let values = arguments.map { Operand.value($0) }
        switch op {
        case .eq: return .comparison(.equal, path, values[0])
        case .ne: return .comparison(.notEqual, path, values[0])
        case .lt: return .comparison(.less, path, values[0])
        case .le: return .comparison(.lessOrEqual, path, values[0])
        case .gt: return .comparison(.greater, path, values[0])
        case .ge: return .comparison(.greaterOrEqual, path, values[0])
        case .null, .notNull:
            guard case let .path(p) = path else { return .always }
            return op == .null ? .attributeNotExists(p) : .attributeExists(p)
        case .contains: return .contains(path, values[0])
        case .notContains: return .notContains(path, values[0])
        case .beginsWith: return .beginsWith(path, values[0])
        case .in: return .isIn(path, values)
        case .between:
            if Evaluator.order(arguments[0], arguments[1]) == 1 {
                throw DynamoError.validation("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
            }
            return .between(path, values[0], values[1])
        }
    }
}
