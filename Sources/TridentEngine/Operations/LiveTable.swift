import DynamoModel
import TridentStorage

extension TableRegistry.Entry {
    /// The table as the write transaction sees it: the validated table if unchanged, its newer
    /// definition (TTL or throughput changed), or ResourceNotFound when it was deleted or re-created
    /// after the request was validated.
    func current(in reader: StoreReader) throws -> TableDefinition {
        guard let bytes = try Catalog.definitionBytes(reader, name: definition.name) else { throw DynamoError.resourceNotFound }
        if bytes == storedBytes { return definition }
        let table = try TableDefinition(storageJSON: bytes)
        guard table.id == definition.id else { throw DynamoError.resourceNotFound }
        return table
    }
}

extension Engine {
    func dataTableEntry(_ name: String) throws(DynamoError) -> TableRegistry.Entry {
        guard let entry = tables.entry(name), transient?.transition(name)?.status != .creating else { throw DynamoError.resourceNotFound }
        return entry
    }
}
