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
    public let faults: FaultInjector

    public init(engine: Engine, allowRemote: Bool = false, faultSeed: UInt64 = 1) {
        self.engine = engine
        self.allowRemote = allowRemote
        faults = FaultInjector(seed: faultSeed)
    }

    struct Answer: Sendable {
        var status: HTTPResponseStatus
        var body: [UInt8]
        var contentType = "application/json"
    }

    func handle(method: HTTPMethod, path: String, body: [UInt8], remoteAddress: SocketAddress?, respond: @escaping @Sendable (Answer) -> Void) {
        guard allowRemote || Self.isLoopback(remoteAddress) else {
            return respond(
                Self.error(.forbidden, "The admin API answers only requests from this host (start with --admin-from-any-host to change that)"))
        }
        let query = path.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        let route = path.split(separator: "?").first.map { $0.dropFirst(Self.pathPrefix.count).split(separator: "/").map(String.init) } ?? []
        switch (method, route.first, route.count) {
        case (.GET, "console", 1):
            respond(Answer(status: .ok, body: ConsoleAssets.page, contentType: "text/html; charset=utf-8"))
        case (.GET, "console", 2) where route[1] == "console.js":
            respond(Answer(status: .ok, body: ConsoleAssets.script, contentType: "text/javascript; charset=utf-8"))
        case (.POST, "tables", 3) where route[2] == "import":
            engine.importItems(table: Self.percentDecoded(route[1]), lines: body) { result in
                switch result {
                case let .success(count): respond(Self.ok { w in w.beginObject(); w.key("imported"); w.number(count); w.endObject() })
                case let .failure(problem): respond(Self.error(.badRequest, problem.description))
                }
            }
        case (.GET, "tables", 3) where route[2] == "expiring":
            let limit = Self.queryParameters(query)["limit"].flatMap(Int.init).map { min(max($0, 1), 1000) } ?? 20
            respond(expiringAnswer(table: route[1], limit: limit))
        case (_, "faults", _):
            respond(faultsAnswer(method: method, route: route, body: body))
        case (.GET, "clock", 1):
            respond(clockAnswer())
        case (.POST, "clock", 1):
            moveClock(body, respond: respond)
        case (.GET, "tables", 1):
            let parameters = Self.queryParameters(query)
            respond(
                tablesAnswer(
                    after: parameters["after"].map(Self.percentDecoded), prefix: parameters["prefix"].map(Self.percentDecoded) ?? "",
                    limit: parameters["limit"].flatMap(Int.init).map { max($0, 1) } ?? .max))
        case (.POST, "tables", 5) where route[2] == "indexes" && route[4] == "lag":
            guard let ms = Self.milliseconds(body) else { return respond(Self.error(.badRequest, Self.millisecondsExpected)) }
            if let problem = engine.setIndexLag(milliseconds: ms, table: route[1], index: route[3]) {
                return respond(Self.error(.badRequest, problem))
            }
            respond(tablesAnswer())
        case (.GET, "cost", 1):
            let parameters = Self.queryParameters(query)
            do {
                let top = parameters["top"].flatMap(Int.init).map { max($0, 0) }
                respond(
                    Answer(status: .ok, body: try engine.costReport(region: parameters["region"], from: parameters["from"], to: parameters["to"], top: top)))
            } catch {
                respond(Self.error(.badRequest, "\(error)"))
            }
        case (.POST, "cost", 2) where route[1] == "mark":
            guard case let .object(o)? = try? JSONReader.parse(body), case let .string(name)? = o["name"], !name.isEmpty else {
                return respond(Self.error(.badRequest, "Expected {\"name\": \"a mark\"}"))
            }
            engine.markCost(name)
            respond(Answer(status: .ok, body: Array("{}".utf8)))
        case (.POST, "cost", 2) where route[1] == "reset":
            engine.resetCost()
            respond(Answer(status: .ok, body: Array("{}".utf8)))
        case (.GET, "zones", 1):
            respond(zonesAnswer(withDigests: query.contains("digest=true")))
        case (.POST, "zones", 3) where route[2] == "lag":
            guard let ms = Self.milliseconds(body) else { return respond(Self.error(.badRequest, Self.millisecondsExpected)) }
            if let problem = engine.setZoneLag(milliseconds: ms, zone: route[1]) { return respond(Self.error(.badRequest, problem)) }
            respond(zonesAnswer(withDigests: false))
        case (.POST, "zones", 3):
            guard let action = Engine.ZoneAction(rawValue: route[2]) else {
                return respond(Self.error(.notFound, "No admin endpoint \(method.rawValue) \(path): zones take stop, start, isolate, heal or lag"))
            }
            engine.controlZone(action, zone: route[1]) { problem in
                if let problem { return respond(Self.error(.badRequest, problem)) }
                respond(self.zonesAnswer(withDigests: false))
            }
        default:
            respond(Self.error(.notFound, "No admin endpoint \(method.rawValue) \(path)"))
        }
    }

    // MARK: tables

    /// `%XX` escapes decoded (table names may hold `.`, `-`, `_` only, but a browser may still escape).
    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        var input = Array(text.utf8)[...]
        while let b = input.popFirst() {
            if b == UInt8(ascii: "%"), input.count >= 2, let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                input = input.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `a=1&b=2` as a dictionary (values taken as they are: names and regions need no decoding).
    static func queryParameters(_ query: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
        }
        return out
    }

    /// Provisioned units, items, and what was consumed and throttled (a table's or a global index's).
    private static func write(_ metering: Engine.Metering, itemCount: Int, to w: inout JSONWriter) {
        w.key("readCapacityUnits"); w.number(metering.readCapacityUnits)
        w.key("writeCapacityUnits"); w.number(metering.writeCapacityUnits)
        w.key("itemCount"); w.number(itemCount)
        w.key("consumedReadUnits"); w.number(metering.consumedReadUnits)
        w.key("consumedWriteUnits"); w.number(metering.consumedWriteUnits)
        w.key("throttledReads"); w.number(metering.throttledReads)
        w.key("throttledWrites"); w.number(metering.throttledWrites)
    }

    private func tablesAnswer(after: String? = nil, prefix: String = "", limit: Int = .max) -> Answer {
        guard let usage = try? engine.tableUsage(after: after, prefix: prefix, limit: limit) else { return Self.error(.internalServerError, "Could not read the tables") }
        return Self.ok { w in
            w.beginObject()
            w.key("tableCount"); w.number(engine.tableCount)
            w.key("tables")
            w.beginArray()
            for table in usage {
                w.beginObject()
                w.key("name"); w.string(table.name)
                w.key("billingMode"); w.string(table.billingMode)
                Self.write(table.metering, itemCount: table.itemCount, to: &w)
                w.key("sizeBytes"); w.number(table.sizeBytes)
                w.key("partitionKey"); Self.write(table.keySchema.partition, to: &w)
                if let sort = table.keySchema.sort { w.key("sortKey"); Self.write(sort, to: &w) }
                if let attribute = table.ttlAttribute { w.key("ttlAttribute"); w.string(attribute) }
                if let view = table.streamViewType { w.key("streamViewType"); w.string(view) }
                if let units = table.availableReadUnits { w.key("availableReadUnits"); w.number(units) }
                if let units = table.availableWriteUnits { w.key("availableWriteUnits"); w.number(units) }
                if !table.indexes.isEmpty {
                    w.key("indexes")
                    w.beginArray()
                    for index in table.indexes {
                        w.beginObject()
                        w.key("name"); w.string(index.name)
                        w.key("kind"); w.string(index.kind)
                        w.key("status"); w.string(index.status)
                        if let metering = index.metering {
                            Self.write(metering, itemCount: index.itemCount, to: &w)
                        } else {
                            w.key("itemCount"); w.number(index.itemCount)
                        }
                        if let lag = index.lagMilliseconds { w.key("lagMs"); w.number(lag) }
                        w.endObject()
                    }
                    w.endArray()
                }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
    }

    private static func write(_ element: KeyElement, to w: inout JSONWriter) {
        w.beginObject()
        w.key("name"); w.string(element.name)
        w.key("type"); w.string(element.type.rawValue)
        w.endObject()
    }

    private func expiringAnswer(table: String, limit: Int) -> Answer {
        let view: Engine.ExpiryView?
        do {
            view = try engine.expiryView(table: Self.percentDecoded(table), limit: limit)
        } catch {
            return Self.error(.internalServerError, "Could not read the TTL index: \(error)")
        }
        guard let view else { return Self.error(.notFound, "No table named \(Self.percentDecoded(table))") }
        return Self.ok { w in
            w.beginObject()
            w.key("now"); w.number(view.now)
            if let attribute = view.attribute { w.key("attribute"); w.string(attribute) }
            let upcoming = view.upcoming.map { (key: $0.key, expiresAt: $0.expiresAt, deletedAt: Double?.none) }
            for (name, entries) in [("upcoming", upcoming), ("deleted", view.deleted.map { ($0.key, $0.expiresAt, Optional($0.deletedAt)) })] {
                w.key(name)
                w.beginArray()
                for entry in entries {
                    w.beginObject()
                    w.key("key"); w.item(entry.key)
                    w.key("expiresAt"); w.number(Int(clamping: entry.expiresAt))
                    if let deletedAt = entry.deletedAt { w.key("deletedAt"); w.number(deletedAt) }
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
        }
    }

    // MARK: faults

    private func faultsAnswer(method: HTTPMethod, route: [String], body: [UInt8]) -> Answer {
        switch (method, route.count) {
        case (.GET, 1):
            let (seed, rules) = faults.snapshot
            return Self.ok { w in
                w.beginObject()
                w.key("seed"); w.number(String(seed))
                w.key("rules")
                w.beginArray()
                for rule in rules { Self.write(rule, to: &w) }
                w.endArray()
                w.endObject()
            }
        case (.POST, 1):
            guard let json = try? JSONReader.parse(body) else { return Self.error(.badRequest, "Expected a JSON object describing the rule") }
            do {
                let rule = try faults.add(json)
                return Self.ok { w in Self.write(rule, to: &w) }
            } catch {
                return Self.error(.badRequest, error.description)
            }
        case (.POST, 2) where route[1] == "seed":
            guard case let .object(o)? = try? JSONReader.parse(body), case let .number(text)? = o["seed"], let seed = UInt64(text) else {
                return Self.error(.badRequest, #"Expected {"seed": N} with a whole number, 0 or more"#)
            }
            faults.reseed(seed)
            return Answer(status: .ok, body: Array("{}".utf8))
        case (.DELETE, 1):
            _ = faults.remove(nil)
            return Answer(status: .ok, body: Array("{}".utf8))
        case (.DELETE, 2):
            guard let id = Int(route[1]), faults.remove(id) else { return Self.error(.notFound, "No fault rule \(route[1])") }
            return Answer(status: .ok, body: Array("{}".utf8))
        default:
            return Self.error(.notFound, "No admin endpoint \(method.rawValue) /_trident/\(route.joined(separator: "/"))")
        }
    }

    private static func write(_ rule: FaultInjector.Rule, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.number(rule.id)
        w.key("operations"); w.beginArray(); for name in rule.operations.sorted() { w.string(name) }; w.endArray()
        w.key("tables"); w.beginArray(); for name in rule.tables.sorted() { w.string(name) }; w.endArray()
        if let error = rule.error { w.key("error"); w.string(error) }
        if let message = rule.message { w.key("message"); w.string(message) }
        w.key("latencyMs"); w.number(rule.latencyMilliseconds)
        w.key("probability"); w.number(rule.probability)
        if let remaining = rule.remaining { w.key("remaining"); w.number(remaining) }
        w.key("fired"); w.number(rule.fired)
        w.endObject()
    }

    // MARK: zones

    private func zonesAnswer(withDigests: Bool) -> Answer {
        guard let status = try? engine.zonesStatus(withDigests: withDigests) else {
            return Self.error(.internalServerError, "Could not read the zones")
        }
        return Self.ok { w in
            w.beginObject()
            w.key("leader")
            if let leader = status.leader { w.string(leader) } else { w.null() }
            w.key("term"); w.number(Int(status.term))
            w.key("zones")
            w.beginArray()
            for zone in status.zones {
                w.beginObject()
                w.key("name"); w.string(zone.name)
                w.key("state"); w.string(zone.state)
                w.key("role"); w.string(zone.role)
                w.key("appliedSequence"); w.number(Int(zone.appliedSequence))
                w.key("lagMs"); w.number(zone.lagMilliseconds)
                if let digest = zone.digest { w.key("digest"); w.string(digest) }
                if let items = zone.itemCount { w.key("itemCount"); w.number(items) }
                w.endObject()
            }
            w.endArray()
            w.endObject()
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

    static let millisecondsExpected = #"Expected {"ms": N} with a whole number of milliseconds, zero or more"#

    /// `{"ms": N}`: a whole number of milliseconds, zero or more.
    static func milliseconds(_ body: [UInt8]) -> Int? {
        guard case let .object(o)? = try? JSONReader.parse(body), let ms = number(o["ms"]), ms >= 0, ms == ms.rounded(), ms < 1e9 else {
            return nil
        }
        return Int(ms)
    }

    static func number(_ value: JSONValue?) -> Double? {
        guard case let .number(text)? = value, let n = Double(text), n.isFinite else { return nil }
        return n
    }

    /// `Origin: http://127.0.0.1:8000` for `Host: 127.0.0.1:8000` (the console's page).
    static func isSameOrigin(_ origin: String, host: String?) -> Bool {
        guard let host else { return false }
        return origin == "http://" + host || origin == "https://" + host
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
