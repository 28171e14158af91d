import DynamoModel

/// A PartiQL statement as the classic request that does the same: SELECT as GetItem (the whole key
/// by equality, nothing else), Query (the partition key by equality) or Scan; INSERT as a PutItem
/// that must not find the key; UPDATE as an UpdateItem that must find it; DELETE as DeleteItem. The
/// WHERE clause becomes a key condition, a filter or a condition in DynamoDB's expression language,
/// with names and values as placeholders — so one parser and one evaluator decide what a PartiQL
/// `WHERE` and a `ConditionExpression` mean, and they cannot drift.
struct PartiQLTranslator {
    /// One classic request: the operation and its JSON body's members.
    struct Request: Sendable {
        var operation: String
        var members: [JSONObject.Member]
        /// INSERT: a failed condition means the key exists (DuplicateItemException).
        var isInsert = false
    }

    private let parameters: [JSONValue]
    private var names: [JSONObject.Member] = []
    private var placeholderOfName: [String: String] = [:]
    private var values: [JSONObject.Member] = []

    init(parameters: [JSONValue]) {
        self.parameters = parameters
    }

    static func missingKey() -> PartiQLError {
        .validation("Where clause does not contain a mandatory equality on all key attributes")
    }

    // MARK: statements

    /// `table`: the statement's table as the engine knows it (nil: not found).
    mutating func request(for statement: PartiQLStatement, table: TableDefinition, consistentRead: Bool) throws -> Request {
        var members: [JSONObject.Member] = [.init(key: "TableName", value: .string(table.name))]
        let operation: String
        var isInsert = false
        switch statement {
        case let .select(projection, _, indexName, condition, orderBy):
            var schema = table.keySchema
            if let indexName {
                guard let index = table.indexes.first(where: { $0.name == indexName }) else {
                    throw PartiQLError.validation("The table does not have the specified index")
                }
                schema = index.keySchema
                members.append(.init(key: "IndexName", value: .string(indexName)))
            }
            if let projection {
                members.append(.init(key: "ProjectionExpression", value: .string(try projection.map { path in try self.path(path) }.joined(separator: ", "))))
            }
            if consistentRead { members.append(.init(key: "ConsistentRead", value: .bool(true))) }
            let conjuncts = condition?.conjuncts ?? []
            let key = Self.keyEqualities(conjuncts, schema: schema)
            if indexName == nil, orderBy == nil, key.count == schema.elements.count, conjuncts.count == key.count {
                operation = "GetItem"
                members.append(.init(key: "Key", value: .object(JSONObject(try key.map { .init(key: $0.name, value: try attributeValue($0.value)) }))))
            } else if let partition = key.first(where: { $0.name == schema.partition.name }) {
                operation = "Query"
                var keyConditions = [try compare(.path(PartiQLPath(steps: [.name(partition.name)])), "=", .literal(partition.value))]
                var rest = conjuncts.filter { $0 != partition.conjunct }
                if let sort = schema.sort, let sortCondition = rest.first(where: { Self.isKeyCondition($0, on: sort.name) }) {
                    keyConditions.append(try self.condition(sortCondition))
                    rest.removeAll { $0 == sortCondition }
                }
                members.append(.init(key: "KeyConditionExpression", value: .string(keyConditions.joined(separator: " AND "))))
                if !rest.isEmpty {
                    members.append(.init(key: "FilterExpression", value: .string(try rest.map { c in try self.condition(c) }.joined(separator: " AND "))))
                }
                if let orderBy {
                    guard orderBy.path.isTopLevel, orderBy.path.root == schema.sort?.name else {
                        throw PartiQLError.validation("Order by is supported only on the sort key of the table or index")
                    }
                    if orderBy.descending { members.append(.init(key: "ScanIndexForward", value: .bool(false))) }
                }
            } else {
                guard orderBy == nil else { throw PartiQLError.validation("Must have WHERE clause in the statement when using ORDER BY clause.") }
                operation = "Scan"
                if let condition { members.append(.init(key: "FilterExpression", value: .string(try self.condition(condition)))) }
            }
        case let .insert(_, value):
            operation = "PutItem"
            isInsert = true
            let item = try attributeValue(value)
            guard case let .object(o) = item, case let .object(fields)? = o["M"] else { throw PartiQLError.validation("INSERT requires a map value") }
            members.append(.init(key: "Item", value: .object(fields)))
            let conditions = try table.keySchema.elements.map { element in "attribute_not_exists(\(try name(element.name)))" }
            members.append(.init(key: "ConditionExpression", value: .string(conditions.joined(separator: " AND "))))
        case let .update(_, sets, removes, condition, returning):
            operation = "UpdateItem"
            let (key, rest) = try Self.fullKey(condition, schema: table.keySchema)
            members.append(.init(key: "Key", value: .object(JSONObject(try key.map { .init(key: $0.name, value: try attributeValue($0.value)) }))))
            var setClauses: [String] = [], addClauses: [String] = [], deleteClauses: [String] = []
            for (target, value) in sets {
                let targetText = try path(target)
                if case let .function(function, arguments) = value, function == "set_add" || function == "set_delete", arguments.count == 2,
                    arguments[0] == .path(target)
                {
                    let clause = "\(targetText) \(try operand(arguments[1]))"
                    if function == "set_add" { addClauses.append(clause) } else { deleteClauses.append(clause) }
                } else {
                    setClauses.append("\(targetText) = \(try operand(value))")
                }
            }
            var update: [String] = []
            if !setClauses.isEmpty { update.append("SET " + setClauses.joined(separator: ", ")) }
            if !removes.isEmpty { update.append("REMOVE " + (try removes.map { p in try path(p) }).joined(separator: ", ")) }
            if !addClauses.isEmpty { update.append("ADD " + addClauses.joined(separator: ", ")) }
            if !deleteClauses.isEmpty { update.append("DELETE " + deleteClauses.joined(separator: ", ")) }
            members.append(.init(key: "UpdateExpression", value: .string(update.joined(separator: " "))))
            // An UPDATE changes an existing item only.
            let exists = try table.keySchema.elements.map { element in "attribute_exists(\(try name(element.name)))" }
            let conditions = exists + (try rest.map { c in try self.condition(c) })
            members.append(.init(key: "ConditionExpression", value: .string(conditions.joined(separator: " AND "))))
            if let returning { members.append(.init(key: "ReturnValues", value: .string(returning))) }
        case let .delete(_, condition, returning):
            operation = "DeleteItem"
            let (key, rest) = try Self.fullKey(condition, schema: table.keySchema)
            members.append(.init(key: "Key", value: .object(JSONObject(try key.map { .init(key: $0.name, value: try attributeValue($0.value)) }))))
            if !rest.isEmpty {
                members.append(.init(key: "ConditionExpression", value: .string(try rest.map { c in try self.condition(c) }.joined(separator: " AND "))))
            }
            if let returning {
                guard returning == "ALL_OLD" else { throw PartiQLError.validation("DELETE supports only RETURNING ALL OLD *") }
                members.append(.init(key: "ReturnValues", value: .string(returning)))
            }
        case let .exists(_, condition):
            operation = "ConditionCheck"
            let (key, rest) = try Self.fullKey(condition, schema: table.keySchema)
            members.append(.init(key: "Key", value: .object(JSONObject(try key.map { .init(key: $0.name, value: try attributeValue($0.value)) }))))
            let exists = try table.keySchema.elements.map { element in "attribute_exists(\(try name(element.name)))" }
            let conditions = exists + (try rest.map { c in try self.condition(c) })
            members.append(.init(key: "ConditionExpression", value: .string(conditions.joined(separator: " AND "))))
        }
        if !names.isEmpty { members.append(.init(key: "ExpressionAttributeNames", value: .object(JSONObject(names)))) }
        if !values.isEmpty { members.append(.init(key: "ExpressionAttributeValues", value: .object(JSONObject(values)))) }
        return Request(operation: operation, members: members, isInsert: isInsert)
    }

