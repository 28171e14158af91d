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

    let engine: Engine
    let admin: AdminAPI
    private let requestIDs = RequestIDGenerator()
    private let healthLine: [UInt8]

    public init(engine: Engine, admin: AdminAPI) {
        self.engine = engine
        self.admin = admin
        healthLine = Array("healthy: dynamodb.\(engine.configuration.region).amazonaws.com ".utf8)
    }

    func route(_ request: Request, respond: @escaping @Sendable (Response) -> Void) {
        let requestID = requestIDs.next()
        if request.tooLarge {
            respond(finish(.payloadTooLarge, contentType: nil, body: [], requestID: requestID))
            return
        }
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        if path.hasPrefix(AdminAPI.pathPrefix) {
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
            respond(finish(.notFound, contentType: "application/x-amz-json-1.0", body: Array("<UnknownOperationException/>\n".utf8), requestID: requestID))
            return
        }
        engine.handle(target: request.headers.first(name: "x-amz-target"), body: request.body) { result in
            switch result {
            case let .success(body):
                respond(self.finish(.ok, contentType: contentType, body: body, requestID: requestID))
            case let .failure(error):
                respond(self.finish(HTTPResponseStatus(statusCode: error.status), contentType: contentType, body: Self.render(error), requestID: requestID))
            }
        }
    }

    /// DynamoDB's JSON content types (parameters after `;` ignored); anything else is not the API.
    static func acceptedContentType(_ headers: HTTPHeaders) -> String? {
        guard let raw = headers.first(name: "content-type") else { return "application/x-amz-json-1.0" }
        let base = raw.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map {
            String($0.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()).lowercased()
        } ?? ""
        switch base {
        case "application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/json": return base
        default: return nil
        }
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

