import DynamoModel
import Foundation
import Logging
import Synchronization
import TridentStorage

/// The answer to one API request: the response body, or the error the server renders.
public typealias Reply = @Sendable (Result<[UInt8], DynamoError>) -> Void

/// DynamoDB's API over Trident's storage: dispatches `X-Amz-Target` operations.
public final class Engine: Sendable {
    public let configuration: EngineConfiguration
    let zones: Zones
    let tables = TableRegistry()
    let capacity: CapacityLimiter
    let logger: Logger
    private let sweeper = Mutex<Sweeper?>(nil)

    public var clock: Clock { configuration.clock }

    public init(configuration: EngineConfiguration, logger: Logger = Logger(label: "trident.engine")) throws {
        self.configuration = configuration
        self.logger = logger
        capacity = CapacityLimiter(mode: configuration.capacityMode, clock: configuration.clock)
        var settings = Zones.Settings()
        settings.count = configuration.zoneCount
        settings.lagMilliseconds = configuration.replicationLagMilliseconds
        settings.maxLogBacklog = configuration.replicationLogBacklog
        settings.trimInterval = configuration.logTrimInterval
        settings.checkpointInterval = configuration.checkpointInterval
        settings.journalSegmentBytes = configuration.journalSegmentBytes
        settings.executors = configuration.writerExecutors
        zones = try Zones(
            directory: configuration.dataDirectory, region: configuration.region, durability: configuration.durability, settings: settings,
            logger: logger)
        tables.load(try zones.read(consistent: true) { try Catalog.tables($0) })
        let sweeper = Sweeper(engine: self, interval: configuration.ttlInterval, rule: ExpiryRule(graceSeconds: configuration.ttlGraceSeconds))
        self.sweeper.withLock { $0 = sweeper }
        sweeper.start()
    }

    /// Stops background work and the writers (after their queued writes). Safe to call twice.
    public func shutdown() {
        sweeper.withLock { sweeper in
            sweeper?.stop()
            sweeper = nil
        }
        zones.shutdown()
    }

    /// Runs a TTL sweep now (after the clock moved) and calls `done` when its deletes are durable.
    public func sweepExpiredItems(_ done: @escaping @Sendable () -> Void) {
        guard let sweeper = sweeper.withLock({ $0 }) else { return done() }
        sweeper.sweepNow(done)
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
    ]

    /// The handlers by their full `X-Amz-Target`, so dispatch is one lookup without building strings.
    static let targets: [String: Handler] = Dictionary(uniqueKeysWithValues: operations.map { (targetPrefix + $0.key, $0.value) })

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

    /// Maps anything that is not a DynamoError to one InternalServerError, logged once here.
    func fault(_ error: any Error, _ operation: StaticString) -> DynamoError {
        if let dynamo = error as? DynamoError { return dynamo }
        logger.error("\(operation) failed: \(error)")
        return .internalServerError()
    }

    /// Reads on the zone the consistency level picks, mapping storage failures to InternalServerError.
    func read<T>(consistent: Bool, _ operation: StaticString, _ body: (StoreReader) throws -> T) throws(DynamoError) -> T {
        do {
            return try zones.read(consistent: consistent, body)
        } catch {
            throw fault(error, operation)
        }
    }

    /// Submits a write and answers with `respond(output)` once it is durable.
    func write<Output: Sendable>(
        _ operation: StaticString,
        reply: @escaping Reply,
        _ body: @escaping LeaderWriteTask<Output>.Body,
        respond: @escaping @Sendable (Output) -> [UInt8]
    ) {
        zones.write(body) { [self] result in
            switch result {
            case let .success(output): reply(.success(respond(output)))
            case let .failure(error): reply(.failure(fault(error, operation)))
            }
        }
    }
}
