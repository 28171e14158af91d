import DynamoModel
import TridentStorage

/// Items loaded in bulk (`POST /_trident/tables/T/import`, `trident import`, seed files): the
/// lines of a DynamoDB export to S3 (`{"Item": {…}}`, DynamoDB JSON) or bare items, validated like
/// PutItem's, written in one transaction per call through the ordinary write path — logged,
/// replicated, indexed, with TTL — but consuming no capacity, as the service's import does not.
/// A later line with the same key replaces an earlier one.
extension Engine {
    public struct ImportProblem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses and checks every line before anything is written; nothing is written if one is bad.
    public func importItems(table name: String, lines body: [UInt8], done: @escaping @Sendable (Result<Int, ImportProblem>) -> Void) {
        let items: [(key: PrimaryKey, item: Item)]
        let entry: TableRegistry.Entry
        do {
            entry = try dataTableEntry(name)
            items = try Self.parseImport(body, table: entry.definition)
        } catch let problem as ImportProblem {
            return done(.failure(problem))
        } catch {
            return done(.failure(ImportProblem(description: "\(error)")))
        }
        guard !items.isEmpty else { return done(.success(0)) }
        replication.write(
            EngineWrite(capacity: capacity, clock: clock, operation: "Import", body: { draft in
                let table = try entry.current(in: draft.reader)
                for (key, item) in items {
                    let old = try ItemTable.stored(draft.reader, table: table.number, itemKey: key.storageKey)
                    _ = try ItemTable.write(table: table, itemKey: key.storageKey, old: old, new: item, reader: draft.reader, into: &draft.changes)
                }
                return items.count
            }) { result in
                done(result.mapError { ImportProblem(description: "\($0)") })
            })
    }

    static func parseImport(_ body: [UInt8], table: TableDefinition) throws -> [(key: PrimaryKey, item: Item)] {
        var out: [(key: PrimaryKey, item: Item)] = []
        var lineNumber = 0
        for line in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            func fail(_ why: String) -> ImportProblem { ImportProblem(description: "line \(lineNumber): \(why)") }
            guard case let .object(object)? = try? JSONReader.parse(Array(line)) else { throw fail("not a JSON object") }
            // An export line wraps the item in "Item"; a bare item is taken as it is.
            let itemObject: JSONObject
            if object.count == 1, case let .object(inner)? = object["Item"] { itemObject = inner } else { itemObject = object }
            do {
                var decoder = AttributeValueDecoder()
                let item = try decoder.decodeMap(itemObject)
                try decoder.check()
                if ItemSize.of(item) > ItemSize.maxItemBytes { throw DynamoError.itemTooLarge }
                let key = try PrimaryKey.of(item: item, schema: table.keySchema)
                if !table.indexes.isEmpty { try IndexKeyValues.check(item, table: table) }
                out.append((key, item))
            } catch let error as DynamoError {
                throw fail("\(error.code): \(error.message)")
            }
        }
        // Every write in the transaction reads the store as it was before it: a key written twice
        // would count twice in the statistics and leave a stale index entry. The last line wins.
        var last: [[UInt8]: Int] = [:]
        for (i, entry) in out.enumerated() { last[entry.key.storageKey] = i }
        return last.count == out.count ? out : out.indices.filter { last[out[$0].key.storageKey] == $0 }.map { out[$0] }
    }
}
