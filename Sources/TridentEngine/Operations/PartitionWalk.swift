import DynamoExpressions
import DynamoModel
import TridentStorage

/// What a Query or Scan reads: a table's items, or the entries of one of its indexes.
enum ReadSource: Sendable {
    case table(TableDefinition)
    case index(SecondaryIndex, of: TableDefinition)

    var table: TableDefinition {
        switch self {
        case let .table(t), let .index(_, t): t
        }
    }

    var index: SecondaryIndex? {
        if case let .index(index, _) = self { return index }
        return nil
    }

    /// The key the reads are ordered and conditioned by.
    var keySchema: KeySchema {
        index?.keySchema ?? table.keySchema
    }

    /// The attributes that identify an item or entry: LastEvaluatedKey's and ExclusiveStartKey's.
    var keyNames: [String] {
        index?.entryKeyNames(tableKeys: table.keySchema) ?? table.keySchema.elements.map(\.name)
    }

    var database: StoreDatabase {
        index == nil ? .items : .indexes
    }

    /// The number every storage key of the source starts with.
    var number: UInt32 {
        index?.number ?? table.number
    }

    /// The storage key of the item or entry `key` (holding `keyNames`) identifies.
    func storageKey(of key: Item) throws(DynamoError) -> [UInt8] {
        let tableKey = try PrimaryKey.exact(key.filter { table.keySchema.isKey($0.key) }, schema: table.keySchema)
        guard let index else { return ItemTable.storageKey(table: table.number, itemKey: tableKey.storageKey) }
        guard let values = index.keyValues(of: key) else { throw DynamoError.validation("The provided starting key is invalid") }
        return IndexKeyEncoding.entryKey(index: index.number, partition: values.partition, sort: values.sort, tableItemKey: tableKey.storageKey)
    }
}

/// Walks one partition of a table or index in sort-key order. Storage keys order items by their
/// encoded sort key; items whose sort key was too long for LMDB share a truncated prefix and are
/// stored in digest order, so such groups are gathered and sorted by value before they are offered.
/// In an index several entries can share a sort value: they follow their storage keys' order,
/// which is also how a walk resumes after one of them.
struct PartitionWalk {
    let source: ReadSource
    let partition: AttributeValue
    let sort: KeyConditions.SortCondition?
    /// Resume after this position (ExclusiveStartKey).
    let after: Position?
    let forward: Bool

    struct Position {
        let sortValue: AttributeValue?
        let storageKey: [UInt8]
    }

    private enum Place {
        case before
        case inside
        case beyond
    }

    /// Where an entry lies against the condition and the start position, in the walk's direction.
    private func place(_ value: AttributeValue?, _ key: UnsafeRawBufferPointer) -> Place {
        if let after {
            var o = value.flatMap { v in after.sortValue.flatMap { Evaluator.order(v, $0) } } ?? 0
            if o == 0 && source.index != nil {
                o = key.lexicographicallyPrecedes(after.storageKey) ? -1 : (key.elementsEqual(after.storageKey) ? 0 : 1)
            }
            if forward ? o <= 0 : o >= 0 { return .before }
        }
        guard let sort, let value, !sort.holds(value) else { return .inside }
        return sort.isBelow(value) == forward ? .before : .beyond
    }

