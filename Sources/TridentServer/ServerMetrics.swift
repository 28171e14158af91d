import DynamoModel
import Prometheus
import Synchronization
import TridentEngine

/// What `GET /metrics` shows, in Prometheus's text format. Requests are counted, by operation and
/// outcome, and timed as they are answered (swift-prometheus's collectors, one per label set, found
/// through a lock-protected table so a request never builds one twice); everything else — tables,
/// zones, TTL, the log, connections — is read from the engine when scraped, so it costs requests
/// nothing.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let openConnections = Atomic(0)

    /// Each known target's collectors, made at start: the hot path only looks one up.
    private struct Operation: Sendable {
        let name: String
        let succeeded: Counter
        let duration: DurationHistogram
    }

    private let operations: [String: Operation]
    private let unknown: Operation
    /// Counters of failures, by operation and error code (made on first use).
    private let failures = Mutex<[String: Counter]>([:])

    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "trident", metricName: "requests", unitName: "total", helpText: "API requests answered, by operation and outcome")
    }

    static var durations: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "trident", metricName: "request_duration", unitName: "seconds",
            helpText: "Time from a request's arrival to its answer, by operation")
    }

    public init(targets: [String] = Engine.targetNames) {
        let registry = self.registry
        func operation(_ name: String) -> Operation {
            Operation(
                name: name, succeeded: registry.makeCounter(descriptor: Self.requests, labels: [("operation", name), ("outcome", "success")]),
                duration: registry.makeDurationHistogram(descriptor: Self.durations, labels: [("operation", name)], buckets: Self.buckets))
        }
        var operations: [String: Operation] = [:]
        for target in targets {
            guard let name = Engine.operationName(target: target) else { continue }
            operations[target] = operation(name)
        }
        self.operations = operations
        unknown = operation("unknown")
    }

    /// One answered request: its operation (unknown targets share one label, so clients cannot
    /// grow the label set), `success` or the error's code, and how long it took.
    func record(target: String?, failure: Substring?, nanoseconds: Int64) {
        let operation = target.flatMap { operations[$0] } ?? unknown
        if let failure {
            let key = operation.name + "\u{0}" + failure
            failures.withLock { failures in
                if let known = failures[key] { return known }
                let made = registry.makeCounter(descriptor: Self.requests, labels: [("operation", operation.name), ("outcome", String(failure))])
                failures[key] = made
                return made
            }.increment()
        } else {
            operation.succeeded.increment()
        }
        operation.duration.recordNanoseconds(nanoseconds)
    }

    /// The whole exposition: the collectors, then the engine's figures as of now.
    func exposition(engine: Engine) -> [UInt8] {
        var out = registry.emitToBuffer()
        var text = ""
        func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            guard !samples.isEmpty else { return }
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples { text += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func counter(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            guard !samples.isEmpty else { return }
            text += "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
            for sample in samples { text += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func label(_ pairs: [(String, String)]) -> String {
            "{" + pairs.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        if let tables = try? engine.tableUsage() {
            let byTable = tables.map { (label([("table", $0.name)]), $0) }
            gauge("trident_table_items", "Items in each table", byTable.map { ($0.0, String($0.1.itemCount)) })
            gauge("trident_table_bytes", "Size of each table's items by DynamoDB's rules", byTable.map { ($0.0, String($0.1.sizeBytes)) })
            counter(
                "trident_consumed_capacity_units_total", "Capacity units consumed, by table and kind",
                byTable.flatMap { name, t in
                    [(label([("table", t.name), ("kind", "read")]), "\(t.metering.consumedReadUnits)"),
                     (label([("table", t.name), ("kind", "write")]), "\(t.metering.consumedWriteUnits)")]
                })
            counter(
                "trident_throttled_requests_total", "Requests refused for capacity, by table and kind",
                byTable.flatMap { name, t in
                    [(label([("table", t.name), ("kind", "read")]), "\(t.metering.throttledReads)"),
                     (label([("table", t.name), ("kind", "write")]), "\(t.metering.throttledWrites)")]
                })
        }
        counter("trident_ttl_deletions_total", "Items deleted because their TTL passed", [("", String(engine.ttlDeletions))])
        if let zones = try? engine.zonesStatus() {
            gauge("trident_zone_applied_sequence", "The last log entry each zone serves", zones.zones.map { (label([("zone", $0.name), ("state", $0.state), ("role", $0.role)]), String($0.appliedSequence)) })
            gauge("trident_zone_lag_milliseconds", "How far behind the log each zone reads", zones.zones.map { (label([("zone", $0.name)]), String($0.lagMilliseconds)) })
        }
        let storage = engine.storageFigures
        gauge("trident_log_sequence", "The last durable log entry", [("", String(storage.lastSequence))])
        gauge("trident_data_file_bytes", "Size of the data file on disk", [("", String(storage.dataFileBytes))])
        gauge("trident_disk_full", "1 while writes fail for want of disk space", [("", storage.diskFull ? "1" : "0")])
        gauge("trident_open_connections", "Client connections open now", [("", String(openConnections.load(ordering: .relaxed)))])
        out += Array(text.utf8)
        return out
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
