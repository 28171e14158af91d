import DynamoModel
import NIOCore
import NIOHTTP1
import TridentEngine

/// The controls a test uses to provoke what DynamoDB does on its own, under `/_trident/`.
/// JSON in and out; errors are `{"message": "..."}` with status 400. Requests from other hosts are
/// refused unless the server was started with `--admin-from-any-host`.
public final class AdminAPI: Sendable {
    static let pathPrefix = "/_trident/"

    let engine: Engine
    let allowRemote: Bool

    public init(engine: Engine, allowRemote: Bool = false) {
        self.engine = engine
        self.allowRemote = allowRemote
    }

    struct Answer {
        var status: HTTPResponseStatus
        var body: [UInt8]
    }

    func handle(method: HTTPMethod, path: String, body: [UInt8], remoteAddress: SocketAddress?) -> Answer {
        guard allowRemote || Self.isLoopback(remoteAddress) else {
            return Self.error(.forbidden, "The admin API answers only requests from this host (start with --admin-from-any-host to change that)")
        }
        let route = path.dropFirst(Self.pathPrefix.count).split(separator: "/").map(String.init)
        switch (method, route.first) {
        default:
            return Self.error(.notFound, "No admin endpoint \(method) \(path)")
        }
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        switch address {
        case let .v4(a)?: return a.host.hasPrefix("127.")
        case let .v6(a)?: return a.host == "::1" || a.host.hasPrefix("::ffff:127.")
        case .unixDomainSocket?: return true
        default: return false
        }
    }

    static func error(_ status: HTTPResponseStatus, _ message: String) -> Answer {
        var w = JSONWriter()
        w.beginObject()
        w.key("message")
        w.string(message)
        w.endObject()
        return Answer(status: status, body: w.bytes)
    }

    static func ok(_ write: (inout JSONWriter) -> Void) -> Answer {
        var w = JSONWriter()
        write(&w)
        return Answer(status: .ok, body: w.bytes)
    }
}