    /// Offers matching items (or entries) to `offer` until it returns false or the partition is done.
    func run(_ reader: StoreReader, offer: (Item) throws -> Bool) throws {
        let prefix: [UInt8]
        let groupLength: Int
        let isTruncated: (UnsafeRawBufferPointer) -> Bool
        switch source {
        case let .table(table):
            let digest = KeyEncoding.partitionDigest(partition)
            prefix = ItemTable.storageKey(table: table.number, itemKey: digest)
            groupLength = 4 + KeyEncoding.digestLength + KeyEncoding.truncatedPrefixLength
            isTruncated = { KeyEncoding.isTruncated(itemKey: $0.dropFirst(4)) }
            if table.keySchema.sort == nil {
                if let item = try ItemTable.item(reader, table: table.number, itemKey: digest), item[table.keySchema.partition.name] == partition,
                    after == nil
                {
                    _ = try offer(item)
                }
                return
            }
        case let .index(index, _):
            prefix = IndexKeyEncoding.partitionPrefix(index: index.number, partition: partition)
            groupLength = IndexKeyEncoding.fullSortedKeyLength - IndexKeyEncoding.tableKeyDigestLength
            isTruncated = { IndexKeyEncoding.isTruncated(entryKey: $0) }
        }
        let partitionName = source.keySchema.partition.name
        let sortName = source.keySchema.sort?.name
        var group: [(item: Item, key: [UInt8])] = []
        var groupPrefix: [UInt8] = []
        var going = true

        /// Offers one item in order; false when the walk should end.
        func take(_ item: Item, _ key: UnsafeRawBufferPointer) throws -> Bool {
            let value = sortName.flatMap { item[$0] }
            if sortName != nil && value == nil { return true }
            switch place(value, key) {
            case .before: return true
            case .beyond: return false
            case .inside: return try offer(item)
            }
        }
        func flush() throws -> Bool {
            guard !group.isEmpty else { return true }
            defer { group.removeAll() }
            let ordered = group.sorted { a, b in
                var o = Evaluator.order(a.item[sortName!]!, b.item[sortName!]!) ?? 0
                if o == 0 { o = a.key.lexicographicallyPrecedes(b.key) ? -1 : 1 }
                return forward ? o < 0 : o > 0
            }
            for entry in ordered where !(try entry.key.withUnsafeBytes { try take(entry.item, $0) }) { return false }
            return true
        }

        try reader.walk(source.database, from: seekKey(prefix), forward: forward) { key, value in
            guard key.starts(with: prefix) else { return false }
            let item = try ItemEncoding.decode(value)
            // Another partition whose key has the same digest (never seen in practice): not ours.
            guard item[partitionName] == partition else { return true }
            if sortName != nil, isTruncated(key) {
                let p = Array(key.prefix(groupLength))
                if p != groupPrefix {
                    guard try flush() else {
                        going = false
                        return false
                    }
                    groupPrefix = p
                }
                group.append((item, Array(key)))
                return true
            }
            guard try flush(), try take(item, key) else {
                going = false
                return false
            }
            return true
        }
        if going { _ = try flush() }
    }

    /// Where to start: at the lowest (forward) or highest (backward) stored key that can match.
    private func seekKey(_ prefix: [UInt8]) -> [UInt8] {
        if source.index != nil {
            if forward {
                let lowest = [sort?.lowerBound, after?.sortValue].compactMap { $0 }.map { IndexKeyEncoding.lowerSeek(prefix, $0) }
                return lowest.max { $0.lexicographicallyPrecedes($1) } ?? prefix
            }
            var bounds = [sort?.upperBound, after?.sortValue].compactMap { $0 }
            if case let .beginsWith(p)? = sort { bounds.append(p) }
            let highest = bounds.map { IndexKeyEncoding.upperSeek(prefix, $0) }
            return highest.min { $0.lexicographicallyPrecedes($1) } ?? prefix + [UInt8](repeating: 0xFF, count: 511 - prefix.count)
        }
        func stored(_ value: AttributeValue) -> [UInt8] {
            Array(KeyEncoding.sortEncoding(value).prefix(KeyEncoding.truncatedPrefixLength))
        }
        if forward {
            let candidates = [sort?.lowerBound, after?.sortValue].compactMap { $0 }.map(stored)
            return prefix + (candidates.max { $0.lexicographicallyPrecedes($1) } ?? [])
        }
        var bounds = [sort?.upperBound, after?.sortValue].compactMap { $0 }
        if case let .beginsWith(p)? = sort { bounds.append(p) }
        guard let lowest = bounds.map(stored).min(by: { $0.lexicographicallyPrecedes($1) }) else {
            return prefix + [UInt8](repeating: 0xFF, count: KeyEncoding.maxSortPartLength + 1)
        }
        return prefix + lowest + [UInt8](repeating: 0xFF, count: KeyEncoding.truncationDigestLength + 1)
    }
}