    // MARK: keys

    struct KeyEquality {
        let name: String
        let value: PartiQLLiteral
        let conjunct: PartiQLCondition
    }

    /// `key = value` conjuncts on the schema's attributes (the first for each).
    static func keyEqualities(_ conjuncts: [PartiQLCondition], schema: KeySchema) -> [KeyEquality] {
        var found: [KeyEquality] = []
        for element in schema.elements {
            for conjunct in conjuncts {
                guard case let .compare(left, "=", right) = conjunct else { continue }
                let pair: (PartiQLPath, PartiQLLiteral)? =
                    switch (left, right) {
                    case let (.path(p), .literal(v)), let (.literal(v), .path(p)): (p, v)
                    default: nil
                    }
                if let (path, value) = pair, path.isTopLevel, path.root == element.name {
                    found.append(KeyEquality(name: element.name, value: value, conjunct: conjunct))
                    break
                }
            }
        }
        return found
    }

    /// UPDATE, DELETE and EXISTS name one item: every key attribute by equality.
    static func fullKey(_ condition: PartiQLCondition, schema: KeySchema) throws -> ([KeyEquality], [PartiQLCondition]) {
        let conjuncts = condition.conjuncts
        let key = keyEqualities(conjuncts, schema: schema)
        guard key.count == schema.elements.count else { throw missingKey() }
        return (key, conjuncts.filter { c in !key.contains { $0.conjunct == c } })
    }

