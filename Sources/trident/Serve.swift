import ArgumentParser
import FoundationEssentials
import Logging
import TridentEngine
import TridentServer

#if canImport(Glibc)
    import Glibc
#endif

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the DynamoDB API over HTTP.")

    @Option(help: "Address to listen on. Use 0.0.0.0 to accept other hosts (the admin API still answers only this host). Default: $TRIDENT_HOST (set in the Docker image), else 127.0.0.1.")
    var host = ProcessInfo.processInfo.environment["TRIDENT_HOST"] ?? "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one; the chosen port is printed).")
    var port = 8000

    @Option(help: "Folder for the data (data.mdb and the log; one server per folder). Default: ./trident-data")
    var dataDir: String?

    @Flag(help: "Keep the data in an unlinked temporary file: nothing is left behind, even after kill -9.")
    var inMemory = false

    @Option(help: "Region used in ARNs and zone names.")
    var region = "us-east-1"

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log format on standard error: text (for people) or json (one object per line, for log collectors).")
    var logFormat: LogFormat = .text

    @Flag(help: "Let the admin API (/_trident/) and /metrics answer requests from other hosts too.")
    var adminFromAnyHost = false

    @Option(help: "Request authentication: none (any credentials work, as with DynamoDB Local) or sigv4 (AWS Signature Version 4 with known keys).")
    var auth: Auth = .none

    @Option(
        help: "An AWS shared credentials file whose profiles' keys --auth sigv4 accepts (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are accepted too)."
    )
    var credentials: String?

    enum Auth: String, ExpressibleByArgument {
        case none
        case sigv4
    }

    @Option(help: "Clock: system (real time) or controlled (starts at the real time, moves only through POST /_trident/clock).")
    var clock: Clock.Mode = .system

    @Option(help: "Seconds between TTL sweeps (expired items are deleted within this long of expiring).")
    var ttlInterval: Double = 1

    @Option(help: "Delete only items expired for more than this many seconds (DynamoDB itself takes minutes to days).")
    var ttlGraceSeconds: Double = 0

    @Option(help: "Provisioned capacity: enforce (throttle PROVISIONED tables beyond their rate and burst) or off (meter and report only).")
    var capacity: CapacityMode = .enforce

    @Option(help: "Availability zones: 3 (every write replicated, zones can fail) or 1.")
    var zones = 3

    @Option(help: "How far behind the log in ms the followers read (one always keeps up; 0: every zone reads every acknowledged write).")
    var replicationLagMs = 0

    @Option(help: "How long in ms a write takes to reach the reads of global secondary indexes (0: every index is current at the acknowledgement).")
    var gsiLagMs = 0

    @Option(help: "How long in ms a transaction holds its items: other writes to them meanwhile get the service's conflict errors (0: none).")
    var transactionWindowMs = 0

    @Option(help: "Seconds each stream shard stays open before a child shard takes over (the service: about four hours).")
    var streamShardSeconds = 14_400.0

    @Option(help: "A JSON file of DynamoDB prices by region for GET /_trident/cost (default: the list prices built in).")
    var prices: String?

    @Option(help: "Items per second a new global secondary index is backfilled at (default: as fast as it can), to watch it CREATING.")
    var backfillRate: Int?

    @Option(help: "Largest item collection (one partition's items and local-index entries) of a table with local indexes, in MB.")
    var itemCollectionLimitMb = 10240

    @Option(
        help:
            "How writes reach the disk: journal (each group of writes flushed in the log before the answer; the data file flushed every 10 s) or strict (every data-file commit flushed: intact after a power loss, slower)."
    )
    var durability: Durability = .journal

    @Option(help: "Seconds between flushes of the data file in journal mode (the log keeps about this long of writes).")
    var checkpointInterval: Double = 10

    @Flag(help: "Start even when the log shows that acknowledged writes were lost (after the refusal that says which).")
    var acceptLogLoss = false

    @Option(help: "Seconds a keep-alive connection may sit idle before it is closed.")
    var idleTimeout: Double = 60

    @Option(help: "Seconds a request's head may take to arrive (then 408 and close).")
    var headerTimeout: Double = 10

    @Option(help: "Bytes per second a request body must at least arrive at, measured over each header timeout (then 408 and close).")
    var minBodyRate = 1024

    @Option(help: "Connections open at once; past it new ones are accepted and closed. Default: from the open-file limit (raised to its hard limit).")
    var maxConnections: Int?

    @Option(help: "Megabytes of request bodies held at once while they arrive; a body past it is answered 503.")
    var bodyMemoryMb = 64

    @Option(help: "A PEM certificate chain: serve https (with --tls-key).")
    var tlsCert: String?

    @Option(help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Flag(help: "Benchmark ceiling: the same HTTP stack answering every API request with a fixed ~1 KB body (no parsing, no storage).")
    var nullBackend = false

    @Option(help: "A seed file of tables, TTL settings and items to create at start (existing tables are left alone). Repeatable.")
    var seed: [String] = []

    @Option(help: "Seconds tables spend CREATING, UPDATING and DELETING, as in the service (0: every change is ACTIVE at once).")
    var transientStatusSeconds: Double = 0

    @Option(help: "Browser origins allowed to call the API (CORS): * or a comma-separated list. Default: none.")
    var cors: String?

    @Option(help: "Write the bound address (http://HOST:PORT) to this file once the server is ready (useful with --port 0).")
    var readyFile: String?

    @Option(help: "Seed of the random source of probabilistic fault rules (POST /_trident/faults).")
    var faultSeed: UInt64 = 1

    @Flag(help: .hidden)
    var dynamodbLocalBanner = false

    func validate() throws {
        if inMemory && dataDir != nil { throw ValidationError("--in-memory and --data-dir exclude each other") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if !(ttlInterval > 0) { throw ValidationError("--ttl-interval must be a positive number of seconds") }
        if zones != 1 && zones != 3 { throw ValidationError("--zones must be 1 or 3") }
        if replicationLagMs < 0 { throw ValidationError("--replication-lag-ms must be zero or more") }
        if gsiLagMs < 0 { throw ValidationError("--gsi-lag-ms must be zero or more") }
        if transactionWindowMs < 0 { throw ValidationError("--transaction-window-ms must be zero or more") }
        if !(streamShardSeconds >= 1) { throw ValidationError("--stream-shard-seconds must be at least 1") }
        if let backfillRate, backfillRate < 1 { throw ValidationError("--backfill-rate must be at least 1 item per second") }
        if itemCollectionLimitMb < 1 { throw ValidationError("--item-collection-limit-mb must be at least 1") }
        if !(ttlGraceSeconds >= 0) { throw ValidationError("--ttl-grace-seconds must be zero or more") }
        if !(checkpointInterval > 0) { throw ValidationError("--checkpoint-interval must be a positive number of seconds") }
        if !(idleTimeout > 0) || !(headerTimeout > 0) {
            throw ValidationError("--idle-timeout and --header-timeout must be positive numbers of seconds")
        }
        if minBodyRate < 0 { throw ValidationError("--min-body-rate must be zero or more") }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if !(transientStatusSeconds >= 0) { throw ValidationError("--transient-status-seconds must be zero or more") }
        if bodyMemoryMb < 16 { throw ValidationError("--body-memory-mb must be at least 16 (one request may be 16 MB)") }
    }

    func run() async throws {
        let started = Date()
        let level = logLevel
        let format = logFormat
        LoggingSystem.bootstrap { label in
            if format == .json { return JSONLogHandler(label: label, logLevel: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        // Made after the bootstrap, so it logs in the chosen format.
        var logger = Logger(label: "trident")
        logger.logLevel = logLevel

        let shutdown = Shutdown(signals: [SIGINT, SIGTERM])
        var limits = ConnectionLimits()
        limits.idleTimeout = idleTimeout
        limits.headerTimeout = headerTimeout
        limits.minBodyRate = minBodyRate
        limits.bodyMemoryBytes = bodyMemoryMb << 20
        if let tlsCert, let tlsKey { limits.tls = (tlsCert, tlsKey) }
        let scheme = tlsCert == nil ? "http" : "https"
        limits.maxConnections = maxConnections ?? ConnectionLimits.connections(forOpenFiles: ConnectionLimits.raiseOpenFileLimit())
        if maxConnections != nil { _ = ConnectionLimits.raiseOpenFileLimit() }
        let loops = EventLoops(threads: CPUs.allowed)
        if nullBackend {
            let server = try await Server.start(host: host, port: port, router: Router(nullBackendRegion: region), limits: limits, on: loops)
            print("Trident null backend listening on \(scheme)://\(server.localAddress.ipAddress ?? host):\(server.localAddress.port ?? port)")
            fflush(nil)
            await shutdown.wait()
            await server.stop()
            await loops.shutdown()
            return
        }
        let directory = URL(fileURLWithPath: dataDir ?? "trident-data").standardizedFileURL.path
        var configuration = EngineConfiguration(dataDirectory: directory, region: region, clock: Clock(mode: clock))
        configuration.inMemory = inMemory
        configuration.durability = inMemory ? .none : durability
        configuration.acceptLogLoss = acceptLogLoss
        configuration.ttlInterval = ttlInterval
        configuration.ttlGraceSeconds = ttlGraceSeconds
        configuration.capacityMode = capacity
        configuration.zoneCount = zones
        configuration.replicationLagMilliseconds = replicationLagMs
        configuration.gsiLagMilliseconds = gsiLagMs
        configuration.transactionWindowMilliseconds = transactionWindowMs
        configuration.streamShardSeconds = streamShardSeconds
        configuration.transientStatusSeconds = transientStatusSeconds
        if let prices {
            guard let bytes = FileManager.default.contents(atPath: prices) else { throw ValidationError("--prices: cannot read \(prices)") }
            do {
                try configuration.loadPrices(Array(bytes))
            } catch {
                throw ValidationError("--prices: \(error)")
            }
        }
        configuration.backfillItemsPerSecond = backfillRate
        configuration.itemCollectionLimitBytes = itemCollectionLimitMb << 20
        configuration.checkpointInterval = checkpointInterval
        configuration.writerExecutor = loops.writerExecutor
        let engine: Engine
        do {
            engine = try Engine(configuration: configuration, logger: logger)
        } catch let failure as Engine.StartFailure {
            logger.critical("\(failure.description)")
            await loops.shutdown()
            throw ExitCode(2)
        }
        for file in seed {
            let summary = try await Seed.load(path: file, into: engine)
            func names(_ list: [String]) -> String { list.count <= 10 ? "\(list)" : "\(list.count) tables" }
            logger.info("seed \(file): created \(names(summary.created)), left alone \(names(summary.skipped))")
        }
        let keys: [String: String]?
        do {
            keys = auth == .sigv4 ? try Credentials.load(file: credentials, environment: ProcessInfo.processInfo.environment) : nil
        } catch {
            logger.critical("\(error)")
            engine.shutdown()
            await loops.shutdown()
            throw ExitCode(2)
        }
        if auth == .none && !["127.0.0.1", "::1", "localhost"].contains(host) {
            logger.warning("serving \(host) without --auth sigv4: anyone who can reach the port can read, write and delete every table")
        }
        let router = Router(
            engine: engine, admin: AdminAPI(engine: engine, allowRemote: adminFromAnyHost, faultSeed: faultSeed), credentials: keys,
            cors: cors.map(CORSPolicy.init))
        let server = try await Server.start(host: host, port: port, router: router, limits: limits, on: loops)

        let address = server.localAddress
        let shownHost = address.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? host
        let elapsed = Int(Date().timeIntervalSince(started) * 1000)
        let url = "\(scheme)://\(shownHost):\(address.port ?? port)"
        if dynamodbLocalBanner {
            // What DynamoDB Local prints when ready: Testcontainers and scripts wait for its first line.
            print(
                "Initializing DynamoDB Local with the following configuration:\nPort:\t\(address.port ?? port)\nInMemory:\t\(inMemory)\nVersion:\tTrident \(TridentCommand.version)\nDbPath:\t\(inMemory ? "null" : directory)\nSharedDb:\ttrue\nshouldDelayTransientStatuses:\t\(transientStatusSeconds > 0)\nCorsParams:\t\(cors ?? "null")\n"
            )
        }
        if let readyFile {
            // Written whole, then renamed into place: a reader never sees half an address.
            let temporary = readyFile + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: Data((url + "\n").utf8)), rename(temporary, readyFile) == 0 else {
                logger.critical("cannot write --ready-file \(readyFile)")
                throw ExitCode(2)
            }
        }
        print(
            "Trident listening on \(url) — data in \(inMemory ? "memory (an unlinked temporary file)" : directory) — ready in \(elapsed) ms"
        )
        fflush(nil)

        await shutdown.wait()
        logger.info("shutting down")
        await server.stop()
        // The writer runs on a loop: it finishes its queued writes before the loops stop.
        engine.shutdown()
        await loops.shutdown()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension Clock.Mode: ExpressibleByArgument {}
extension CapacityMode: ExpressibleByArgument {}
extension Durability: ExpressibleByArgument {}
