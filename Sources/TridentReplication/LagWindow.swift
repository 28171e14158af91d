/// Which past state a lagging zone reads, as a pure state machine over commit times.
///
/// A zone `lag` seconds behind serves, at time `now`, the data as it was at `now - lag`. LMDB
/// snapshots can only be taken of the present, so the writer takes one after a commit — at most one
/// per `granularity` — and a lagging read uses the newest snapshot taken at or before `now - lag`
/// (so it is never fresher than its lag, and at most `granularity` staler). When nothing was
/// committed since `now - lag`, the present is that state and the read takes a fresh snapshot.
/// Snapshots older than the newest one the longest lag still needs are dropped.
struct LagWindow: Sendable, Equatable {
    /// A snapshot held: when it was taken and the last sequence it holds.
    struct Mark: Sendable, Equatable {
        let time: Double
        let sequence: UInt64
    }

    /// Snapshots held, oldest first.
    private(set) var marks: [Mark] = []
    /// The latest commit.
    private(set) var lastCommit = Mark(time: -Double.infinity, sequence: 0)
    /// Snapshots are taken at most this often (seconds).
    var granularity: Double

    init(granularity: Double) {
        self.granularity = granularity
    }

    /// The granularity for a longest lag: fine enough to be close, coarse enough that the
    /// snapshots held stay few (LMDB pins the pages each one sees).
    static func granularity(forLag lag: Double) -> Double {
        min(max(lag / 32, 0.001), 1)
    }

    enum Step: Equatable {
        /// Take a snapshot of the present and hold it as the newest.
        case take
        case none
    }

    /// A commit of `sequence` happened at `now`.
    mutating func committed(_ sequence: UInt64, at now: Double) -> Step {
        lastCommit = Mark(time: now, sequence: sequence)
        guard let newest = marks.last else { return .take }
        return now - newest.time >= granularity ? .take : .none
    }

    /// A snapshot taken at `now` holding `sequence` is now the newest.
    mutating func took(_ sequence: UInt64, at now: Double) {
        marks.append(Mark(time: now, sequence: sequence))
    }

    /// How many of the oldest snapshots no lag up to `longest` can need any more.
    mutating func trim(longest: Double, now: Double) -> Int {
        let cutoff = now - longest
        // Keep the newest snapshot at or before the cutoff: the longest lag reads it.
        guard let keep = marks.lastIndex(where: { $0.time <= cutoff }), keep > 0 else { return 0 }
        marks.removeFirst(keep)
        return keep
    }

    enum View: Equatable {
        /// The present is old enough: read it, if it holds nothing after `through`.
        case present(through: UInt64)
        /// Read the held snapshot at this index.
        case held(Int)
    }

    /// What a zone `lag` seconds behind reads at `now`.
    func view(lag: Double, now: Double) -> View {
        let target = now - lag
        if lastCommit.time <= target { return .present(through: lastCommit.sequence) }
        if let index = marks.lastIndex(where: { $0.time <= target }) { return .held(index) }
        // Nothing held is that old (the lag was just set): the oldest is the closest.
        return marks.isEmpty ? .present(through: lastCommit.sequence) : .held(0)
    }
}
