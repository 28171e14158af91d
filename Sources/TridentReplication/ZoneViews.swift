import Synchronization
import TridentStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The zones' copies as views of the one store: a zone that keeps up reads the present; a lagging
/// zone reads a snapshot at least its lag old (`LagWindow` decides which); an isolated zone reads
/// the snapshot it held when it was cut off, pinned until it heals — or until it is more than
/// `isolationBacklog` writes behind, when it lets it go (LMDB cannot reuse the pages it pins).
final class ZoneViews: Sendable {
    private let store: Store
    private let isolationBacklog: UInt64
    private let state = Mutex(State())

    private struct State {
        var window = LagWindow(granularity: 0.01)
        /// The snapshots `window.marks` describes, in the same order.
        var held: [Snapshot] = []
        /// The longest lag read with now, in seconds (0: no history kept).
        var longest = 0.0
        var pinned: [Int: Snapshot] = [:]
    }

    init(store: Store, isolationBacklog: UInt64) {
        self.store = store
        self.isolationBacklog = isolationBacklog
    }

    /// Seconds on a clock that never jumps (lags are real time, whatever the controlled clock says).
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The longest lag changed: history starts now (with a snapshot of the present), or is dropped.
    func setLongestLag(milliseconds: Int) {
        let seconds = Double(milliseconds) / 1000
        let now = Self.now()
        let snapshot = seconds > 0 ? try? store.snapshot() : nil
        state.withLock { s in
            if seconds == 0 { s.held = [] }
            if seconds == 0 || s.longest == 0 { s.window = LagWindow(granularity: 0) }
            if s.longest == 0, let snapshot {
                s.window.took(snapshot.sequence, at: now)
                s.held.append(snapshot)
            }
            s.longest = seconds
            s.window.granularity = LagWindow.granularity(forLag: seconds)
        }
    }

    /// After each commit: keeps the history the lags need, and lets go of frozen copies too far
    /// behind; returns the isolated zones that lost theirs, with the sequence they had.
    func committed(_ sequence: UInt64) -> [(index: Int, sequence: UInt64)] {
        let now = Self.now()
        let take = state.withLock { s in s.longest > 0 && s.window.committed(sequence, at: now) == .take }
        let snapshot = take ? try? store.snapshot() : nil
        return state.withLock { s in
            if let snapshot {
                s.window.took(snapshot.sequence, at: now)
                s.held.append(snapshot)
            }
            if s.longest > 0 { s.held.removeFirst(s.window.trim(longest: s.longest, now: now)) }
            let stale = s.pinned.filter { sequence - $0.value.sequence > isolationBacklog }.map { (index: $0.key, sequence: $0.value.sequence) }
            for zone in stale { s.pinned[zone.index] = nil }
            return stale
        }
    }

    /// Runs `body` on the data as a zone `lagMilliseconds` behind sees it now.
    func read<T>(lagMilliseconds lag: Int, _ body: (StoreReader) throws -> T) throws -> T {
        guard lag > 0 else { return try store.read(body) }
        let now = Self.now()
        let (view, held, newest) = state.withLock { s -> (LagWindow.View, Snapshot?, Snapshot?) in
            let view = s.window.view(lag: Double(lag) / 1000, now: now)
            if case let .held(i) = view { return (view, s.held[i], nil) }
            return (view, nil, s.held.last)
        }
        if let held { return try held.read(body) }
        if case let .present(through) = view {
            let present = try store.read { reader -> T? in try reader.sequence() <= through ? try body(reader) : nil }
            if let present { return present }
        }
        // A commit slipped in before the present was read: the newest snapshot stands in for it.
        return try newest.map { try $0.read(body) } ?? store.read(body)
    }

    /// The last sequence a zone `lagMilliseconds` behind sees now.
    func sequence(lagMilliseconds lag: Int) throws -> UInt64 {
        try read(lagMilliseconds: lag) { try $0.sequence() }
    }

    /// Freezes what `zone` sees now (its lagging view, if it lags) until `unpin`.
    func pin(_ zone: Int, lagMilliseconds lag: Int) throws {
        let now = Self.now()
        let held = state.withLock { s -> Snapshot? in
            guard lag > 0, case let .held(i) = s.window.view(lag: Double(lag) / 1000, now: now) else { return nil }
            return s.held[i]
        }
        let snapshot = try held ?? store.snapshot()
        state.withLock { $0.pinned[zone] = snapshot }
    }

    func unpin(_ zone: Int) {
        state.withLock { $0.pinned[zone] = nil }
    }

    func pinned(_ zone: Int) -> Snapshot? {
        state.withLock { $0.pinned[zone] }
    }

    /// Releases every snapshot (before the store closes).
    func releaseAll() {
        state.withLock { s in
            s.held = []
            s.pinned = [:]
            s.longest = 0
        }
    }
}
