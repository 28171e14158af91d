import DynamoModel
import NIOCore
import NIOHTTP1
import TridentEngine

/// Routes one HTTP request: health check, admin API, or the DynamoDB protocol gate and the engine.
/// The gate follows DynamoDB's order of checks: size, method and content type, target, body.
public final class Router: Sendable {
    /// DynamoDB's request size limit (16 MB).
    public static let maxBodyBytes = 16 * 1024 * 1024

    struct Request: Sendable {
        let method: HTTPMethod
        let uri: String
        let headers: HTTPHeaders
        let body: [UInt8]
        let tooLarge: Bool
        let remoteAddress: SocketAddress?
    }

    struct Response: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    let backend: any APIBackend
    let admin: AdminAPI?
    private let requestIDs = RequestIDGenerator()
    private let healthLine: [UInt8]

    public init(engine: Engine, admin: AdminAPI) {
        self.backend = engine
        self.admin = admin
        healthLine = Array("healthy: dynamodb.\(engine.configuration.region).amazonaws.com ".utf8)
    }

    /// The benchmark ceiling (`trident serve --null-backend`): the same HTTP stack and protocol gate,
    /// answering every API request with one fixed GetItem-shaped body — no parsing, no storage.
    public init(nullBackendRegion region: String) {
        self.backend = FixedResponder()
        self.admin = nil
        healthLine = Array("healthy: dynamodb.\(region).amazonaws.com ".utf8)
    }

    func route(_ request: Request, respond: @escaping @Sendable (Response) -> Void) {
        let requestID = requestIDs.next()
        if request.tooLarge {
            respond(finish(.payloadTooLarge, contentType: nil, body: [], requestID: requestID))
            return
        }
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        if path.hasPrefix(AdminAPI.pathPrefix), let admin {
            admin.handle(method: request.method, path: request.uri, body: request.body, remoteAddress: request.remoteAddress) { answer in
                respond(self.finish(answer.status, contentType: "application/json", body: answer.body, requestID: requestID))
            }
            return
        }
        if request.method == .GET {
            respond(finish(.ok, contentType: "text/plain", body: healthLine, requestID: requestID))
            return
        }
        guard request.method == .POST, let contentType = Self.acceptedContentType(request.headers) else {
            respond(
                finish(.notFound, contentType: "application/x-amz-json-1.0", body: Array("<UnknownOperationException/>\n".utf8), requestID: requestID)
            )
            return
        }
        backend.handle(target: request.headers.first(name: "x-amz-target"), body: request.body) { result in
            switch result {
            case let .success(body):
                respond(self.finish(.ok, contentType: contentType, body: body, requestID: requestID))
            case let .failure(error):
                respond(
                    self.finish(
                        HTTPResponseStatus(statusCode: error.status), contentType: contentType, body: Self.render(error), requestID: requestID))
            }
        }
    }

    /// DynamoDB's JSON content types (parameters after `;` ignored, case and spaces too); anything else
    /// is not the API. Byte-level: it runs on every request.
    static func acceptedContentType(_ headers: HTTPHeaders) -> String? {
        guard let raw = headers.first(name: "content-type") else { return json10 }
        var bytes = Array(raw.utf8)
        if let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) { bytes.removeSubrange(semicolon...) }
        let base = bytes.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed().map { b in
            b >= 0x41 && b <= 0x5A ? b + 0x20 : b
        }
        for accepted in acceptedTypes where accepted.bytes.elementsEqual(base) { return accepted.name }
        return nil
    }

    private static let json10 = "application/x-amz-json-1.0"
    private static let acceptedTypes: [(name: String, bytes: [UInt8])] = [
        "application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/json",
    ].map {
        ($0, Array($0.utf8))
    }

    /// The error body: `__type` always, the message when there is one (SerializationException spells
    /// it `Message`), and the old item of a failed condition when asked for.
    static func render(_ error: DynamoError) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("__type")
        w.string(error.type)
        if !error.message.isEmpty {
            w.key(error.code == "SerializationException" ? "Message" : "message")
            w.string(error.message)
        }
        if let item = error.item {
            w.key("Item")
            w.item(item)
        }
        w.endObject()
        return w.bytes
    }

    private func finish(_ status: HTTPResponseStatus, contentType: String?, body: [UInt8], requestID: String) -> Response {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        headers.add(name: "x-amzn-RequestId", value: requestID)
        headers.add(name: "x-amz-crc32", value: String(CRC32.checksum(body)))
        return Response(status: status, headers: headers, body: body)
    }
}

/// Whatever answers DynamoDB API requests: the engine, or the benchmark's fixed responder.
public protocol APIBackend: Sendable {
    func handle(target: String?, body: [UInt8], reply: @escaping Reply)
}

extension Engine: APIBackend {}

/// Answers every request with a ~1 KB GetItem response, like the nginx ceiling in shared/bench.
struct FixedResponder: APIBackend {
    static let body: [UInt8] = Array(
        (#"{"Item":{"id":{"S":"k1"},"expires":{"N":"1764000000"},"data":{"S":""# + String(repeating: "x", count: 900) + #""}}}"#).utf8)

    func handle(target: String?, body: [UInt8], reply: @escaping Reply) {
        reply(.success(Self.body))
    }
}
