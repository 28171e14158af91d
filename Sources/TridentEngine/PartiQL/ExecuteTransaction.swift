import DynamoModel

/// ExecuteTransaction: up to 100 statements, all reads or all writes, run as one TransactGetItems or
/// TransactWriteItems — all or nothing, with its idempotency token, cancellation reasons and
/// transactional capacity. `EXISTS(SELECT …)` is a condition check; an INSERT whose key exists
/// cancels with the reason `DuplicateItem`.
struct ExecuteTransaction {
    static let maxStatements = 100

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let list = try request.list("TransactStatements")
        let token = try request.string("ClientRequestToken")
        let consumed = try request.string("ReturnConsumedCapacity")
        var violations = ConstraintViolations()
        if let list {
            if list.isEmpty { violations.add(Constraint.minLength("[]", "transactStatements", 1)) }
            if list.count > maxStatements { violations.add(Constraint.maxLength("[\(list.count) statements]", "transactStatements", maxStatements)) }
        } else {
            violations.notNull(false, "transactStatements")
        }
        var statements: [(text: String?, parameters: [JSONValue]?)] = []
        for (i, element) in (list ?? []).enumerated() {
            let fields = try RequestFields.structure(element, type: "ParameterizedStatement", asListMember: true)
            let text = try fields.string("Statement")
            PartiQLStatements.checkStatement(text, path: "transactStatements.\(i + 1).member.statement", into: &violations)
            statements.append((text, try fields.list("Parameters")))
        }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        try violations.check()

        var actions: [JSONValue] = []
        var inserts: [Bool] = []
        var reads = 0
        for statement in statements {
            let parameters = try PartiQLStatements.parameters(statement.parameters)
            let parsed = try PartiQLStatements.parse(statement.text!, parameters: parameters.count)
            let classic = try PartiQLStatements.translate(parsed, parameters: parameters, engine: engine, consistentRead: false)
            if parsed.isRead {
                guard classic.operation == "GetItem" else {
                    throw DynamoError.validation("Select statements within ExecuteTransaction must specify the primary key in the where clause.")
                }
                reads += 1
            }
            let kind = ["GetItem": "Get", "PutItem": "Put", "UpdateItem": "Update", "DeleteItem": "Delete", "ConditionCheck": "ConditionCheck"][classic.operation]!
            // Transactions return nothing per write; what a statement asked back is dropped.
            let members = classic.members.filter { $0.key != "ReturnValues" && $0.key != "ConsistentRead" }
            actions.append(.object(JSONObject([.init(key: kind, value: .object(JSONObject(members)))])))
            inserts.append(classic.isInsert)
        }
        if reads != 0 && reads != actions.count { throw DynamoError.validation("ExecuteTransaction API does not support both read and write operations in the same request.") }
        let isRead = reads > 0
        var body: [JSONObject.Member] = [.init(key: "TransactItems", value: .array(actions))]
        if let token, !isRead { body.append(.init(key: "ClientRequestToken", value: .string(token))) }
        if let consumed { body.append(.init(key: "ReturnConsumedCapacity", value: .string(consumed))) }
        let flags = inserts
        PartiQLStatements.dispatch(engine, operation: isRead ? "TransactGetItems" : "TransactWriteItems", members: body) { result in
            switch result {
            case var .failure(error):
                if let reasons = error.cancellationReasons {
                    error.cancellationReasons = zip(reasons, flags).map { reason, isInsert in
                        isInsert && reason.code == "ConditionalCheckFailed"
                            ? CancellationReason(code: "DuplicateItem", message: DynamoError.duplicateItem.message) : reason
                    }
                }
                reply(.failure(error))
            case let .success(answer):
                guard case let .object(o)? = try? JSONReader.parse(answer) else { return reply(.success(answer)) }
                var members: [JSONObject.Member] = []
                if let responses = o["Responses"] { members.append(.init(key: "Responses", value: responses)) }
                if let capacity = o["ConsumedCapacity"] { members.append(.init(key: "ConsumedCapacity", value: capacity)) }
                var out = JSONWriter()
                out.value(.object(JSONObject(members)))
                reply(.success(out.bytes))
            }
        }
    }
}
