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

    struct Answer: Sendable {
        var status: HTTPResponseStatus
        var body: [UInt8]
    }

    func handle(method: HTTPMethod, path: String, body: [UInt8], remoteAddress: SocketAddress?, respond: @escaping @Sendable (Answer) -> Void) {
        guard allowRemote || Self.isLoopback(remoteAddress) else {
            return respond(Self.error(.forbidden, "The admin API answers only requests from this host (start with --admin-from-any-host to change that)"))
        }
        let route = path.dropFirst(Self.pathPrefix.count).split(separator: "/").map(String.init)
        switch (method, route) {
        case (.GET, ["clock"]):
            respond(clockAnswer())
        case (.POST, ["clock"]):
            moveClock(body, respond: respond)
        default:
            respond(Self.error(.notFound, "No admin endpoint \(method.rawValue) \(path)"))
        }
    }

    // MARK: clock

    private func clockAnswer() -> Answer {
        Self.ok { w in
            w.beginObject()
            w.key("mode"); w.string(engine.clock.mode.rawValue)
            w.key("epochSeconds"); w.number(engine.clock.now)
            w.endObject()
        }
    }

    /// Moves a controlled clock, then sweeps expired items before answering, so a test that advances
    /// time sees the expiries without sleeping.
    private func moveClock(_ body: [UInt8], respond: @escaping @Sendable (Answer) -> Void) {
        guard case let .object(o)? = try? JSONReader.parse(body) else {
            return respond(Self.error(.badRequest, #"Expected a JSON object: {"advanceSeconds": N} or {"epochSeconds": T}"#))
        }
        let advance = Self.number(o["advanceSeconds"]), target = Self.number(o["epochSeconds"])
        guard (advance == nil) != (target == nil) else {
            return respond(Self.error(.badRequest, #"Give exactly one number: {"advanceSeconds": N} or {"epochSeconds": T}"#))
        }
        do {
            if let advance {
                _ = try engine.clock.advance(by: advance)
            } else if let target {
                _ = try engine.clock.set(to: target)
            }
        } catch .systemClock {
            return respond(Self.error(.badRequest, "The clock follows the system time; start trident serve with --clock controlled to move it"))
        } catch {
            return respond(Self.error(.badRequest, "The clock never runs backwards: the target is before the current time"))
        }
        engine.sweepExpiredItems { respond(self.clockAnswer()) }
    }

    // MARK: helpers

    static func number(_ value: JSONValue?) -> Double? {
        guard case let .number(text)? = value, let n = Double(text), n.isFinite else { return nil }
        return n
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
