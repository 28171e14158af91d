import DynamoModel

/// What TransactWriteItems and TransactGetItems check alike, in the service's order: the length
/// of `TransactItems`, one operation per item, and a schema problem as a cancellation.
enum TransactionRules {
    static let maxActions = 100

    static func addConstraints(items list: [JSONValue]?, to violations: inout ConstraintViolations) {
        guard let list else { return violations.add(Constraint.notNull("transactItems")) }
        if list.isEmpty { violations.add(Constraint.minLength("[]", "transactItems", 1)) }
        if list.count > maxActions { violations.add(Constraint.maxLength("[…]", "transactItems", maxActions)) }
    }

    /// `table name ‖ 0 ‖ item key`: one item across tables.
    static func itemKey(table: String, key: PrimaryKey) -> [UInt8] {
        Array(table.utf8) + [0] + key.storageKey
    }

    static func checkDistinct(_ items: [[UInt8]]) throws(DynamoError) {
        var seen = Set<[UInt8]>()
        for item in items where !seen.insert(item).inserted { throw DynamoError.multipleOperationsOnOneItem }
    }

    /// A problem that needs the table's schema cancels the transaction, with the first one as that
    /// action's `ValidationError` (the service reports no other).
    static func cancel(for problem: (index: Int, error: DynamoError)?, actions: Int) throws(DynamoError) {
        guard let (index, error) = problem else { return }
        var reasons = [CancellationReason](repeating: .none, count: actions)
        reasons[index] = .validationError(error)
        throw DynamoError.transactionCanceled(reasons)
    }
}
