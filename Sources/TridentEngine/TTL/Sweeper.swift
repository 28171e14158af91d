import Dispatch
import DynamoModel
import Logging
import Synchronization
import TridentStorage

/// Deletes expired items: every `interval` seconds, and at once when asked (after the clock moves).
/// It walks each TTL-enabled table's expiry index from five years ago up to now — so its cost
/// grows with the expired items, not the table — and deletes through the ordinary write path (so
/// the deletes replicate), re-checking each item's expiry in the write transaction in case it
/// changed meanwhile. A failing table is logged and retried next pass; the sweeps never stop.
/// They run on a serial queue of their own, since each waits for its deletes to be durable.
final class Sweeper: Sendable {
    private unowned let engine: Engine
    private let interval: Double
    private let queue = DispatchQueue(label: "trident-ttl-sweeper")
    private let stopped = Atomic(false)
    let rule: ExpiryRule
    /// Items deleted per write transaction.
    static let batchSize = 1000

    init(engine: Engine, interval: Double, rule: ExpiryRule) {
        self.engine = engine
        self.interval = max(0.01, interval)
        self.rule = rule
    }

    func start() {
        queue.asyncAfter(deadline: .now() + interval) { [self] in
            guard !stopped.load(ordering: .acquiring) else { return }
            sweep()
            start()
        }
    }

    /// Stops the sweeps and waits for one in progress to end.
    func stop() {
        stopped.store(true, ordering: .releasing)
        queue.sync {}
    }

    /// Runs a sweep soon and calls `done` once its deletes are durable.
    func sweepNow(_ done: @escaping @Sendable () -> Void) {
        queue.async { [self] in
            if !stopped.load(ordering: .acquiring) { sweep() }
            done()
        }
    }

    /// One pass over every TTL-enabled table; returns how many items were deleted.
    @discardableResult
    func sweep() -> Int {
        var deleted = 0
        let now = engine.clock.now
        guard let range = rule.dueRange(now: now) else { return 0 }
        forgetExpiredTokens(now: now)
        trimStreams(now: now)
        for table in engine.tables.all where table.ttlAttribute != nil {
            do {
                while true {
                    let due = try engine.replication.read(consistent: true) { reader in
                        try ExpiryIndex.due(reader, table: table.number, in: range, limit: Self.batchSize)
                    }
                    if due.isEmpty { break }
                    let gone = try deleteExpired(table: table.name, keys: due.map(\.itemKey), now: now)
                    engine.ttlDeleted.add(gone.count, ordering: .relaxed)
                    engine.recentExpiries.record(gone)
                    deleted += gone.count
                    if due.count < Self.batchSize { break }
                }
            } catch {
                engine.logger.error("TTL sweep of table \(table.name) failed: \(error)")
            }
        }
        return deleted
    }

    /// Deletes stream records older than the retention period, and streams disabled for longer.
    private func trimStreams(now: Double) {
        let horizon = now - TableStream.retentionSeconds
        for table in engine.tables.all where !table.streams.isEmpty {
            do {
                for stream in table.streams {
                    // Most passes find nothing to trim: only a read then.
                    let oldest = try engine.replication.read(consistent: true) { try StreamLog.oldestTime($0, stream: stream.number) }
                    guard let oldest, oldest < horizon else { continue }
                    while try engine.writeAndWait({ draft in
                        try StreamLog.trim(draft.reader, stream: stream.number, before: horizon, limit: Self.batchSize, into: &draft.changes)
                    }).get() == Self.batchSize {}
                }
                guard table.streams.contains(where: { ($0.disabledAt ?? now) < horizon }) else { continue }
                let updated = try engine.writeAndWait { draft -> TableDefinition? in
                    guard var current = try Catalog.table(draft.reader, name: table.name), current.id == table.id else { return nil }
                    for stream in current.streams where (stream.disabledAt ?? now) < horizon {
                        StreamLog.drop(stream: stream.number, into: &draft.changes)
                    }
                    current.streams.removeAll { ($0.disabledAt ?? now) < horizon }
                    Catalog.save(current, &draft.changes)
                    return current
                }.get()
                if let updated { engine.tables.store(updated) }
            } catch {
                engine.logger.error("trimming the streams of \(table.name) failed: \(error)")
            }
        }
    }

    /// Drops the transaction tokens past their idempotency window (the other thing that expires).
    private func forgetExpiredTokens(now: Double) {
        let before = now - TransactWriteItems.idempotencySeconds
        do {
            while true {
                let old = try engine.replication.read(consistent: true) { reader in
                    try TransactionTokens.recordedBefore(before, reader, limit: Self.batchSize)
                }
                if old.isEmpty { return }
                _ = try engine.writeAndWait { draft in
                    for token in old { TransactionTokens.forget(token, into: &draft.changes) }
                }.get()
                if old.count < Self.batchSize { return }
            }
        } catch {
            engine.logger.error("forgetting old transaction tokens failed: \(error)")
        }
    }

    /// Deletes the items that are still expired when the write runs; waits for it to be durable.
    private func deleteExpired(table name: String, keys: [[UInt8]], now: Double) throws -> [Engine.ExpiredItem] {
        let rule = self.rule
        let result = engine.writeAndWait { draft -> [Engine.ExpiredItem] in
            guard let table = try Catalog.table(draft.reader, name: name), let attribute = table.ttlAttribute else { return [] }
            var gone: [Engine.ExpiredItem] = []
            for key in keys {
                guard let item = try ItemTable.stored(draft.reader, table: table.number, itemKey: key),
                    let expiry = try item.expiry(attribute: attribute), rule.isDue(expiry, now: now)
                else { continue }
                // Decoded once: the write needs it (indexes, stream records), the console its key.
                let decoded = try item.item()
                try ItemTable.write(
                    table: table, itemKey: key, old: item, oldItem: decoded, new: nil, reader: draft.reader, into: &draft.changes, byTTL: true)
                gone.append(Engine.ExpiredItem(table: name, key: Engine.keyAttributes(of: decoded, in: table), expiresAt: expiry, deletedAt: now))
            }
            return gone
        }
        return try result.get()
    }
}
