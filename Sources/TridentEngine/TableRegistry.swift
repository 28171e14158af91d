import DynamoModel
import Synchronization
import TridentStorage

/// The leader's catalog, in memory: what every request consults to find its table without a
/// storage read. Changed only after the catalog change has committed.
final class TableRegistry: Sendable {
    /// A class, so a lookup hands out one reference instead of copying (and retaining) every
    /// field of the definition.
    final class Entry: Sendable {
        let definition: TableDefinition
        /// The stored bytes: a write job compares them with the catalog inside its transaction to
        /// know the table is still the one it validated against.
        let storedBytes: [UInt8]

        init(definition: TableDefinition, storedBytes: [UInt8]) {
            self.definition = definition
            self.storedBytes = storedBytes
        }
    }

    private let entries = Mutex<[String: Entry]>([:])

    func load(_ tables: [TableDefinition]) {
        entries.withLock { map in
            map.removeAll()
            for table in tables { map[table.name] = Entry(definition: table, storedBytes: table.storageJSON()) }
        }
    }

    func table(_ name: String) -> TableDefinition? {
        entries.withLock { $0[name]?.definition }
    }

    func entry(_ name: String) -> Entry? {
        entries.withLock { $0[name] }
    }

    var names: [String] {
        entries.withLock { Array($0.keys) }.sorted()
    }

    var all: [TableDefinition] { page(after: nil, prefix: "", limit: .max) }

    var count: Int { entries.withLock { $0.count } }

    /// A page of the tables in name order. Names are sorted, not definitions: those are large to move.
    func page(after: String?, prefix: String, limit: Int) -> [TableDefinition] {
        entries.withLock { map in
            map.keys.filter { name in (after.map { name > $0 } ?? true) && name.hasPrefix(prefix) }.sorted().prefix(limit).map { map[$0]!.definition }
        }
    }

    func store(_ table: TableDefinition) {
        entries.withLock { $0[table.name] = Entry(definition: table, storedBytes: table.storageJSON()) }
    }

    func remove(_ name: String) {
        _ = entries.withLock { $0.removeValue(forKey: name) }
    }
}
