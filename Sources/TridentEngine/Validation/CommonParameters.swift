import DynamoModel

/// Enumerations shared by the item operations, listed in DynamoDB's own order (its messages print them so).
enum ParameterValues {
    static let returnConsumedCapacity = ["INDEXES", "TOTAL", "NONE"]
    static let returnValues = ["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"]
    static let returnItemCollectionMetrics = ["SIZE", "NONE"]
    static let conditionalOperator = ["OR", "AND"]
    static let returnValuesOnConditionCheckFailure = ["ALL_OLD", "NONE"]
    static let select = ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"]
}

/// Looks up the table a data-plane request names (after its validation, as DynamoDB orders it).
extension Engine {
    func dataTable(_ name: String) throws(DynamoError) -> TableDefinition {
        try dataTableEntry(name).definition
    }
}

extension AttributeValueDecoder {
    /// Decodes an optional attribute map member (`Item`, `Key`), keeping semantic problems for later.
    mutating func decodeMap(_ request: RequestFields, _ key: String) throws(DynamoError) -> Item? {
        guard let object = try request.map(key) else { return nil }
        return try decodeMap(object)
    }
}
