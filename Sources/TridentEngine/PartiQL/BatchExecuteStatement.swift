import DynamoModel
import Synchronization

/// BatchExecuteStatement: up to 25 statements, all reads (each naming one item by its whole key)
/// or all writes, each answered in `Responses` — its item, or its own `Error` — without stopping
/// the rest. Each runs as its classic request, one after another.
struct BatchExecuteStatement {
    static let maxStatements = 25

    /// One statement, parsed and translated, or why it could not be.
    private enum Prepared: Sendable {
        case ready(table: String, request: PartiQLTranslator.Request)
        case failed(DynamoError)
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let list = try request.list("Statements")
        let consumed = try request.string("ReturnConsumedCapacity")
        var violations = ConstraintViolations()
        if let list {
            if list.isEmpty { violations.add(Constraint.minLength("[]", "statements", 1)) }
            if list.count > maxStatements { violations.add(Constraint.maxLength("[\(list.count) statements]", "statements", maxStatements)) }
        } else {
            violations.notNull(false, "statements")
        }
        var statements: [(text: String?, parameters: [JSONValue]?, consistent: Bool, onFailure: String?)] = []
        for (i, element) in (list ?? []).enumerated() {
            let fields = try RequestFields.structure(element, type: "BatchStatementRequest", asListMember: true)
            let text = try fields.string("Statement")
            PartiQLStatements.checkStatement(text, path: "statements.\(i + 1).member.statement", into: &violations)
            statements.append((text, try fields.list("Parameters"), try fields.bool("ConsistentRead") ?? false, try fields.string("ReturnValuesOnConditionCheckFailure")))
        }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        try violations.check()

        var prepared: [Prepared] = []
        var kinds = Set<Bool>()
        for statement in statements {
            do {
                let parameters = try PartiQLStatements.parameters(statement.parameters)
                let parsed = try PartiQLStatements.parse(statement.text!, parameters: parameters.count)
                kinds.insert(parsed.isRead)
                if case .exists = parsed { throw DynamoError.existsOutsideTransaction }
                var classic = try PartiQLStatements.translate(parsed, parameters: parameters, engine: engine, consistentRead: statement.consistent)
                if parsed.isRead && classic.operation != "GetItem" {
                    throw DynamoError.validation("Select statements within BatchExecuteStatement must specify the primary key in the where clause.")
                }
                if let consumed { classic.members.append(.init(key: "ReturnConsumedCapacity", value: .string(consumed))) }
                if let onFailure = statement.onFailure, !parsed.isRead {
                    classic.members.append(.init(key: "ReturnValuesOnConditionCheckFailure", value: .string(onFailure)))
                }
                prepared.append(.ready(table: parsed.table, request: classic))
            } catch let error as DynamoError {
                prepared.append(.failed(error))
            } catch {
                prepared.append(.failed(.validation("\(error)")))
            }
        }
        if kinds.count > 1 { throw DynamoError.validation("Read and write requests together in the same batch is not supported.") }
        let answers = Mutex<[JSONValue]>([])
        let capacities = Mutex<[JSONValue]>([])
        let all = prepared
        @Sendable func step(_ i: Int) {
            guard i < all.count else {
                var members: [JSONObject.Member] = [.init(key: "Responses", value: .array(answers.withLock { $0 }))]
                let spent = capacities.withLock { $0 }
                if !spent.isEmpty { members.append(.init(key: "ConsumedCapacity", value: .array(spent))) }
                var w = JSONWriter()
                w.value(.object(JSONObject(members)))
                return reply(.success(w.bytes))
            }
            switch all[i] {
            case let .failed(error):
                answers.withLock { $0.append(Self.response(table: nil, item: nil, error: error)) }
                step(i + 1)
            case let .ready(table, classic):
                PartiQLStatements.dispatch(engine, classic) { result in
                    switch result {
                    case let .success(body):
                        let answer: JSONObject? = if case let .object(o)? = try? JSONReader.parse(body) { o } else { nil }
                        answers.withLock { $0.append(Self.response(table: table, item: answer?["Item"], error: nil)) }
                        if let capacity = answer?["ConsumedCapacity"] { capacities.withLock { $0.append(capacity) } }
                    case let .failure(error):
                        let shown = classic.isInsert && error.code == "ConditionalCheckFailedException" ? DynamoError.duplicateItem : error
                        answers.withLock { $0.append(Self.response(table: table, item: nil, error: shown)) }
                    }
                    step(i + 1)
                }
            }
        }
        step(0)
    }

    /// One entry of `Responses`; an error's code without "Exception" (ValidationException is "ValidationError").
    private static func response(table: String?, item: JSONValue?, error: DynamoError?) -> JSONValue {
        var members: [JSONObject.Member] = []
        if let table { members.append(.init(key: "TableName", value: .string(table))) }
        if let item { members.append(.init(key: "Item", value: item)) }
        if let error {
            var code = String(error.code)
            if code.hasSuffix("Exception") { code.removeLast("Exception".count) }
            if code == "Validation" { code = "ValidationError" }
            var fields: [JSONObject.Member] = [.init(key: "Code", value: .string(code)), .init(key: "Message", value: .string(error.message))]
            if let item = error.item {
                var w = JSONWriter()
                w.item(item)
                if let json = try? JSONReader.parse(w.bytes) { fields.append(.init(key: "Item", value: json)) }
            }
            members.append(.init(key: "Error", value: .object(JSONObject(fields))))
        }
        return .object(JSONObject(members))
    }
}
