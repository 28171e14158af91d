import Synchronization
import TridentStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The zones' copies as views of the one store: a zone that keeps up reads the present; a lagging
/// zone reads a snapshot at least its lag old (`LagWindow` decides which); an isolated zone reads
/// the snapshot it held when it was cut off, pinned until it heals.
final class ZoneViews: Sendable {
    private let store: Store
    private let state: Mutex<State>

    private struct State {
        var window = LagWindow(granularity: 0.01)
        /// Parallel to `window.marks`.
        var held: [Snapshot] = []
        /// The longest lag served now, in seconds (0: no history kept).
        var longest = 0.0
        var pinned: [Int: Snapshot] = [:]
    }

    init(store: Store) {
        self.store = store
        state = Mutex(State())
    }

    /// Seconds on a clock that never jumps (lags are real time, whatever the controlled clock says).
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The longest lag changed: history starts now (a snapshot of the present), or is dropped.
    func setLongestLag(milliseconds: Int) {
        let seconds = Double(milliseconds) / 1000
        let now = Self.now()
        let snapshot = seconds > 0 ? try? store.snapshot() : nil
        let dropped = state.withLock { s -> [Snapshot] in
            let wasOff = s.longest == 0
            s.longest = seconds
            s.window.granularity = LagWindow.granularity(forLag: seconds)
            guard seconds > 0 else {
                defer { s.held = []; s.window = LagWindow(granularity: s.window.granularity) }
                return s.held
            }
            if wasOff, let snapshot {
                s.window.took(snapshot.sequence, at: now)
                s.held.append(snapshot)
            }
            return []
        }
        _ = dropped  // released outside the lock
    }

    /// After each commit, while any zone lags: keeps the history the lags need.
    func committed(_ sequence: UInt64) {
        let now = Self.now()
        let (take, longest) = state.withLock { s in (s.longest > 0 && s.window.committed(sequence, at: now) == .take, s.longest) }
        guard longest > 0 else { return }
        let snapshot = take ? try? store.snapshot() : nil
        let released = state.withLock { s -> [Snapshot] in
            if let snapshot {
                s.window.took(snapshot.sequence, at: now)
                s.held.append(snapshot)
            }
            let drop = s.window.trim(longest: s.longest, now: now)
            defer { s.held.removeFirst(drop) }
            return Array(s.held.prefix(drop))
        }
        _ = released
    }

    /// Runs `body` on the data as a zone `lagMilliseconds` behind sees it now.
    func read<T>(lagMilliseconds lag: Int, _ body: (StoreReader) throws -> T) throws -> T {
        guard lag > 0 else { return try store.read(body) }
        let now = Self.now()
        let choice = state.withLock { s -> (LagWindow.View, Snapshot?, Snapshot?) in
            let view = s.window.view(lag: Double(lag) / 1000, now: now)
            if case let .held(i) = view { return (view, s.held[i], nil) }
            // If a commit slips in before the present is read, the newest held snapshot stands in.
            return (view, nil, s.held.last)
        }
        if let held = choice.1 { return try held.read(body) }
        if case let .present(through) = choice.0 {
            let fresh = try store.read { reader -> T? in try reader.sequence() <= through ? try body(reader) : nil }
            if let fresh { return fresh }
        }
        if let fallback = choice.2 { return try fallback.read(body) }
        return try store.read(body)
    }

    /// The last sequence a zone `lagMilliseconds` behind sees now.
    func sequence(lagMilliseconds lag: Int) throws -> UInt64 {
        try read(lagMilliseconds: lag) { try $0.sequence() }
    }

    // MARK: isolated zones

    /// Freezes what `zone` sees now (its lagging view, if it lags) until `unpin`.
    func pin(_ zone: Int, lagMilliseconds lag: Int) throws {
        let snapshot: Snapshot
        if lag > 0, let held = heldSnapshot(lagMilliseconds: lag) {
            snapshot = held
        } else {
            snapshot = try store.snapshot()
        }
        let old = state.withLock { s in s.pinned.updateValue(snapshot, forKey: zone) }
        _ = old
    }

    private func heldSnapshot(lagMilliseconds lag: Int) -> Snapshot? {
        let now = Self.now()
        return state.withLock { s in
            if case let .held(i) = s.window.view(lag: Double(lag) / 1000, now: now) { return s.held[i] }
            return nil
        }
    }

    func unpin(_ zone: Int) {
        let old = state.withLock { s in s.pinned.removeValue(forKey: zone) }
        _ = old
    }

    func pinned(_ zone: Int) -> Snapshot? {
        state.withLock { $0.pinned[zone] }
    }

    /// Releases every snapshot (before the store closes).
    func releaseAll() {
        let all = state.withLock { s -> ([Snapshot], [Snapshot]) in
            defer {
                s.held = []
                s.pinned = [:]
                s.longest = 0
            }
            return (s.held, Array(s.pinned.values))
        }
        _ = all
    }
}
