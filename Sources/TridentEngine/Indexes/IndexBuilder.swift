import Dispatch
import DynamoModel
import Synchronization
import TridentStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Builds and drops global secondary indexes in the background, on a serial queue of its own, in
/// write transactions of `chunkSize` items through the ordinary write path (so they are logged,
/// and concurrent writes wait at most one chunk). A backfill walks the table in key order adding
/// each item's entry — writes meanwhile maintain the index themselves — and marks the index
/// ACTIVE at the end; a deleted index's entries go in one transaction with the index itself.
/// Work left when the server stopped resumes at the next start.
final class IndexBuilder: Sendable {
    private unowned let engine: Engine
    private let queue = DispatchQueue(label: "trident-index-builder")
    private let stopped = Atomic(false)
    /// Items added per second (nil: as fast as the writer takes them).
    private let rate: Int?
    static let chunkSize = 500

    init(engine: Engine, rate: Int?) {
        self.engine = engine
        self.rate = rate.map { max(1, $0) }
    }

    /// Resumes what the catalog shows unfinished.
    func resume(_ tables: [TableDefinition]) {
        for table in tables {
            for index in table.indexes where index.status == .creating { backfill(index, of: table) }
            if table.indexes.contains(where: { $0.status == .deleting }) { dropDeleting(of: table) }
        }
    }

    /// Stops, waiting for a chunk in progress.
    func stop() {
        stopped.store(true, ordering: .releasing)
        queue.sync {}
    }

    private var isStopped: Bool { stopped.load(ordering: .acquiring) }

    private enum Step: Sendable {
        /// More to do after this key; the table when this chunk changed its definition.
        case more([UInt8], TableDefinition?)
        case done(TableDefinition)
        case gone
    }

    func backfill(_ index: SecondaryIndex, of table: TableDefinition) {
        queue.async { [self] in
            let chunk = min(Self.chunkSize, rate ?? Self.chunkSize)
            var cursor: [UInt8]?
            // Progress for the terminal: every 20 chunks, and at the end.
            let began = Self.now()
            var chunks = 0
            engine.logger.info("backfilling index \(index.name) of \(table.name)")
            while !isStopped {
                let started = Self.now()
                let from = cursor
                let step = engine.writeAndWait { draft -> Step in
                    try Self.backfillChunk(draft: &draft, tableID: table.id, name: table.name, number: index.number, after: from, limit: chunk)
                }
                switch step {
                case let .success(.more(last, updated)):
                    cursor = last
                    if let updated { engine.tables.store(updated) }
                    chunks += 1
                    if chunks % 20 == 0 { engine.logger.info("backfilling index \(index.name) of \(table.name): \(chunks * chunk) items so far") }
                case let .success(.done(updated)):
                    engine.logger.info(
                        "index \(index.name) of \(table.name) is ACTIVE after \(Int(((Self.now() - began) * 1000).rounded())) ms of backfilling")
                    engine.tables.store(updated)
                    engine.capacity.tableChanged(updated)
                    return
                case .success(.gone):
                    return
                case let .failure(error):
                    engine.logger.error("building index \(index.name) of \(table.name) failed, retrying: \(error)")
                    pause(1)
                    continue
                }
                if let rate { pause(Double(chunk) / Double(rate) - (Self.now() - started)) }
            }
        }
    }

    private static func backfillChunk(
        draft: inout WriteDraft, tableID: String, name: String, number: UInt32, after: [UInt8]?, limit: Int
    ) throws -> Step {
        guard var table = try Catalog.table(draft.reader, name: name), table.id == tableID,
            let i = table.indexes.firstIndex(where: { $0.number == number }), table.indexes[i].status == .creating
        else { return .gone }
        let index = table.indexes[i]
        let prefix = BigEndian.bytes(table.number)
        var taken = 0
        var last: [UInt8]?
        var more = false
        var changes = draft.changes
        let reader = draft.reader
        try reader.walk(.items, from: after ?? prefix) { key, value in
            guard key.starts(with: prefix) else { return false }
            if let after, key.elementsEqual(after) { return true }
            guard taken < limit else {
                more = true
                return false
            }
            try IndexTable.backfill(
                index, table: table, itemKey: Array(key.dropFirst(4)), item: try ItemEncoding.decode(value), reader: reader, into: &changes)
            last = Array(key)
            taken += 1
            return true
        }
        draft.changes = changes
        if more, let last {
            // The service answers the create with Backfilling false (its allocation phase) and
            // shows true once items are being added.
            guard !index.backfilling else { return .more(last, nil) }
            table.indexes[i].backfilling = true
            Catalog.save(table, &draft.changes)
            return .more(last, table)
        }
        table.indexes[i].status = .active
        table.indexes[i].backfilling = false
        Catalog.save(table, &draft.changes)
        return .done(table)
    }

    /// Removes the table's DELETING indexes: their entries, their statistics, and the attribute
    /// definitions no key uses any more.
    func dropDeleting(of table: TableDefinition) {
        queue.async { [self] in
            guard !isStopped else { return }
            let result = engine.writeAndWait { draft -> TableDefinition? in
                guard var current = try Catalog.table(draft.reader, name: table.name), current.id == table.id else { return nil }
                for index in current.indexes where index.status == .deleting { IndexTable.drop(index, &draft.changes) }
                current.indexes.removeAll { $0.status == .deleting }
                let used = Set(current.keySchema.elements.map(\.name) + current.indexes.flatMap { $0.keySchema.elements.map(\.name) })
                current.attributeDefinitions.removeAll { !used.contains($0.name) }
                Catalog.save(current, &draft.changes)
                return current
            }
            switch result {
            case let .success(updated?):
                engine.tables.store(updated)
                engine.capacity.tableChanged(updated)
            case .success(nil):
                break
            case let .failure(error):
                engine.logger.error("dropping an index of \(table.name) failed: \(error)")
            }
        }
    }

    /// Sleeps up to `seconds`, waking early when stopped.
    private func pause(_ seconds: Double) {
        var left = seconds
        while left > 0 && !isStopped {
            let step = min(left, 0.05)
            usleep(UInt32(step * 1_000_000))
            left -= step
        }
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

extension Engine {
    func backfill(_ index: SecondaryIndex, of table: TableDefinition) {
        indexBuilder.withLock { $0 }?.backfill(index, of: table)
    }

    func dropDeletingIndexes(of table: TableDefinition) {
        indexBuilder.withLock { $0 }?.dropDeleting(of: table)
    }
}
