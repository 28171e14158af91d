import Dispatch
import DynamoModel
import Logging
import Synchronization
import TridentReplication
import TridentStorage

/// The answer to one API request: the response body, or the error the server renders.
public typealias Reply = @Sendable (Result<[UInt8], DynamoError>) -> Void

/// DynamoDB's API over Trident's storage: dispatches `X-Amz-Target` operations.
public final class Engine: Sendable {
    public let configuration: EngineConfiguration
    let store: Store
    let replication: Replication
    let tables = TableRegistry()
    let capacity: CapacityLimiter
    let logger: Logger
    private let checkpointer: Checkpointer?
    private let sweeper = Mutex<Sweeper?>(nil)
    let indexBuilder = Mutex<IndexBuilder?>(nil)
    /// Global indexes whose propagation delay was set through the admin API, by index number.
    let indexLags = Mutex<[UInt32: Int]>([:])
    /// The items transactions hold (nil without `--transaction-window-ms`).
    let transactionHolds: TransactionHolds?
    /// Items the TTL sweeper deleted since start.
    let ttlDeleted = Atomic(0)
    let recentExpiries = RecentExpiries()
    /// nil unless `--transient-status-seconds` is set: then the data plane checks it.
    let transient: TransientStatuses?
    /// Transactions in flight by `ClientRequestToken`.
    let tokensInFlight = Mutex<Set<String>>([])

    public var clock: Clock { configuration.clock }

    public init(configuration: EngineConfiguration, logger: Logger = Logger(label: "trident.engine")) throws {
        self.configuration = configuration
        self.logger = logger
        transient = configuration.transientStatusSeconds > 0 ? TransientStatuses(seconds: configuration.transientStatusSeconds) : nil
        capacity = CapacityLimiter(mode: configuration.capacityMode, clock: configuration.clock)
        transactionHolds =
            configuration.transactionWindowMilliseconds > 0 ? TransactionHolds(milliseconds: configuration.transactionWindowMilliseconds) : nil
        var options = Store.Options()
        options.log = configuration.durability == .journal && !configuration.inMemory
        options.flushEachCommit = configuration.durability == .strict && !configuration.inMemory
        options.segmentBytes = configuration.logSegmentBytes
        options.progress = { [logger] line in logger.info("\(line)") }
        options.acceptLogLoss = configuration.acceptLogLoss
        do {
            store = configuration.inMemory ? try Store.temporary(options: options) : try Store(path: configuration.dataDirectory, options: options)
        } catch let error as StorageError {
            throw StartFailure(description: error.description)
        }
        for note in store.recoveryNotes { logger.warning("\(note)") }
        if store.replayedEntries > 0 { logger.info("replayed \(store.replayedEntries) log entries the data file lacked") }
        var settings = Replication.Settings(zoneNames: configuration.zoneNames)
        settings.lagMilliseconds = configuration.replicationLagMilliseconds
        settings.isolationBacklog = configuration.isolationBacklog
        // A strict commit waits for the disk: not on a thread that serves requests.
        let executor: any WriterExecutor =
            configuration.durability != .strict ? configuration.writerExecutor.map(ExecutorAdapter.init) ?? QueueExecutor() : QueueExecutor()
        replication = Replication(store: store, settings: settings, executor: executor, logger: logger)
        if configuration.gsiLagMilliseconds > 0 { replication.setPropagationLag(configuration.gsiLagMilliseconds) }
        checkpointer =
            store.log == nil
            ? nil
            : Checkpointer(store: store, interval: configuration.checkpointInterval) { [logger] error in logger.error("checkpoint failed: \(error)") }
        tables.load(try store.read { try Catalog.tables($0) })
        let sweeper = Sweeper(engine: self, interval: configuration.ttlInterval, rule: ExpiryRule(graceSeconds: configuration.ttlGraceSeconds))
        self.sweeper.withLock { $0 = sweeper }
        sweeper.start()
        let builder = IndexBuilder(engine: self, rate: configuration.backfillItemsPerSecond)
        indexBuilder.withLock { $0 = builder }
        builder.resume(tables.all)
    }

    /// The data folder could not be opened as it is (in use, damaged, from an earlier layout).
    public struct StartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Stops background work and the writer (after its queued writes), then closes the data
    /// cleanly. Safe to call twice.
    public func shutdown() {
        let running = sweeper.withLock { sweeper in
            defer { sweeper = nil }
            return sweeper
        }
        guard let running else { return }
        running.stop()
        indexBuilder.withLock { $0 }?.stop()
        replication.shutdown()
        checkpointer?.stop()
        do {
            try store.close()
        } catch {
            logger.error("could not close the data folder cleanly: \(error)")
        }
    }

    /// Runs a TTL sweep now (after the clock moved) and calls `done` when its deletes are durable.
    public func sweepExpiredItems(_ done: @escaping @Sendable () -> Void) {
        guard let sweeper = sweeper.withLock({ $0 }) else { return done() }
        sweeper.sweepNow(done)
    }

