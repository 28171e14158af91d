import DynamoModel
import Synchronization

/// Fault injection (`/_trident/faults`): rules that make matching API requests fail with one of the
/// service's errors, drop their connection, or wait first. A rule matches operations and tables
/// (any, when it names none), fires with a probability, at most `count` times; the random source
/// is seeded so a probabilistic run repeats exactly. With no rules the router skips all of this.
public final class FaultInjector: Sendable {
    public struct Rule: Sendable {
        public var id: Int
        public var operations: Set<String>
        public var tables: Set<String>
        /// An injectable error code, `dropConnection`, or nil (latency only).
        public var error: String?
        public var message: String?
        public var latencyMilliseconds: Int
        public var probability: Double
        /// Firings left (nil: no limit).
        public var remaining: Int?
        public var fired = 0
    }

    /// What one request gets.
    struct Decision: Sendable {
        var latencyMilliseconds = 0
        var error: DynamoError?
        var dropsConnection = false
    }

    private struct State {
        var rules: [Rule] = []
        var nextID = 1
        var random: SplitMix64
        var seed: UInt64
    }

    private let state: Mutex<State>
    private let ruleCount = Atomic(0)

    public init(seed: UInt64) {
        state = Mutex(State(random: SplitMix64(seed: seed), seed: seed))
    }

    /// No rule can fire (none, or every one spent): the router skips fault injection.
    var isEmpty: Bool { ruleCount.load(ordering: .relaxed) == 0 }

    private static func live(_ rules: [Rule]) -> Int { rules.count { $0.remaining != 0 } }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Adds a rule from its JSON (`{"operations": [...], "tables": [...], "error": "...", "latencyMs": N,
    /// "probability": P, "count": N, "message": "..."}`); returns it with its id.
    func add(_ json: JSONValue) throws(Problem) -> Rule {
        guard case let .object(o) = json else { throw Problem(description: "Expected a JSON object describing the rule") }
        let known: Set<String> = ["operations", "tables", "error", "latencyMs", "probability", "count", "message"]
        if let unknown = o.members.first(where: { !known.contains($0.key) }) {
            throw Problem(description: "Unknown field \(unknown.key); a rule has \(known.sorted().joined(separator: ", "))")
        }
        func names(_ key: String) throws(Problem) -> Set<String> {
            guard let value = o[key] else { return [] }
            guard case let .array(items) = value else { throw Problem(description: "\(key) must be a list of names") }
            var out: Set<String> = []
            for item in items {
                guard case let .string(name) = item else { throw Problem(description: "\(key) must be a list of names") }
                out.insert(name)
            }
            return out
        }
        func number(_ key: String) throws(Problem) -> Double? {
            guard let value = o[key] else { return nil }
            guard case let .number(text) = value, let n = Double(text), n.isFinite else { throw Problem(description: "\(key) must be a number") }
            return n
        }
        var error: String?
        if let value = o["error"] {
            guard case let .string(code) = value, code == "dropConnection" || DynamoError.injected(code) != nil else {
                throw Problem(description: "error must be one of \((DynamoError.injectableCodes + ["dropConnection"]).joined(separator: ", "))")
            }
            error = code
        }
        var message: String?
        if let value = o["message"] {
            guard case let .string(text) = value else { throw Problem(description: "message must be a string") }
            message = text
        }
        let latency = try number("latencyMs") ?? 0
        guard latency >= 0, latency <= 600_000, latency == latency.rounded() else {
            throw Problem(description: "latencyMs must be a whole number of milliseconds from 0 to 600000")
        }
        guard error != nil || latency > 0 else { throw Problem(description: "A rule needs an error, a latencyMs, or both") }
        let probability = try number("probability") ?? 1
        guard (0...1).contains(probability) else { throw Problem(description: "probability must be between 0 and 1") }
        let count = try number("count")
        if let count, count < 1 || count > 1e9 || count != count.rounded() {
            throw Problem(description: "count must be a whole number from 1 to 1000000000")
        }
        let operations = try names("operations"), tables = try names("tables")
        return state.withLock { state in
            let rule = Rule(
                id: state.nextID, operations: operations, tables: tables, error: error, message: message, latencyMilliseconds: Int(latency),
                probability: probability, remaining: count.map { Int($0) })
            state.nextID += 1
            state.rules.append(rule)
            ruleCount.store(Self.live(state.rules), ordering: .relaxed)
            return rule
        }
    }

    /// Removes one rule (nil: all); false when there is no such rule.
    func remove(_ id: Int?) -> Bool {
        state.withLock { state in
            let before = state.rules.count
            if let id { state.rules.removeAll { $0.id == id } } else { state.rules.removeAll() }
            ruleCount.store(Self.live(state.rules), ordering: .relaxed)
            return id == nil || state.rules.count < before
        }
    }

    /// Restarts the random source (a test that wants the same sequence of faults again).
    func reseed(_ seed: UInt64) {
        state.withLock { state in
            state.seed = seed
            state.random = SplitMix64(seed: seed)
        }
    }

    var snapshot: (seed: UInt64, rules: [Rule]) {
        state.withLock { ($0.seed, $0.rules) }
    }

    /// The first matching rule that fires decides; a rule with latency only adds its wait and
    /// lets later rules decide the outcome.
    /// `body`: the request, whose tables are read only if a rule for this operation names tables.
    func decide(operation: String, body: [UInt8]) -> Decision {
        state.withLock { state in
            var decision = Decision()
            var tables: Set<String>?
            defer { ruleCount.store(Self.live(state.rules), ordering: .relaxed) }
            for i in state.rules.indices {
                let rule = state.rules[i]
                guard rule.remaining != 0, rule.operations.isEmpty || rule.operations.contains(operation) else { continue }
                if !rule.tables.isEmpty {
                    if tables == nil { tables = Self.tables(in: body) }
                    guard !rule.tables.isDisjoint(with: tables!) else { continue }
                }
                if rule.probability < 1, state.random.nextUnit() >= rule.probability { continue }
                state.rules[i].fired += 1
                if let left = rule.remaining { state.rules[i].remaining = left - 1 }
                decision.latencyMilliseconds += rule.latencyMilliseconds
                if let code = rule.error {
                    if code == "dropConnection" {
                        decision.dropsConnection = true
                    } else {
                        decision.error = DynamoError.injected(code, message: rule.message)
                    }
                    break
                }
            }
            return decision
        }
    }

    /// The tables a request names: `TableName`, `RequestItems`' keys, and each transaction action's.
    static func tables(in body: [UInt8]) -> Set<String> {
        guard case let .object(o)? = try? JSONReader.parse(body) else { return [] }
        var out: Set<String> = []
        if case let .string(name)? = o["TableName"] { out.insert(name) }
        if case let .object(items)? = o["RequestItems"] { out.formUnion(items.members.map(\.key)) }
        if case let .array(actions)? = o["TransactItems"] {
            for case let .object(action) in actions {
                for member in action.members {
                    if case let .object(inner) = member.value, case let .string(name)? = inner["TableName"] { out.insert(name) }
                }
            }
        }
        return out
    }
}
