import DynamoModel

/// The admin API's control over global secondary indexes: how far their reads lag behind writes.
extension Engine {
    /// Milliseconds a write takes to reach the reads of a global index.
    func indexLag(_ index: SecondaryIndex) -> Int {
        indexLags.withLock { $0[index.number] } ?? configuration.gsiLagMilliseconds
    }

    /// Sets the propagation delay of one global index; nil, or the reason it could not.
    public func setIndexLag(milliseconds: Int, table name: String, index indexName: String) -> String? {
        guard milliseconds >= 0 else { return "ms must be zero or more" }
        guard let table = tables.table(name) else { return "No table named \(name)" }
        guard let index = table.index(named: indexName) else { return "Table \(name) has no index named \(indexName)" }
        guard index.kind == .global else { return "\(indexName) is a local secondary index: local indexes are updated with their table, as in DynamoDB" }
        let longest = indexLags.withLock { lags in
            lags[index.number] = milliseconds
            return max(configuration.gsiLagMilliseconds, lags.values.max() ?? 0)
        }
        replication.setPropagationLag(longest)
        return nil
    }
}
