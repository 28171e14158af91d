import DynamoModel
import Synchronization

/// Per-table metering and enforcement: token buckets for PROVISIONED tables and their global
/// indexes (reads and writes apart), consumed and throttled counts for every table and index
/// (shown at `GET /_trident/tables`).
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
    /// Keyed by table or index number (never reused): a table deleted and created again starts afresh.
    private let tables = Mutex<[UInt32: TableState]>([:])

    init(mode: CapacityMode, clock: Clock) {
        self.mode = mode
        self.clock = clock
        ledger = CostLedger(clock: clock)
    }

    /// Units taken from one table or index, to give back if the request they paid for is not carried out.
    struct Charge: Sendable {
        let units: Double
        let kind: Kind
        let table: UInt32
        /// Where the cost report counted it.
        let entry: CostLedger.Key
    }

    /// What each table's operations consumed, for the cost report.
    let ledger: CostLedger

    /// What a charge draws on: a table, or a global index with its own throughput (local indexes
    /// draw on their table).
    struct Meter: Sendable {
        let number: UInt32
        let billingMode: BillingMode
        let throughput: ProvisionedThroughput
        /// The table the units are billed to (an index's are its table's).
        let tableName: String

        init(_ table: TableDefinition) {
            number = table.number
            billingMode = table.billingMode
            throughput = table.throughput
            tableName = table.name
        }

        init(_ index: SecondaryIndex, of table: TableDefinition) {
            number = index.number
            billingMode = table.billingMode
            throughput = index.throughput
            tableName = table.name
        }
    }

    /// Charges `units` to the table, or throws ProvisionedThroughputExceededException (nothing charged).
    /// `operation` names the API operation the units are spent on (the cost report's rows).
    @discardableResult
    func charge(_ units: Double, _ kind: Kind, table: TableDefinition, operation: String) throws(DynamoError) -> Charge {
        guard let charge = take(units, kind, Meter(table), operation: operation) else { throw DynamoError.throughputExceeded }
        return charge
    }

    /// Charges `units` to a global index; a throttle there fails the request on its table, as in DynamoDB.
    func charge(_ units: Double, _ kind: Kind, index: SecondaryIndex, of table: TableDefinition, operation: String) throws(DynamoError)
        -> Charge
    {
        guard let charge = take(units, kind, Meter(index, of: table), operation: operation) else { throw DynamoError.indexThroughputExceeded }
        return charge
    }

    private func take(_ units: Double, _ kind: Kind, _ meter: Meter, operation: String) -> Charge? {
        let now = clock.now
        let admitted = tables.withLock { all -> Bool in
            var state = all[meter.number] ?? TableState()
            Self.align(&state, with: meter, now: now)
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
            all[meter.number] = state
            return decision == .admit
        }
        guard admitted else { return nil }
        let entry = CostLedger.Key(table: meter.tableName, operation: operation)
        ledger.add(units, kind == .read, to: entry, now: now)
        return Charge(units: units, kind: kind, table: meter.number, entry: entry)
    }

    /// Gives back what a write took when the write could not be made (the disk was full): it then
    /// cost nothing, as a request DynamoDB fails with a 500.
    func refund(_ charges: [Charge]) {
        guard !charges.isEmpty else { return }
        let now = clock.now
        for charge in charges { ledger.add(-charge.units, charge.kind == .read, to: charge.entry, now: now) }
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

    /// The buckets follow the billing mode and provisioned rates (UpdateTable applies at once).
    private static func align(_ state: inout TableState, with meter: Meter, now: Double) {
        guard meter.billingMode == .provisioned else {
            state.reads = nil
            state.writes = nil
            return
        }
        let read = Double(meter.throughput.readCapacityUnits), write = Double(meter.throughput.writeCapacityUnits)
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
        usage(Meter(table))
    }

    func usage(of index: SecondaryIndex, in table: TableDefinition) -> Usage {
        usage(Meter(index, of: table))
    }

    private func usage(_ meter: Meter) -> Usage {
        let now = clock.now
        return tables.withLock { all in
            var state = all[meter.number] ?? TableState()
            Self.align(&state, with: meter, now: now)
            state.reads?.refill(now: now)
            state.writes?.refill(now: now)
            all[meter.number] = state
            var usage = state.usage
            usage.availableReadUnits = state.reads?.tokens
            usage.availableWriteUnits = state.writes?.tokens
            return usage
        }
    }

    /// UpdateTable changed the rates: the buckets of the table and its global indexes follow from this moment.
    func tableChanged(_ table: TableDefinition) {
        let now = clock.now
        let meters = [Meter(table)] + table.indexes.filter { $0.kind == .global }.map { Meter($0, of: table) }
        tables.withLock { all in
            for meter in meters {
                var state = all[meter.number] ?? TableState()
                Self.align(&state, with: meter, now: now)
                all[meter.number] = state
            }
        }
    }

    func forget(_ table: TableDefinition) {
        tables.withLock { all in
            all[table.number] = nil
            for index in table.indexes { all[index.number] = nil }
        }
    }
}
