import Dispatch
import DynamoModel
import NIOCore
import NIOHTTP1
import TridentEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Routes one HTTP request: health check, admin API, or the DynamoDB protocol gate and the engine.
/// The gate follows DynamoDB's order of checks: size, method and content type, target, body.
public final class Router: Sendable {
    /// DynamoDB's request size limit (16 MB).
    public static let maxBodyBytes = 16 * 1024 * 1024

    /// What the connection writes back; it adds the request id, CRC32 and framing headers.
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var contentType: String?
        var body: [UInt8]
        /// Further header lines, `Name: value` (CORS).
        var headers: [String] = []
        /// Close the connection without an answer (an injected fault).
        var dropsConnection = false
    }

    /// The answer to a body over `maxBodyBytes`, sent before the body is read.
    static let payloadTooLarge = Response(status: .payloadTooLarge, contentType: nil, body: [])

    let backend: any APIBackend
    let admin: AdminAPI?
    let requestIDs = RequestIDGenerator()
    /// The health line's host when the request names none (HTTP/1.0).
    private let defaultHost: String
    /// With `--auth sigv4`: every API and admin request must be signed by one of these keys.
    let signatures: SigV4?
    /// `GET /metrics` (nil for the null backend, which has nothing to count).
    let metrics: ServerMetrics?
    private let engine: Engine?
    /// `--cors`: nil answers no browser origin.
    let cors: CORSPolicy?
    /// Rules of `/_trident/faults` (nil for the null backend).
    var faults: FaultInjector? { admin?.faults }

    /// `credentials`: access key id → secret (nil: signatures are not checked).
    public init(engine: Engine, admin: AdminAPI, credentials: [String: String]? = nil, cors: CORSPolicy? = nil) {
        self.backend = engine
        self.cors = cors
        self.engine = engine
        self.admin = admin
        defaultHost = "dynamodb.\(engine.configuration.region).amazonaws.com"
        signatures = credentials.map { SigV4(secrets: $0) }
        metrics = ServerMetrics()
    }

    /// The benchmark ceiling (`trident serve --null-backend`): the same HTTP stack and protocol gate,
    /// answering every API request with one fixed GetItem-shaped body — no parsing, no storage.
    public init(nullBackendRegion region: String) {
        self.backend = FixedResponder()
        self.cors = nil
        self.engine = nil
        self.admin = nil
        defaultHost = "dynamodb.\(region).amazonaws.com"
        signatures = nil
        metrics = nil
    }

    /// Only `/` serves the API and the health check (a query string aside); any other path is not
    /// DynamoDB's and runs nothing.
    static func isRoot(_ uri: String) -> Bool {
        uri == "/" || uri.utf8.starts(with: "/?".utf8)
    }

    func route(_ request: HTTPRequest, remoteAddress: SocketAddress?, respond: @escaping @Sendable (Response) -> Void) {
        guard let cors, let origin = request.origin, cors.allows(origin), Self.isRoot(request.uri) else {
            return serve(request, remoteAddress: remoteAddress, respond: respond)
        }
        // Before the signature check: a browser's preflight is never signed.
        if request.method == .OPTIONS { return respond(cors.preflight(origin: origin, requestedHeaders: request.requestedHeaders)) }
        let headers = cors.headers(origin: origin)
        serve(request, remoteAddress: remoteAddress) { response in
            var response = response
            response.headers += headers
            respond(response)
        }
    }

    private func serve(_ request: HTTPRequest, remoteAddress: SocketAddress?, respond: @escaping @Sendable (Response) -> Void) {
        let isHealthCheck = (request.method == .GET || request.method == .HEAD) && Self.isRoot(request.uri)
        if let signatures, !isHealthCheck, let problem = signatures.check(request, now: Self.epochSeconds()) {
            return respond(Response(status: HTTPResponseStatus(statusCode: problem.status), contentType: Self.json10, body: Self.render(problem)))
        }
        if request.uri.utf8.starts(with: AdminAPI.pathPrefix.utf8), let admin {
            // A page of another origin open in this host's browser must not drive the admin API
            // (browsers name the page's origin on everything but same-origin GETs); the console's own
            // requests come from this origin.
            if let origin = request.origin, !AdminAPI.isSameOrigin(origin, host: request.host) {
                return respond(
                    Response(status: .forbidden, contentType: "application/json", body: Array(#"{"message": "The admin API answers no other web origin"}"#.utf8)))
            }
            admin.handle(method: request.method, path: request.uri, body: request.body, remoteAddress: remoteAddress) { answer in
                respond(Response(status: answer.status, contentType: answer.contentType, body: answer.body))
            }
            return
        }
        if request.uri == "/metrics", request.method == .GET, let metrics, let engine, let admin {
            // Table names and figures: answered to this host only, like the admin API.
            guard admin.allowRemote || AdminAPI.isLoopback(remoteAddress) else {
                return respond(Response(status: .forbidden, contentType: "text/plain", body: Array("the metrics answer only this host\n".utf8)))
            }
            return respond(Response(status: .ok, contentType: "text/plain; version=0.0.4", body: metrics.exposition(engine: engine)))
        }
        guard Self.isRoot(request.uri) else {
            respond(Response(status: .notFound, contentType: Self.json10, body: Self.notTheAPI))
            return
        }
        if request.method == .GET || request.method == .HEAD {
            if let problem = backend.storageProblem {
                // Reads still work, but a load balancer or a wait script should know writes do not.
                respond(Response(status: .serviceUnavailable, contentType: "text/plain", body: Array("unhealthy: \(problem)\n".utf8)))
            } else {
                // DynamoDB-compatible servers name the host the client asked for.
                respond(Response(status: .ok, contentType: "text/plain", body: Array("healthy: \(request.host ?? defaultHost) ".utf8)))
            }
            return
        }
        guard request.method == .POST, let contentType = Self.acceptedContentType(request.contentType) else {
            respond(Response(status: .notFound, contentType: Self.json10, body: Self.notTheAPI))
            return
        }
        if request.target == Self.describeEndpointsTarget {
            // The one answer that depends on how the client reached the server: its Host.
            var w = JSONWriter()
            w.beginObject()
            w.key("Endpoints")
            w.beginArray()
            w.beginObject()
            w.key("Address"); w.string(request.host ?? defaultHost)
            w.key("CachePeriodInMinutes"); w.number(1440)
            w.endObject()
            w.endArray()
            w.endObject()
            return respond(Response(status: .ok, contentType: contentType, body: w.bytes))
        }
        let target = request.target
        guard let faults, !faults.isEmpty, let operation = target.flatMap(Engine.operationName) else {
            return handle(target: target, body: request.body, contentType: contentType, respond: respond)
        }
        let decision = faults.decide(operation: operation, body: request.body)
        let outcome: @Sendable () -> Void = {
            if decision.dropsConnection {
                respond(Response(status: .ok, contentType: nil, body: [], dropsConnection: true))
            } else if let error = decision.error {
                respond(Response(status: HTTPResponseStatus(statusCode: error.status), contentType: contentType, body: Self.render(error)))
            } else {
                self.handle(target: target, body: request.body, contentType: contentType, respond: respond)
            }
        }
        if decision.latencyMilliseconds > 0 {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(decision.latencyMilliseconds), execute: outcome)
        } else {
            outcome()
        }
    }

    /// The engine's answer to an API request, counted in the metrics.
    private func handle(target: String?, body: [UInt8], contentType: String, respond: @escaping @Sendable (Response) -> Void) {
        let started = metrics == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        backend.handle(target: target, body: body) { [metrics] result in
            switch result {
            case let .success(body):
                respond(Response(status: .ok, contentType: contentType, body: body))
            case let .failure(error):
                respond(Response(status: HTTPResponseStatus(statusCode: error.status), contentType: contentType, body: Self.render(error)))
            }
            if let metrics {
                let failure: Substring? = if case let .failure(error) = result { error.code } else { nil }
                metrics.record(target: target, failure: failure, nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
            }
        }
    }

    private static let describeEndpointsTarget = "DynamoDB_20120810.DescribeEndpoints"
    private static let notTheAPI = Array("<UnknownOperationException/>\n".utf8)

    /// The system's time (signatures are checked against real time, whatever the controlled clock says).
    static func epochSeconds() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec)
    }

    /// DynamoDB's JSON content types (parameters after `;` ignored, case and spaces too); anything else
    /// is not the API. Byte-level: it runs on every request.
    static func acceptedContentType(_ raw: [UInt8]?) -> String? {
        guard let raw else { return json10 }
        let isSpace = { (b: UInt8) in b == 0x20 || b == 0x09 }
        var base = raw[...]
        if let semicolon = base.firstIndex(of: UInt8(ascii: ";")) { base = base[..<semicolon] }
        while let first = base.first, isSpace(first) { base = base.dropFirst() }
        while let last = base.last, isSpace(last) { base = base.dropLast() }
        for accepted in acceptedTypes where HTTPRequestFramer.equalsIgnoringCase(base, accepted.lowercased) { return accepted.name }
        return nil
    }

    private static let json10 = "application/x-amz-json-1.0"
    private static let acceptedTypes: [(name: String, lowercased: StaticString)] = [
        ("application/x-amz-json-1.0", "application/x-amz-json-1.0"), ("application/x-amz-json-1.1", "application/x-amz-json-1.1"),
        ("application/json", "application/json"),
    ]

    /// The error body: `__type` always, the message when there is one (SerializationException spells
    /// it `Message`), the old item of a failed condition when asked for, and a cancelled
    /// transaction's reasons.
    /// The errors whose model names the member `Message` (boto3 then shows it in the response too).
    private static let capitalisedMessage: Set<Substring> = [
        "SerializationException", "TransactionCanceledException", "TransactionInProgressException", "IdempotentParameterMismatchException",
    ]

    static func render(_ error: DynamoError) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("__type")
        w.string(error.type)
        if !error.message.isEmpty {
            w.key(Self.capitalisedMessage.contains(error.code) ? "Message" : "message")
            w.string(error.message)
        }
        if let item = error.item {
            w.key("Item")
            w.item(item)
        }
        if let reasons = error.cancellationReasons {
            w.key("CancellationReasons")
            w.beginArray()
            for reason in reasons {
                w.beginObject()
                w.key("Code"); w.string(reason.code)
                if let message = reason.message { w.key("Message"); w.string(message) }
                if let item = reason.item {
                    w.key("Item")
                    w.item(item)
                }
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }
}

/// Whatever answers DynamoDB API requests: the engine, or the benchmark's fixed responder.
public protocol APIBackend: Sendable {
    func handle(target: String?, body: [UInt8], reply: @escaping Reply)
    /// Why writes fail now (a full disk), for the health check; nil when all is well.
    var storageProblem: String? { get }
}

extension Engine: APIBackend {}

/// Answers every request with a ~1 KB GetItem response, like the nginx ceiling in shared/bench.
struct FixedResponder: APIBackend {
    static let body: [UInt8] = Array(
        (#"{"Item":{"id":{"S":"k1"},"expires":{"N":"1764000000"},"data":{"S":""# + String(repeating: "x", count: 900) + #""}}}"#).utf8)

    func handle(target: String?, body: [UInt8], reply: @escaping Reply) {
        reply(.success(Self.body))
    }

    var storageProblem: String? { nil }
}
