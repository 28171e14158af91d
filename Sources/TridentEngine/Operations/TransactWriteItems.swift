import Crypto
import Dispatch
import DynamoModel
import TridentStorage

/// TransactWriteItems: up to 100 `ConditionCheck`, `Put`, `Update` and `Delete` actions over one
/// or several tables, all or nothing. Each action is read and checked as its single-item
/// operation would be (`ItemWrite`); the transaction is one write job — one entry of the log, on
/// every zone at once — that checks every condition first and cancels with the reasons in order,
/// then makes every write at twice the capacity. `ClientRequestToken` makes a repeat within ten
/// minutes (by Trident's clock) a success that changes nothing.
struct TransactWriteItems {
    static let maxRequestBytes = 4 << 20
    static let idempotencySeconds = 600.0

    /// One action: its write, or for a ConditionCheck (`checksOnly`) the item it reads.
    struct Action: Sendable {
        let write: ItemWrite
        let checksOnly: Bool
    }

    let actions: [Action]
    let token: String?
    let fingerprint: [UInt8]
    let consumedCapacity: ConsumedCapacityMode
    let returnsMetrics: Bool

    init(_ request: RequestFields, engine: Engine) throws(DynamoError) {
        let list = try request.list("TransactItems")
        let token = try request.string("ClientRequestToken")
        let consumed = try request.string("ReturnConsumedCapacity")
        let metrics = try request.string("ReturnItemCollectionMetrics")

        var violations = ConstraintViolations()
        TransactionRules.addConstraints(items: list, to: &violations)
        if let token {
            if token.isEmpty { violations.add(Constraint.minLength(token, "clientRequestToken", 1)) }
            if token.count > 36 { violations.add(Constraint.maxLength(token, "clientRequestToken", 36)) }
        }
        violations.oneOf(consumed, "returnConsumedCapacity", ParameterValues.returnConsumedCapacity)
        violations.oneOf(metrics, "returnItemCollectionMetrics", ParameterValues.returnItemCollectionMetrics)
        try violations.check()

        let parsed = try (list ?? []).enumerated().map { (i, value) throws(DynamoError) in try Self.parse(value, at: i + 1) }
        if request.body.count > Self.maxRequestBytes { throw DynamoError.transactionTooLarge }
        for action in parsed { _ = try engine.dataTableEntry(action.tableName) }
        // What needs the table's schema fails the transaction as a cancellation, the first only.
        var actions: [Action] = []
        var schemaError: (index: Int, error: DynamoError)?
        for (i, action) in parsed.enumerated() {
            do {
                var write = try action.itemWrite(engine)
                write.returnsMetrics = metrics == "SIZE"
                actions.append(Action(write: write, checksOnly: action.checksOnly))
            } catch {
                if schemaError == nil { schemaError = (i, error) }
            }
        }
        try TransactionRules.checkDistinct(actions.map { TransactionRules.itemKey(table: $0.write.entry.definition.name, key: $0.write.key) })
        try TransactionRules.cancel(for: schemaError, actions: parsed.count)
        self.actions = actions
        self.token = token
        // The body holds the token too, so equal digests under one token mean equal parameters.
        self.fingerprint = token == nil ? [] : Array(SHA256.hash(data: request.body))
        self.consumedCapacity = ConsumedCapacityMode(consumed)
        self.returnsMetrics = metrics == "SIZE"
    }

    /// One member of `TransactItems` as the request alone shows it: exactly one of the four actions.
    enum Parsed {
        case check(ConditionalWriteRequest)
        case put(ConditionalWriteRequest)
        case update(UpdateItem)
        case delete(ConditionalWriteRequest)

        var tableName: String {
            switch self {
            case let .check(r), let .put(r), let .delete(r): r.tableName
            case let .update(r): r.tableName
            }
        }

        var checksOnly: Bool {
            if case .check = self { true } else { false }
        }

        /// The write, checked against its table's schema.
        func itemWrite(_ engine: Engine) throws(DynamoError) -> ItemWrite {
            switch self {
            case let .check(r), let .delete(r): try DeleteItem.itemWrite(r, engine)
            case let .put(r): try PutItem.itemWrite(r, engine)
            case let .update(r): try r.itemWrite(engine)
            }
        }
    }

    private static func parse(_ value: JSONValue, at position: Int) throws(DynamoError) -> Parsed {
        let fields = try RequestFields.structure(value, type: "TransactWriteItem", asListMember: true)
        let check = try fields.structure("ConditionCheck", type: "ConditionCheck")
        let put = try fields.structure("Put", type: "Put")
        let update = try fields.structure("Update", type: "Update")
        let delete = try fields.structure("Delete", type: "Delete")
        guard [check, put, update, delete].compactMap({ $0 }).count == 1 else {
            throw DynamoError.validation("TransactItems can only contain one of Check, Put, Update or Delete")
        }
        var violations = ConstraintViolations()
        let path = "transactItems.\(position).member"
        if let check, !check.has("ConditionExpression") { violations.add(Constraint.notNull(path + ".conditionCheck.conditionExpression")) }
        if let update, !update.has("UpdateExpression") { violations.add(Constraint.notNull(path + ".update.updateExpression")) }
        try violations.check()
        if let check { return .check(try ConditionalWriteRequest(check, member: "Key")) }
        if let put { return .put(try ConditionalWriteRequest(put, member: "Item")) }
        if let update { return .update(try UpdateItem(update)) }
        return .delete(try ConditionalWriteRequest(delete!, member: "Key"))
    }