    /// A condition Query can take on the sort key: a comparison, BETWEEN or begins_with on it.
    static func isKeyCondition(_ condition: PartiQLCondition, on name: String) -> Bool {
        func isKey(_ o: PartiQLOperand) -> Bool { if case let .path(p) = o { return p.isTopLevel && p.root == name } else { return false } }
        func isValue(_ o: PartiQLOperand) -> Bool { if case .literal = o { return true } else { return false } }
        switch condition {
        case let .compare(a, op, b): return op != "<>" && isKey(a) && isValue(b)
        case let .between(a, low, high): return isKey(a) && isValue(low) && isValue(high)
        case let .function("begins_with", arguments): return arguments.count == 2 && isKey(arguments[0]) && isValue(arguments[1])
        default: return false
        }
    }

    // MARK: expressions

    private mutating func name(_ name: String) throws -> String {
        if let placeholder = placeholderOfName[name] { return placeholder }
        let placeholder = "#p\(names.count)"
        placeholderOfName[name] = placeholder
        names.append(.init(key: placeholder, value: .string(name)))
        return placeholder
    }

    private mutating func path(_ path: PartiQLPath) throws -> String {
        var text = ""
        for step in path.steps {
            switch step {
            case let .name(n): text += (text.isEmpty ? "" : ".") + (try name(n))
            case let .index(i): text += "[\(i)]"
            }
        }
        return text
    }

    private mutating func value(_ literal: PartiQLLiteral) throws -> String {
        let placeholder = ":p\(values.count)"
        values.append(.init(key: placeholder, value: try attributeValue(literal)))
        return placeholder
    }

    private mutating func operand(_ operand: PartiQLOperand) throws -> String {
        switch operand {
        case let .path(p): return try path(p)
        case let .literal(v): return try value(v)
        case let .size(p): return "size(\(try path(p)))"
        case let .arithmetic(a, op, b): return "\(try self.operand(a)) \(op) \(try self.operand(b))"
        case let .function(function, arguments):
            return "\(function)(\(try arguments.map { a in try self.operand(a) }.joined(separator: ", ")))"
        }
    }

    private mutating func compare(_ a: PartiQLOperand, _ op: String, _ b: PartiQLOperand) throws -> String {
        "\(try operand(a)) \(op) \(try operand(b))"
    }

    mutating func condition(_ condition: PartiQLCondition) throws -> String {
        switch condition {
        case let .compare(a, op, b):
            // `x = MISSING` / `x <> MISSING`: PartiQL's other spelling of IS [NOT] MISSING.
            if case let .path(p) = a, case .literal(.missing) = b, op == "=" || op == "<>" {
                return "\(op == "=" ? "attribute_not_exists" : "attribute_exists")(\(try path(p)))"
            }
            return try compare(a, op, b)
        case let .between(a, low, high): return "\(try operand(a)) BETWEEN \(try operand(low)) AND \(try operand(high))"
        case let .inList(a, list): return "\(try operand(a)) IN (\(try list.map { o in try operand(o) }.joined(separator: ", ")))"
        case let .missing(p, negated): return "\(negated ? "attribute_exists" : "attribute_not_exists")(\(try path(p)))"
        case let .function(function, arguments):
            return "\(function)(\(try arguments.map { a in try operand(a) }.joined(separator: ", ")))"
        case let .and(a, b): return "(\(try self.condition(a))) AND (\(try self.condition(b)))"
        case let .or(a, b): return "(\(try self.condition(a))) OR (\(try self.condition(b)))"
        case let .not(a): return "NOT (\(try self.condition(a)))"
        }
    }

    /// A literal in DynamoDB JSON, parameters put in.
    func attributeValue(_ literal: PartiQLLiteral) throws -> JSONValue {
        func typed(_ type: String, _ value: JSONValue) -> JSONValue { .object(JSONObject([.init(key: type, value: value)])) }
        switch literal {
        case let .string(s): return typed("S", .string(s))
        case let .number(n): return typed("N", .string(n))
        case let .bool(b): return typed("BOOL", .bool(b))
        case .null: return typed("NULL", .bool(true))
        case .missing: throw PartiQLError.validation("MISSING is not a value an attribute can hold")
        case let .parameter(i):
            guard i < parameters.count else { throw PartiQLError.validation("Number of parameters in request and statement don't match.") }
            return parameters[i]
        case let .list(items): return typed("L", .array(try items.map { item in try attributeValue(item) }))
        case let .map(members):
            return typed("M", .object(JSONObject(try members.map { member in .init(key: member.0, value: try attributeValue(member.1)) })))
        case let .set(items):
            var type: String?
            var elements: [JSONValue] = []
            for item in items {
                guard case let .object(o) = try attributeValue(item), o.count == 1, let member = o.members.first, ["S", "N", "B"].contains(member.key) else {
                    throw PartiQLError.validation("A set holds strings, numbers or binary values only")
                }
                if type != nil && type != member.key { throw PartiQLError.validation("A set's values must all be of one type") }
                type = member.key
                elements.append(member.value)
            }
            guard let type else { throw PartiQLError.validation("A set may not be empty") }
            return typed(type + "S", .array(elements))
        }
    }
}
