/// The errors of ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.
extension DynamoError {
    public static let duplicateItem = DynamoError(type: dynamoNamespace + "DuplicateItemException", message: "Duplicate primary key exists in table")

    /// A statement that does not parse: where, and what was found there.
    public static func statementSyntax(_ problem: String, line: Int, column: Int) -> DynamoError {
        validation("Statement wasn't well formed, can't be processed: \(problem) at line \(line), column \(column)")
    }

    public static let parameterCountMismatch = validation("Number of parameters in request and statement don't match.")

    public static let existsOutsideTransaction = validation("EXISTS is supported only in ExecuteTransaction")
}
