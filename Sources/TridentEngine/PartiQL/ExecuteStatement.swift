import DynamoModel
import Synchronization

/// ExecuteStatement: one PartiQL statement, run as the classic request it translates to
/// (`PartiQLTranslator`), its answer reshaped: `Items`, a `NextToken` carrying the page's
/// LastEvaluatedKey, ConsumedCapacity as the classic operation reports it.
struct ExecuteStatement {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let text = try request.string("Statement")
        let parameters = try PartiQLStatements.parameters(request.list("Parameters"))
        let consistent = try request.bool("ConsistentRead") ?? false
        let limit = try request.integer("Limit")
        let nextToken = try request.string("NextToken")
        let consumed = try request.string("ReturnConsumedCapacity")
        let onFailure = try request.string("ReturnValuesOnConditionCheckFailure")
        var violations = ConstraintViolations()
        PartiQLStatements.checkStatement(text, path: "statement", into: &violations)
        if let limit, limit < 1 { violations.add(Constraint.minValue(String(limit), "limit", 1)) }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        violations.oneOf(onFailure, "returnValuesOnConditionCheckFailure", ["ALL_OLD", "NONE"])
        try violations.check()

        let statement = try PartiQLStatements.parse(text!, parameters: parameters.count)
        if case .exists = statement { throw DynamoError.existsOutsideTransaction }
        if consumed == nil, let get = try PartiQLStatements.plainGet(statement, parameters: parameters, engine: engine, consistent: consistent) {
            // The everyday SELECT by key: GetItem's own path, no request tree, its answer spliced into `Items`.
            return try GetItem.run(engine, get) { result in reply(result.map(PartiQLStatements.itemsFromGetItem)) }
        }
        var classic = try PartiQLStatements.translate(statement, parameters: parameters, engine: engine, consistentRead: consistent)
        if let consumed { classic.members.append(.init(key: "ReturnConsumedCapacity", value: .string(consumed))) }
        if classic.operation == "Query" || classic.operation == "Scan" {
            if let limit { classic.members.append(.init(key: "Limit", value: .number(String(limit)))) }
            if let nextToken { classic.members.append(.init(key: "ExclusiveStartKey", value: try PartiQLStatements.startKey(nextToken))) }
        } else if let onFailure, statement.isRead == false {
            classic.members.append(.init(key: "ReturnValuesOnConditionCheckFailure", value: .string(onFailure)))
        }
        let operation = classic.operation, isInsert = classic.isInsert
        PartiQLStatements.dispatch(engine, classic) { result in
            switch result {
            case let .failure(error) where isInsert && error.code == "ConditionalCheckFailedException":
                reply(.failure(.duplicateItem))
            case let .failure(error):
                reply(.failure(error))
            case let .success(body):
                reply(.success(PartiQLStatements.reshape(body, operation: operation)))
            }
        }
    }
}

/// What the three PartiQL operations share: checking, parsing, translating, reshaping answers.
enum PartiQLStatements {
    static func checkStatement(_ text: String?, path: String, into violations: inout ConstraintViolations) {
        guard let text else { return violations.notNull(false, path) }
        if text.isEmpty { violations.add(Constraint.minLength(text, path, 1)) }
        if text.utf8.count > PartiQLParser.maxStatementLength { violations.add(Constraint.maxLength(text, path, PartiQLParser.maxStatementLength)) }
    }

    /// `Parameters`: attribute values, checked as items' values are; kept as JSON for the translator.
    static func parameters(_ list: [JSONValue]?) throws(DynamoError) -> [JSONValue] {
        guard let list else { return [] }
        if list.isEmpty { throw DynamoError.constraints([Constraint.minLength("[]", "parameters", 1)]) }
        var decoder = AttributeValueDecoder()
        for value in list { _ = try decoder.decode(value) }
        try decoder.check()
        return list
    }

    /// Statements already parsed, by text: clients send the same parameterised few again and again.
    /// Only statements that parsed are kept, 512 of them or 1 MB of text at most; a client sending
    /// endless distinct ones empties it now and then.
    private static let parsed = Mutex<(entries: [String: (PartiQLStatement, Int)], bytes: Int)>(([:], 0))

    static func parse(_ text: String, parameters: Int) throws(DynamoError) -> PartiQLStatement {
        do {
            let (statement, count): (PartiQLStatement, Int)
            if let cached = parsed.withLock({ $0.entries[text] }) {
                (statement, count) = cached
            } else {
                (statement, count) = try PartiQLParser.parse(text)
                parsed.withLock { cache in
                    if cache.entries.count >= 512 || cache.bytes + text.utf8.count > 1 << 20 { cache = ([:], 0) }
                    cache.entries[text] = (statement, count)
                    cache.bytes += text.utf8.count
                }
            }
            if count != parameters { throw DynamoError.parameterCountMismatch }
            return statement
        } catch let error as PartiQLError {
            throw dynamoError(error)
        } catch let error as DynamoError {
            throw error
        } catch {
            throw DynamoError.validation("\(error)")
        }
    }

