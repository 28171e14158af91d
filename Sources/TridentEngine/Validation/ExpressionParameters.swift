import DynamoExpressions
import DynamoModel

/// A request's expression parameters and their legacy counterparts, checked in DynamoDB's order:
/// legacy and expression parameters not mixed, placeholders only with expressions, then (after the
/// request's own value checks) the placeholder maps, each expression, and unused placeholders.
struct ExpressionParameters {
    /// Expression parameters DynamoDB lists in its mixing message, in its order.
    static let expressionOrder: [ExpressionKind] = [.update, .projection, .condition, .filter, .keyCondition]
    /// Legacy parameters, in the same message's order.
    static let legacyOrder = ["AttributeUpdates", "AttributesToGet", "Expected", "QueryFilter", "ScanFilter", "ConditionalOperator", "KeyConditions"]

    let expressions: [ExpressionKind: String]
    let legacyPresent: [String]
    let names: [String: String]?
    let valuesObject: JSONObject?
    /// The expressions that take `:values` (none for GetItem, whose API has no ExpressionAttributeValues).
    let valueExpressions: [ExpressionKind]
    private var decoder = AttributeValueDecoder()
    private var values: [String: AttributeValue]?

    /// Reads the parameters the operation accepts (wrong JSON types are SerializationExceptions).
    init(_ request: RequestFields, expressions kinds: [ExpressionKind], valueExpressions: [ExpressionKind], legacy: [String]) throws(DynamoError) {
        self.valueExpressions = valueExpressions
        var expressions: [ExpressionKind: String] = [:]
        for kind in kinds {
            if let text = try request.string(kind.rawValue) { expressions[kind] = text }
        }
        self.expressions = expressions
        legacyPresent = Self.legacyOrder.filter { legacy.contains($0) && request.has($0) }
        names = try request.stringMap("ExpressionAttributeNames")
        valuesObject = valueExpressions.isEmpty ? nil : try request.map("ExpressionAttributeValues")
        if let valuesObject {
            var decoded: [String: AttributeValue] = [:]
            for member in valuesObject.members where member.value != .null {
                decoded[member.key] = try decoder.decode(member.value)
            }
            values = decoded
        }
    }

    var usesExpressions: Bool { !expressions.isEmpty }

    func text(_ kind: ExpressionKind) -> String? { expressions[kind] }

    /// Mixing legacy and expression parameters, and placeholders without expressions.
    func checkUsage() throws(DynamoError) {
        let used = Self.expressionOrder.filter { expressions[$0] != nil }
        if !legacyPresent.isEmpty && !used.isEmpty {
            throw DynamoError.validation(
                "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {\(legacyPresent.joined(separator: ", "))} Expression parameters: {\(used.map(\.rawValue).joined(separator: ", "))}"
            )
        }
        if names != nil && used.isEmpty {
            throw DynamoError.validation("ExpressionAttributeNames can only be specified when using expressions")
        }
        if valuesObject != nil && !valueExpressions.contains(where: { expressions[$0] != nil }) {
            let listed = valueExpressions.map(\.rawValue)
            let tail = listed.count == 1 ? "\(listed[0]) is null" : "\(listed.dropLast().joined(separator: ", ")) and \(listed.last!) are null"
            throw DynamoError.validation("ExpressionAttributeValues can only be specified when using expressions: \(tail)")
        }
    }

    /// Checks the placeholder maps themselves and returns the resolver for this request's expressions.
    func resolver() throws(DynamoError) -> ExpressionResolver {
        if let names {
            if names.isEmpty { throw DynamoError.validation("ExpressionAttributeNames must not be empty") }
            if let bad = names.keys.sorted().first(where: { !Self.isPlaceholder($0, sigil: "#") }) {
                throw DynamoError.validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"\(bad)\"")
            }
            if let empty = names.filter({ $0.value.isEmpty }).keys.sorted().first {
                throw DynamoError.validation("ExpressionAttributeNames contains invalid value: Empty attribute name for key \(empty)")
            }
            if names.values.contains(where: { $0.utf8.count > AttributeNames.maxBytes }) { throw AttributeNames.tooLarge }
        }
        if let valuesObject {
            if valuesObject.isEmpty { throw DynamoError.validation("ExpressionAttributeValues must not be empty") }
            if let bad = valuesObject.members.first(where: { !Self.isPlaceholder($0.key, sigil: ":") }) {
                throw DynamoError.validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"\(bad.key)\"")
            }
            if let problem = decoder.firstProblem {
                let key =
                    valuesObject.members.first { member in
                        var single = AttributeValueDecoder()
                        _ = try? single.decode(member.value)
                        return single.firstProblem != nil
                    }?.key ?? ""
                throw DynamoError.validation("ExpressionAttributeValues contains invalid value: \(problem.message) for key \(key)")
            }
        }
        return ExpressionResolver(names: names, values: values)
    }

    private static func isPlaceholder(_ key: String, sigil: Character) -> Bool {
        key.count > 1 && key.first == sigil
            && key.utf8.dropFirst().allSatisfy { b in (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F }
    }
}

/// The condition guarding a write, checked on the item as stored (an empty item when there is none).
struct WriteCondition: Sendable {
    let condition: Condition?
    /// `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
    let returnOldOnFailure: Bool

    static let none = WriteCondition(condition: nil, returnOldOnFailure: false)

    /// The ConditionalCheckFailedException to answer when the condition does not hold on `old`.
    func failure(on old: Item?) -> DynamoError? {
        guard let condition, !Evaluator.evaluate(condition, on: old ?? [:]) else { return nil }
        return DynamoError.conditionalCheckFailed(item: returnOldOnFailure ? old : nil)
    }

    /// Reads `Expected` / `ConditionExpression` for Put/Update/DeleteItem: the legacy form's JSON,
    /// its constraints, then (in `resolve`) its checks, in DynamoDB's order.
    struct Reader {
        let expected: LegacyConditions?
        let returnValuesOnFailure: String?

        init(_ request: RequestFields) throws(DynamoError) {
            let conditionalOperator = try request.string("ConditionalOperator")
            if let object = try request.map("Expected", valueType: "com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue") {
                expected = try LegacyConditions(object, parameter: "expected", conditionalOperator: conditionalOperator, allowsExists: true)
            } else if conditionalOperator != nil {
                expected = try LegacyConditions(JSONObject(), parameter: "expected", conditionalOperator: conditionalOperator, allowsExists: true)
            } else {
                expected = nil
            }
            returnValuesOnFailure = try request.string("ReturnValuesOnConditionCheckFailure")
        }

        func addConstraints(_ violations: inout ConstraintViolations, conditionalOperator: String?) {
            violations.oneOf(conditionalOperator, "conditionalOperator", ParameterValues.conditionalOperator)
            expected?.addConstraints(to: &violations)
            violations.oneOf(returnValuesOnFailure, "returnValuesOnConditionCheckFailure", ParameterValues.returnValuesOnConditionCheckFailure)
        }

        /// The legacy condition (checked now), to be combined with a ConditionExpression resolved later.
        func legacyCondition() throws(DynamoError) -> Condition? {
            try expected?.condition()
        }

        func make(_ condition: Condition?) -> WriteCondition {
            WriteCondition(condition: condition, returnOldOnFailure: returnValuesOnFailure == "ALL_OLD")
        }
    }
}
