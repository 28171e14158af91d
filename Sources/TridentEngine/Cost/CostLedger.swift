import Synchronization

/// What every table's operations consumed since start, in the units DynamoDB bills (read and write
/// request units: an eventually consistent read is half a unit, a transactional one two), and each
/// table's busiest second — what the cost report prices. Marks copy the ledger at a moment so a
/// test can price what happened between two of them.
final class CostLedger: Sendable {
    struct Key: Hashable, Sendable {
        let table: String
        let operation: String
    }

    struct Units: Sendable, Equatable {
        var read = 0.0
        var write = 0.0
    }

    /// The peak of units in one second, and the second being counted.
    struct Peak: Sendable, Equatable {
        var second: Int64 = .min
        var current = Units()
        var highest = Units()
    }

    struct Snapshot: Sendable {
        let time: Double
        let units: [Key: Units]
        /// GetRecords calls, by table.
        let streamReads: [String: Int]
    }

    private struct State {
        var units: [Key: Units] = [:]
        var streamReads: [String: Int] = [:]
        var peaks: [String: Peak] = [:]
        var marks: [String: Snapshot] = [:]
        var started: Double
    }

    private let clock: Clock
    private let state: Mutex<State>

    init(clock: Clock) {
        self.clock = clock
        state = Mutex(State(started: clock.now))
    }

    func add(_ units: Double, _ read: Bool, to key: Key, now: Double) {
        state.withLock { state in
            if read { state.units[key, default: Units()].read += units } else { state.units[key, default: Units()].write += units }
            guard units > 0 else { return }
            var peak = state.peaks[key.table] ?? Peak()
            let second = Int64(now.rounded(.down))
            if second != peak.second {
                peak.second = second
                peak.current = Units()
            }
            if read { peak.current.read += units } else { peak.current.write += units }
            peak.highest.read = max(peak.highest.read, peak.current.read)
            peak.highest.write = max(peak.highest.write, peak.current.write)
            state.peaks[key.table] = peak
        }
    }

    func addStreamRead(table: String) {
        state.withLock { $0.streamReads[table, default: 0] += 1 }
    }

    /// The ledger now, as the start (or the last reset) left it, and the peaks since.
    func snapshot() -> (now: Snapshot, start: Snapshot, peaks: [String: Peak]) {
        let now = clock.now
        return state.withLock {
            (Snapshot(time: now, units: $0.units, streamReads: $0.streamReads), Snapshot(time: $0.started, units: [:], streamReads: [:]), $0.peaks)
        }
    }

    /// Keeps the ledger as it is now under `name` (replacing a mark of that name).
    func mark(_ name: String) {
        let now = clock.now
        state.withLock { $0.marks[name] = Snapshot(time: now, units: $0.units, streamReads: $0.streamReads) }
    }

    func mark(named name: String) -> Snapshot? {
        state.withLock { $0.marks[name] }
    }

    /// Starts counting afresh (marks and peaks too).
    func reset() {
        let now = clock.now
        state.withLock { $0 = State(started: now) }
    }
}