    static func dynamoError(_ error: PartiQLError) -> DynamoError {
        switch error {
        case let .syntax(problem, line, column): .statementSyntax(problem, line: line, column: column)
        case let .validation(message): .validation(message)
        }
    }

    static func translate(_ statement: PartiQLStatement, parameters: [JSONValue], engine: Engine, consistentRead: Bool) throws(DynamoError)
        -> PartiQLTranslator.Request
    {
        guard let table = engine.tables.table(statement.table) else { throw DynamoError.resourceNotFound }
        var translator = PartiQLTranslator(parameters: parameters)
        do {
            return try translator.request(for: statement, table: table, consistentRead: consistentRead)
        } catch let error as PartiQLError {
            throw dynamoError(error)
        } catch {
            throw DynamoError.validation("\(error)")
        }
    }

    /// Runs the classic request (its handler, straight from the JSON tree).
    static func dispatch(_ engine: Engine, _ classic: PartiQLTranslator.Request, _ reply: @escaping Reply) {
        dispatch(engine, operation: classic.operation, members: classic.members, reply)
    }

    static func dispatch(_ engine: Engine, operation: String, members: [JSONObject.Member], _ reply: @escaping Reply) {
        let fields = RequestFields(JSONObject(members))
        do {
            if operation == "Query" {
                try Query.run(engine, fields, keysInFilter: true, reply)
            } else {
                try Engine.operations[operation]!(engine, fields, reply)
            }
        } catch {
            reply(.failure(error))
        }
    }

    /// `SELECT * FROM "t" WHERE <every key attribute> = <value>` and nothing else, as a GetItem.
    static func plainGet(_ statement: PartiQLStatement, parameters: [JSONValue], engine: Engine, consistent: Bool) throws(DynamoError) -> GetItem? {
        guard case let .select(nil, name, nil, condition?, nil) = statement, let table = engine.tables.table(name) else { return nil }
        let conjuncts = condition.conjuncts
        let key = PartiQLTranslator.keyEqualities(conjuncts, schema: table.keySchema)
        guard key.count == table.keySchema.elements.count, conjuncts.count == key.count else { return nil }
        var item = Item()
        var decoder = AttributeValueDecoder()
        for equality in key {
            let json: JSONValue
            switch equality.value {
            case let .parameter(i): json = parameters[i]
            case let .string(text): json = .object(JSONObject([.init(key: "S", value: .string(text))]))
            case let .number(text): json = .object(JSONObject([.init(key: "N", value: .string(text))]))
            default: return nil
            }
            item[equality.name] = try decoder.decode(json)
        }
        try decoder.check()
        return GetItem(tableName: name, key: item, consistent: consistent)
    }

    /// `{"Item":X}` → `{"Items":[X]}`, `{}` → `{"Items":[]}`, on the bytes.
    static func itemsFromGetItem(_ body: [UInt8]) -> [UInt8] {
        let prefix = Array(#"{"Item":"#.utf8)
        guard body.count > prefix.count + 1, body.starts(with: prefix) else { return Array(#"{"Items":[]}"#.utf8) }
        return Array(#"{"Items":["#.utf8) + body[prefix.count..<(body.count - 1)] + Array("]}".utf8)
    }

    /// A NextToken is the page's LastEvaluatedKey, base64 of its JSON.
    static func nextToken(_ key: JSONValue) -> String {
        var w = JSONWriter()
        w.value(key)
        return Base64.encode(w.bytes)
    }

    static func startKey(_ token: String) throws(DynamoError) -> JSONValue {
        guard case let .success(bytes) = Base64.decode(token), let key = try? JSONReader.parse(bytes), case .object = key else {
            throw DynamoError.validation("Invalid NextToken")
        }
        return key
    }

    /// The classic answer as ExecuteStatement's: `Items` (a GetItem's item, a Query's or Scan's
    /// page, a write's returned attributes), NextToken and LastEvaluatedKey, ConsumedCapacity.
    static func reshape(_ body: [UInt8], operation: String) -> [UInt8] {
        guard case let .object(answer)? = try? JSONReader.parse(body) else { return body }
        var members: [JSONObject.Member] = []
        switch operation {
        case "Query", "Scan":
            members.append(.init(key: "Items", value: answer["Items"] ?? .array([])))
            if let last = answer["LastEvaluatedKey"] {
                members.append(.init(key: "NextToken", value: .string(nextToken(last))))
                members.append(.init(key: "LastEvaluatedKey", value: last))
            }
        case "GetItem":
            members.append(.init(key: "Items", value: .array(answer["Item"].map { [$0] } ?? [])))
        default:
            members.append(.init(key: "Items", value: .array(answer["Attributes"].map { [$0] } ?? [])))
        }
        if let capacity = answer["ConsumedCapacity"] { members.append(.init(key: "ConsumedCapacity", value: capacity)) }
        var w = JSONWriter()
        w.value(.object(JSONObject(members)))
        return w.bytes
    }
}
