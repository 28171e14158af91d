import Dispatch
import DynamoModel
import Synchronization
import TridentReplication
import TridentStorage

/// What a write decides, as values: the changes to make and the capacity it took. A write body
/// fills one in inside the group transaction — reading through `reader`, which sees the writes
/// before it — and touches nothing else: the writer applies `changes` once the body returns, and
/// the capacity goes back to the tables if the write is not made after all.
struct WriteDraft {
    let reader: StoreReader
    var changes = ChangeSet()
    fileprivate let capacity: CapacityLimiter
    fileprivate(set) var charges: [CapacityLimiter.Charge] = []
    /// The API operation the write's capacity is billed to.
    let operation: String

    fileprivate init(reader: StoreReader, capacity: CapacityLimiter, time: Double, operation: String) {
        self.reader = reader
        self.capacity = capacity
        self.operation = operation
        changes.time = time
    }

    /// Takes `units` from the table's bucket, or throws ProvisionedThroughputExceededException.
    mutating func charge(_ units: Double, _ kind: CapacityLimiter.Kind, table: TableDefinition) throws(DynamoError) {
        charges.append(try capacity.charge(units, kind, table: table, operation: operation))
    }

    /// Charges one item write, all or nothing: `units` on the table, and what it did to each index —
    /// a local index on its table, a global one on its own throughput (whose throttle fails the
    /// write too). Returns where the units went.
    /// `factor` multiplies the index units as it did `units` (2 in a transaction).
    mutating func chargeWrite(_ units: Double, indexes changes: [IndexTable.Change], table: TableDefinition, factor: Double = 1)
        throws(DynamoError) -> CapacityShares
    {
        var shares = CapacityShares(table: units)
        var taken = [try capacity.charge(units, .write, table: table, operation: operation)]
        do {
            for change in changes {
                let units =
                    CapacityUnits.indexWrite(oldBytes: change.oldSize, newBytes: change.newSize, keyChanged: change.keyChanged) * factor
                switch change.kind {
                case .local:
                    taken.append(try capacity.charge(units, .write, table: table, operation: operation))
                    shares.localIndexes[change.index, default: 0] += units
                case .global:
                    guard let index = table.index(named: change.index) else { continue }
                    taken.append(try capacity.charge(units, .write, index: index, of: table, operation: operation))
                    shares.globalIndexes[change.index, default: 0] += units
                }
            }
        } catch {
            capacity.refund(taken)
            throw error
        }
        charges += taken
        return shares
    }

    /// Gives back everything charged so far (a cancelled transaction).
    mutating func refundCharges() {
        capacity.refund(charges)
        charges = []
    }
}

extension Engine {
    typealias WriteBody<Output> = @Sendable (inout WriteDraft) throws -> Output

    /// Submits a write and answers with `respond(output)` once it is acknowledged.
    func write<Output: Sendable>(
        _ operation: StaticString, reply: @escaping Reply, _ body: @escaping WriteBody<Output>, respond: @escaping @Sendable (Output) -> [UInt8]
    ) {
        replication.write(
            EngineWrite(capacity: capacity, clock: clock, operation: "\(operation)", body: body) { [self] result in
                switch result {
                case let .success(output): reply(.success(respond(output)))
                case let .failure(error): reply(.failure(fault(error, operation)))
                }
            })
    }

    /// `write`, waiting on the calling thread (background loops only, never an event loop).
    func writeAndWait<Output: Sendable>(_ body: @escaping WriteBody<Output>) -> Result<Output, any Error> {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Output, any Error>?>(nil)
        replication.write(
            EngineWrite(capacity: capacity, clock: clock, operation: "", body: body) { result in
                outcome.withLock { $0 = result }
                done.signal()
            })
        done.wait()
        return outcome.withLock { $0! }
    }
}

/// One API write as replication runs it: the body decides once; its answer follows the
/// acknowledgement. A body's own error (a failed condition, a throttle) is the answer, with the
/// capacity it took kept (DynamoDB charges a failed condition); a failure to make the write
/// gives the capacity back.
final class EngineWrite<Output: Sendable>: WriteTask, @unchecked Sendable {
    private let capacity: CapacityLimiter
    private let clock: Clock
    private let operation: String
    private let body: Engine.WriteBody<Output>
    private let completion: @Sendable (Result<Output, any Error>) -> Void
    // Set by `prepare` on the writer, read by `finish` after the group: ordered by the group's hand-off.
    private var output: Output?
    private var bodyError: (any Error)?
    private var charges: [CapacityLimiter.Charge] = []

    init(
        capacity: CapacityLimiter, clock: Clock, operation: String, body: @escaping Engine.WriteBody<Output>,
        completion: @escaping @Sendable (Result<Output, any Error>) -> Void
    ) {
        self.capacity = capacity
        self.clock = clock
        self.operation = operation
        self.body = body
        self.completion = completion
    }

    func prepare(_ reader: StoreReader) throws -> [StorageOp] {
        // Decided on the writer, so stream records are timed in commit order.
        var draft = WriteDraft(reader: reader, capacity: capacity, time: clock.now, operation: operation)
        do {
            output = try body(&draft)
            charges = draft.charges
            return draft.changes.ops
        } catch {
            charges = draft.charges
            bodyError = error
            throw error
        }
    }

    func finish(_ result: Result<Void, any Error>) {
        switch (result, output) {
        case let (.success, output?):
            completion(.success(output))
        case let (.failure(error), _):
            if bodyError == nil { capacity.refund(charges) }
            completion(.failure(error))
        case (.success, nil):
            completion(.failure(bodyError ?? DynamoError.internalServerError()))
        }
    }
}