    /// Whether writes can be made now, in words for the health check: nil when all is well.
    public var storageProblem: String? {
        switch store.health {
        case .ok: nil
        case .diskFull: "disk full: writes fail until space is freed (reads work)"
        case let .failed(reason): reason
        }
    }

    static let targetPrefix = "DynamoDB_20120810."

    typealias Handler = @Sendable (Engine, RequestFields, @escaping Reply) throws(DynamoError) -> Void

    static let operations: [String: Handler] = [
        "CreateTable": CreateTable.run,
        "DescribeTable": DescribeTable.run,
        "UpdateTable": UpdateTable.run,
        "ListTables": ListTables.run,
        "DeleteTable": DeleteTable.run,
        "PutItem": PutItem.run,
        "GetItem": GetItem.run,
        "DeleteItem": DeleteItem.run,
        "UpdateItem": UpdateItem.run,
        "Query": Query.run,
        "Scan": Scan.run,
        "BatchGetItem": BatchGetItem.run,
        "BatchWriteItem": BatchWriteItem.run,
        "UpdateTimeToLive": UpdateTimeToLive.run,
        "DescribeTimeToLive": DescribeTimeToLive.run,
        "TransactWriteItems": TransactWriteItems.run,
        "TransactGetItems": TransactGetItems.run,
        "ExecuteStatement": ExecuteStatement.run,
        "BatchExecuteStatement": BatchExecuteStatement.run,
        "ExecuteTransaction": ExecuteTransaction.run,
        "TagResource": TagResource.run,
        "UntagResource": TagResource.untag,
        "ListTagsOfResource": TagResource.list,
        "DescribeLimits": AccountSettings.describeLimits,
        "DescribeContinuousBackups": AccountSettings.describeContinuousBackups,
        "UpdateContinuousBackups": AccountSettings.updateContinuousBackups,
    ]

    static let streamsTargetPrefix = "DynamoDBStreams_20120810."

    /// The DynamoDB Streams API, served on the same port.
    static let streamOperations: [String: Handler] = [
        "ListStreams": ListStreams.run,
        "DescribeStream": DescribeStream.run,
        "GetShardIterator": GetShardIterator.run,
        "GetRecords": GetRecords.run,
    ]

    /// The handlers by their full `X-Amz-Target`, so dispatch is one lookup without building strings.
    static let targets: [String: Handler] = Dictionary(
        uniqueKeysWithValues: operations.map { (targetPrefix + $0.key, $0.value) } + streamOperations.map { (streamsTargetPrefix + $0.key, $0.value) })

    static let getItemTarget = targetPrefix + "GetItem"

    /// Runs one request. `reply` is called exactly once, on any thread.
    public func handle(target: String?, body: [UInt8], reply: @escaping Reply) {
        do {
            // The session stores' everyday read skips the JSON tree and the handler lookup (anything
            // unusual falls through).
            if target == Self.getItemTarget, let get = GetItem(plain: body) { return try GetItem.run(self, get, reply) }
            guard let target, let handler = Self.targets[target] else { return reply(.failure(.unknownOperation)) }
            let request = try RequestFields.parse(body)
            try handler(self, request, reply)
        } catch {
            reply(.failure(error))
        }
    }

    /// Maps anything that is not a DynamoError to one InternalServerError, logged once here. A
    /// full disk says so: SDKs retry a 500, and the operator learns why it persists.
    func fault(_ error: any Error, _ operation: StaticString) -> DynamoError {
        if let dynamo = error as? DynamoError { return dynamo }
        if let storage = error as? StorageError, storage.isDiskFull {
            return .diskFull
        }
        logger.error("\(operation) failed: \(error)")
        return .internalServerError()
    }

    /// Reads on the zone the consistency level picks, mapping storage failures to InternalServerError.
    func read<T>(consistent: Bool, extraLag: Int = 0, _ operation: StaticString, _ body: (StoreReader) throws -> T) throws(DynamoError) -> T {
        do {
            return try replication.read(consistent: consistent, extraLag: extraLag, body)
        } catch {
            throw fault(error, operation)
        }
    }
}

/// The writer on a serial dispatch queue of its own (tests, and strict durability, whose commits
/// block until the disk has them).
struct QueueExecutor: WriterExecutor {
    private let queue = DispatchQueue(label: "trident-writer")

    func execute(_ work: @escaping @Sendable () -> Void) {
        queue.async(execute: work)
    }
}

/// The configuration's executor (an event loop) as the writer's.
struct ExecutorAdapter: WriterExecutor {
    let executor: any WorkExecutor

    init(_ executor: any WorkExecutor) {
        self.executor = executor
    }

    func execute(_ work: @escaping @Sendable () -> Void) {
        executor.execute(work)
    }
}
