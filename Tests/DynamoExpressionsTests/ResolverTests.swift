// The resolver: DynamoDB's checks after parsing, with its messages and its order of priority.
import DynamoModel
import Testing

@testable import DynamoExpressions

struct ResolverTests {
    private let values: [String: AttributeValue] = [
        ":n": .number(DynamoNumber(1)), ":s": .string("a"), ":l": .list([]), ":ss": .stringSet(["x"]), ":b": .bool(true),
        ":n2": .number(DynamoNumber(2)),
    ]

    private func message(_ body: (inout ExpressionResolver) throws(DynamoError) -> Void) -> String? {
        var resolver = ExpressionResolver(names: ["#a": "a", "#k": "key"], values: values)
        do {
            try body(&resolver)
            return nil
        } catch {
            return error.message
        }
    }

    @Test(arguments: [
        ("SET status = :n", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"),
        ("SET a = :n SET b = :n", "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"),
        ("SET #x = :n", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"),
        ("SET a = :zz", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :zz"),
        (
            "SET a = :n, a.b = :n",
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"
        ),
        (
            "SET a.b = :n, a[1] = :n",
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]"
        ),
        (
            "SET a = :n REMOVE a",
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"
        ),
        (
            "ADD a :s",
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"
        ),
        (
            "DELETE a :n",
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"
        ),
        ("SET a = b + :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"),
        (
            "SET a = list_append(:s, b)",
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"
        ),
        ("SET a = size(b)", "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"),
        ("SET a = f(b)", "Invalid UpdateExpression: Invalid function name; function: f"),
        (
            "SET a = list_append(list_append(:l, :l), :l)",
            "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append"
        ),
        (
            "SET a = if_not_exists(:n, :n)",
            "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"
        ),
        (
            "SET a = list_append(:l)",
            "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"
        ),
        (
            "SET #c = if_not_exists(:c)",
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #c"
        ),
    ])
    func updateErrors(text: String, expected: String) {
        #expect(message { (r: inout ExpressionResolver) throws(DynamoError) in _ = try r.update(text) } == expected)
    }

    @Test(arguments: [
        ("attribute_exists(views, #a)", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: views"),
        ("size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"),
        (
            "attribute_exists(a) = :n",
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"
        ),
        ("if_not_exists(a, :n) = :n", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"),
        ("attRIbute_exIsts(a)", "Invalid ConditionExpression: Invalid function name; function: attRIbute_exIsts"),
        (
            "begins_with(a, :s, :s)",
            "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3"
        ),
        (
            "begins_with(a, size(a))",
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
        ),
        ("a < :l", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: L"),
        (
            "size(:b) > :n",
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: BOOL"
        ),
        (
            "attribute_exists(:n)",
            "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"
        ),
        (
            "#a = a",
            "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"
        ),
        (
            "attribute_type(a, :s)",
            "Invalid ConditionExpression: Invalid attribute type name found; type: a, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
        ),
        (
            "attribute_type(a, :n)",
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"
        ),
        (
            "a BETWEEN :n AND :s",
            "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"
        ),
        (
            "a BETWEEN :n2 AND :n",
            "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"
        ),
    ])
    func conditionErrors(text: String, expected: String) {
        #expect(message { (r: inout ExpressionResolver) throws(DynamoError) in _ = try r.condition(text, kind: .condition) } == expected)
    }

    @Test func tooManyInOperandsAndTooDeepPaths() {
        let hundredOne = (0...100).map { _ in ":n" }.joined(separator: ", ")
        #expect(
            message { (r: inout ExpressionResolver) throws(DynamoError) in _ = try r.condition("a IN (\(hundredOne))", kind: .filter) }
                == "Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101")
        let deep = "a" + String(repeating: ".b", count: 32)
        #expect(
            message { (r: inout ExpressionResolver) throws(DynamoError) in _ = try r.projection(deep) }
                == "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33")
        #expect(
            message { (r: inout ExpressionResolver) throws(DynamoError) in _ = try r.projection("a" + String(repeating: ".b", count: 31)) } == nil)
    }

    @Test func unusedPlaceholdersAreReportedAfterEveryExpression() {
        #expect(
            message { (r: inout ExpressionResolver) throws(DynamoError) in
                _ = try r.update("SET #a = :n")
                try r.checkUnused()
            } == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#k}")
        #expect(
            message { (r: inout ExpressionResolver) throws(DynamoError) in
                _ = try r.update("SET #a = :n")
                _ = try r.condition("#k = :s OR c IN (:l, :ss, :b)", kind: .condition)
                try r.checkUnused()
            } == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:n2}")
    }

    @Test func projectionOverlaps() {
        #expect(
            message { (r: inout ExpressionResolver) throws(DynamoError) in _ = try r.projection("a.b, a") }
                == "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
        )
        #expect(message { (r: inout ExpressionResolver) throws(DynamoError) in _ = try r.projection("a.b, a.c[2], a.d") } == nil)
    }
}
