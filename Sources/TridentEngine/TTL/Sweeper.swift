import DynamoModel
import Foundation
import Logging
import TridentStorage

/// Deletes expired items: every `interval` seconds, and at once when asked (after the clock moves).
/// It walks each TTL-enabled table's expiry index from five years ago up to now — so its cost
/// grows with the expired items, not the table — and deletes through the ordinary write path (so
/// the deletes replicate), re-checking each item's expiry in the write transaction in case it
/// changed meanwhile. A failing table is logged and retried next pass; the loop never dies.
final class Sweeper: Sendable {
    private unowned let engine: Engine
    private let interval: Double
    private let finished = DispatchSemaphore(value: 0)
    let rule: ExpiryRule
    private let requests = BlockingWaiter()
    /// Items deleted per write transaction.
    static let batchSize = 1000

    init(engine: Engine, interval: Double, rule: ExpiryRule) {
        self.engine = engine
        self.interval = max(0.01, interval)
        self.rule = rule
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "trident-ttl-sweeper"
        thread.start()
    }

    /// Stops the loop and waits for a sweep in progress to end.
    func stop() {
        requests.close()
        finished.wait()
    }

    /// Runs a sweep soon and calls `done` once its deletes are durable.
    func sweepNow(_ done: @escaping @Sendable () -> Void) {
        requests.request(done)
    }

    private func loop() {
        while let waiting = requests.wait(timeout: interval) {
            _ = sweep()
            for done in waiting { done() }
        }
        finished.signal()
    }

    /// One pass over every TTL-enabled table; returns how many items were deleted.
    @discardableResult
    func sweep() -> Int {
        var deleted = 0
        let now = engine.clock.now
        guard let range = rule.dueRange(now: now) else { return 0 }
        for table in engine.tables.all where table.ttlAttribute != nil {
            do {
                while true {
                    let due = try engine.replication.read(consistent: true) { reader in
                        try ExpiryIndex.due(reader, table: table.number, in: range, limit: Self.batchSize)
                    }
                    if due.isEmpty { break }
                    deleted += try deleteExpired(table: table.name, keys: due.map(\.itemKey), now: now)
                    if due.count < Self.batchSize { break }
                }
            } catch {
                engine.logger.error("TTL sweep of table \(table.name) failed: \(error)")
            }
        }
        return deleted
    }

    /// Deletes the items that are still expired when the write runs; waits for it to be durable.
    private func deleteExpired(table name: String, keys: [[UInt8]], now: Double) throws -> Int {
        let rule = self.rule
        let result = engine.writeAndWait { draft in
            guard let table = try Catalog.table(draft.reader, name: name), let attribute = table.ttlAttribute else { return 0 }
            var count = 0
            for key in keys {
                guard let item = try ItemTable.stored(draft.reader, table: table.number, itemKey: key),
                    let expiry = try item.expiry(attribute: attribute), rule.isDue(expiry, now: now)
                else { continue }
                try ItemTable.write(table: table, itemKey: key, old: item, new: nil, reader: draft.reader, into: &draft.changes)
                count += 1
            }
            return count
        }
        return try result.get()
    }
}

/// The sweeper's wake-up: a timeout, or callers waiting for a sweep.
final class BlockingWaiter: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [@Sendable () -> Void] = []
    private var closed = false

    func request(_ done: @escaping @Sendable () -> Void) {
        condition.lock()
        waiting.append(done)
        condition.signal()
        condition.unlock()
    }

    /// The callers to notify after the next sweep (possibly none); nil once closed.
    func wait(timeout: Double) -> [@Sendable () -> Void]? {
        condition.lock()
        defer { condition.unlock() }
        if waiting.isEmpty && !closed { _ = condition.wait(until: Date(timeIntervalSinceNow: timeout)) }
        if closed { return nil }
        let taken = waiting
        waiting.removeAll()
        return taken
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
