import DynamoModel
import Synchronization
import TridentStorage

/// What the console's TTL panel shows: the items that expire next, and the last deletions the
/// sweeper made (kept in memory, the newest 100 across all tables).
final class RecentExpiries: Sendable {
    static let capacity = 100
    private let entries = Mutex<[Engine.ExpiredItem]>([])

    func record(_ deleted: [Engine.ExpiredItem]) {
        guard !deleted.isEmpty else { return }
        entries.withLock { all in
            all.append(contentsOf: deleted.suffix(Self.capacity))
            if all.count > Self.capacity { all.removeFirst(all.count - Self.capacity) }
        }
    }

    func of(table: String) -> [Engine.ExpiredItem] {
        entries.withLock { all in all.filter { $0.table == table } }
    }
}

extension Engine {
    public struct ExpiredItem: Sendable {
        public let table: String
        /// The item's key attributes.
        public let key: Item
        public let expiresAt: UInt64
        /// By Trident's clock.
        public let deletedAt: Double
    }

    public struct ExpiryView: Sendable {
        public let attribute: String?
        public let now: Double
        /// The next items to expire, soonest first (some may be due and not yet swept).
        public let upcoming: [(key: Item, expiresAt: UInt64)]
        /// The sweeper's latest deletions in this table, oldest first.
        public let deleted: [ExpiredItem]
    }

    /// The TTL panel's figures for one table; nil when there is no such table.
    public func expiryView(table name: String, limit: Int) throws -> ExpiryView? {
        guard let table = tables.table(name) else { return nil }
        let now = clock.now
        let deleted = recentExpiries.of(table: name)
        guard table.ttlAttribute != nil else { return ExpiryView(attribute: nil, now: now, upcoming: [], deleted: deleted) }
        let lower = ExpiryRule.oldestHonoured(now: now)
        let upcoming = try replication.read(consistent: true) { reader in
            try ExpiryIndex.due(reader, table: table.number, in: lower...UInt64.max, limit: limit).compactMap { entry -> (Item, UInt64)? in
                guard let stored = try ItemTable.stored(reader, table: table.number, itemKey: entry.itemKey) else { return nil }
                return (Self.keyAttributes(of: try stored.item(), in: table), entry.expiry)
            }
        }
        return ExpiryView(attribute: table.ttlAttribute, now: now, upcoming: upcoming, deleted: deleted)
    }

    static func keyAttributes(of item: Item, in table: TableDefinition) -> Item {
        var key = Item()
        for element in table.keySchema.elements { key[element.name] = item[element.name] }
        return key
    }
}
