import DynamoModel
import Synchronization

/// Per-table metering and enforcement: token buckets for PROVISIONED tables (reads and writes
/// apart), consumed and throttled counts for every table (shown at `GET /_trident/tables`).
/// On-demand tables and `--capacity off` meter without ever throttling.
final class CapacityLimiter: Sendable {
    enum Kind: Sendable {
        case read
        case write
    }

    struct Usage: Sendable, Equatable {
        var consumedReadUnits = 0.0
        var consumedWriteUnits = 0.0
        var throttledReads = 0
        var throttledWrites = 0
        var availableReadUnits: Double?
        var availableWriteUnits: Double?
    }

    private struct TableState {
        var reads: TokenBucket?
        var writes: TokenBucket?
        var usage = Usage()
    }

    let mode: CapacityMode
    private let clock: Clock
    /// Keyed by table number (never reused): a table deleted and created again starts afresh.
    private let tables = Mutex<[UInt32: TableState]>([:])

    init(mode: CapacityMode, clock: Clock) {
        self.mode = mode
        self.clock = clock
    }

    /// Units taken from one table, to give back if the request they paid for is not carried out.
    struct Charge: Sendable {
        let units: Double
        let kind: Kind
        let table: UInt32
    }

    /// Charges `units` to the table, or throws ProvisionedThroughputExceededException (nothing charged).
    @discardableResult
    func charge(_ units: Double, _ kind: Kind, table: TableDefinition) throws(DynamoError) -> Charge {
        let now = clock.now
        let admitted = tables.withLock { all -> Bool in
            var state = all[table.number] ?? TableState()
            Self.align(&state, with: table, now: now)
            var decision = TokenBucket.Decision.admit
            if mode == .enforce {
                switch kind {
                case .read: decision = state.reads?.consume(units, now: now) ?? .admit
                case .write: decision = state.writes?.consume(units, now: now) ?? .admit
                }
            }
            switch (decision, kind) {
            case (.admit, .read): state.usage.consumedReadUnits += units
            case (.admit, .write): state.usage.consumedWriteUnits += units
            case (.throttle, .read): state.usage.throttledReads += 1
            case (.throttle, .write): state.usage.throttledWrites += 1
            }
            all[table.number] = state
            return decision == .admit
        }
        if !admitted { throw DynamoError.throughputExceeded }
        return Charge(units: units, kind: kind, table: table.number)
    }

    /// Gives back what a write took when the write could not be made (the disk was full): it then
    /// cost nothing, as a request DynamoDB fails with a 500.
    func refund(_ charges: [Charge]) {
        guard !charges.isEmpty else { return }
        let now = clock.now
        tables.withLock { all in
            for charge in charges {
                guard var state = all[charge.table] else { continue }
                switch charge.kind {
                case .read:
                    state.usage.consumedReadUnits -= charge.units
                    state.reads?.giveBack(charge.units, now: now)
                case .write:
                    state.usage.consumedWriteUnits -= charge.units
                    state.writes?.giveBack(charge.units, now: now)
                }
                all[charge.table] = state
            }
        }
    }

    /// The table's buckets follow its billing mode and provisioned rates (UpdateTable applies at once).
    private static func align(_ state: inout TableState, with table: TableDefinition, now: Double) {
        guard table.billingMode == .provisioned else {
            state.reads = nil
            state.writes = nil
            return
        }
        let read = Double(table.throughput.readCapacityUnits), write = Double(table.throughput.writeCapacityUnits)
        if state.reads == nil {
            state.reads = TokenBucket(rate: read, now: now)
        } else if state.reads!.rate != read {
            state.reads!.change(rate: read, now: now)
        }
        if state.writes == nil {
            state.writes = TokenBucket(rate: write, now: now)
        } else if state.writes!.rate != write {
            state.writes!.change(rate: write, now: now)
        }
    }

    func usage(of table: TableDefinition) -> Usage {
        let now = clock.now
        return tables.withLock { all in
            var state = all[table.number] ?? TableState()
            Self.align(&state, with: table, now: now)
            state.reads?.refill(now: now)
            state.writes?.refill(now: now)
            all[table.number] = state
            var usage = state.usage
            usage.availableReadUnits = state.reads?.tokens
            usage.availableWriteUnits = state.writes?.tokens
            return usage
        }
    }

    /// UpdateTable changed the rates: the buckets follow from this moment.
    func tableChanged(_ table: TableDefinition) {
        let now = clock.now
        tables.withLock { all in
            var state = all[table.number] ?? TableState()
            Self.align(&state, with: table, now: now)
            all[table.number] = state
        }
    }

    func forget(_ table: TableDefinition) {
        _ = tables.withLock { $0.removeValue(forKey: table.number) }
    }
}