    /// What the transaction made: units per table, item collection metrics per table, and
    /// whether it was a repeat (nothing made).
    struct Outcome: Sendable {
        var shares: [String: CapacityShares] = [:]
        var metrics: [String: [ItemCollectionMetrics]] = [:]
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let transaction = try TransactWriteItems(request, engine: engine)
        if let token = transaction.token {
            guard engine.tokensInFlight.withLock({ $0.insert(token).inserted }) else { throw DynamoError.transactionInProgress }
        }
        let names = transaction.actions.reduce(into: [String]()) { names, action in
            if !names.contains(action.write.entry.definition.name) { names.append(action.write.entry.definition.name) }
        }
        let holds = engine.transactionHolds
        let finish: Reply = { result in
            if let token = transaction.token { _ = engine.tokensInFlight.withLock { $0.remove(token) } }
            reply(result)
        }
        // With a transaction window the items stay held, and the answer waits, until it ends.
        let window = holds?.milliseconds ?? 0
        let answer: Reply = { result in
            guard window > 0, case .success = result else { return finish(result) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(window)) { finish(result) }
        }
        let now = engine.clock.now
        let collectionLimit = engine.configuration.itemCollectionLimitBytes
        engine.write("TransactWriteItems", reply: answer) { draft in
            try transaction.decide(&draft, now: now, holds: holds, collectionLimit: collectionLimit)
        } respond: { outcome in
            var w = JSONWriter()
            w.beginObject()
            if transaction.consumedCapacity != .none {
                ConsumedCapacityReport(mode: transaction.consumedCapacity, entries: names.map { ($0, outcome.shares[$0] ?? CapacityShares()) })
                    .write(to: &w, asList: true)
            }
            if transaction.returnsMetrics, !outcome.metrics.isEmpty {
                w.key("ItemCollectionMetrics")
                w.beginObject()
                for name in names {
                    guard let list = outcome.metrics[name] else { continue }
                    w.key(name)
                    w.beginArray()
                    for m in list { m.write(to: &w) }
                    w.endArray()
                }
                w.endObject()
            }
            w.endObject()
            return w.bytes
        }
    }

    /// The transaction on the writer: the token, every condition, then every write — or a
    /// cancellation with each action's reason and nothing written or charged.
    private func decide(_ draft: inout WriteDraft, now: Double, holds: TransactionHolds?, collectionLimit: Int) throws -> Outcome {
        if let token {
            if let record = try TransactionTokens.record(draft.reader, token: token), now - record.time < Self.idempotencySeconds {
                guard record.fingerprint == fingerprint else { throw DynamoError.idempotentParameterMismatch }
                return try repeated(&draft)
            }
        }
        var found: [ItemWrite.Found] = []
        var reasons = [CancellationReason](repeating: .none, count: actions.count)
        var cancelled = false
        for (i, action) in actions.enumerated() {
            let item = try action.write.find(draft.reader)
            found.append(item)
            if let holds, holds.isHeld(table: item.table.number, itemKey: action.write.key.storageKey) {
                reasons[i] = .transactionConflict
                cancelled = true
            } else if let failure = action.write.condition.failure(on: item.old) {
                reasons[i] = .conditionalCheckFailed(item: failure.item)
                cancelled = true
            }
        }
        if cancelled { throw DynamoError.transactionCanceled(reasons) }

        var outcome = Outcome()
        for (i, action) in actions.enumerated() {
            let name = found[i].table.name
            if action.checksOnly {
                // Sources do not say what a check costs; as the write of the item it reads, doubled.
                let units = 2 * CapacityUnits.write(oldBytes: found[i].stored?.size, newBytes: nil)
                do {
                    try draft.charge(units, .write, table: found[i].table)
                } catch {
                    return try cancel(&draft, at: i, reason: .throughputExceeded)
                }
                outcome.shares[name, default: CapacityShares()] += CapacityShares(table: units)
                continue
            }
            do {
                let made = try action.write.apply(found[i], to: &draft, factor: 2, collectionLimit: collectionLimit)
                outcome.shares[name, default: CapacityShares()] += made.shares
                if let metrics = made.metrics { outcome.metrics[name, default: []].append(metrics) }
            } catch let error as DynamoError {
                switch error.code {
                case "ProvisionedThroughputExceededException":
                    return try cancel(
                        &draft, at: i, reason: error == .indexThroughputExceeded ? .indexThroughputExceeded : .throughputExceeded)
                case "ItemCollectionSizeLimitExceededException":
                    return try cancel(&draft, at: i, reason: .itemCollectionSizeLimitExceeded)
                default:
                    throw error
                }
            }
        }
        if let token {
            TransactionTokens.save(TransactionTokens.Record(time: now, fingerprint: fingerprint), token: token, into: &draft.changes)
        }
        holds?.hold(actions.indices.map { (found[$0].table.number, actions[$0].write.key.storageKey) })
        return outcome
    }

    /// A repeat within the window changes nothing; it costs, and reports, reading the items.
    private func repeated(_ draft: inout WriteDraft) throws -> Outcome {
        var outcome = Outcome()
        for action in actions {
            let found = try action.write.find(draft.reader)
            let units = CapacityUnits.read(bytes: found.stored?.size ?? 0, consistent: true)
            try draft.charge(units, .read, table: found.table)
            outcome.shares[found.table.name, default: CapacityShares()] += CapacityShares(table: units)
        }
        return outcome
    }

    /// Cancels for one action's capacity or collection size: nothing written, nothing charged.
    private func cancel(_ draft: inout WriteDraft, at index: Int, reason: CancellationReason) throws -> Outcome {
        draft.refundCharges()
        var reasons = [CancellationReason](repeating: .none, count: actions.count)
        reasons[index] = reason
        throw DynamoError.transactionCanceled(reasons)
    }
}
