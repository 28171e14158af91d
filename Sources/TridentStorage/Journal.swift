import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A zone's log of applied entries, in append-only segment files: what makes a write durable
/// (one fdatasync of sequential bytes per group of writes, instead of LMDB's page and meta flushes),
/// what rebuilds the zone's LMDB environment after a crash (entries after its last flushed state are
/// replayed), and what other zones replay to catch up when this zone leads.
///
/// The writer thread appends; a syncer thread makes appends durable; any thread reads. Segments
/// are dropped whole once every zone has applied them and this zone's environment is flushed past
/// them (`trim`). Within one journal, sequence numbers follow each other without a gap.
public final class Journal: Sendable {
    /// A segment is started when the next record would pass this size (or the term changes).
    public static let defaultSegmentCapacity = 16 << 20
    /// Trimmed segment files kept for reuse (a checkpoint interval's worth at a high write rate).
    static let maxSpares = 4

    let directory: String
    let generation: UInt32
    let segmentCapacity: Int
    private let state: Mutex<State>

    private struct State {
        var segments: [JournalSegment] = []
        /// Bytes written in the last segment.
        var end = 0
        /// The last entry in the journal, when it holds any.
        var last: LogPosition?
        /// Segments appended to since the last sync.
        var unsynced: [JournalSegment] = []
        var directoryChanged = false
        var spares: [String] = []
        var readers = 0
    }

    /// Where an append started, to undo it when the transaction it belongs to does not commit.
    public struct Mark: Sendable {
        fileprivate let segments: Int
        fileprivate let end: Int
        fileprivate let last: LogPosition?
    }

    /// The journal could not be opened as recorded.
    public struct Damaged: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens the journal in `directory` (creating it), replays nothing: `recover` does.
    private init(directory: String, segmentCapacity: Int) throws {
        self.directory = directory
        self.segmentCapacity = segmentCapacity
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var state = State()
        var found: [(first: UInt64, term: UInt64, name: String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            if let (first, term) = JournalSegment.parse(fileName: name) {
                found.append((first, term, name))
            } else if name.hasPrefix("spare-") {
                state.spares.append((directory as NSString).appendingPathComponent(name))
            }
        }
        found.sort { $0.first < $1.first }
        state.segments = try found.map {
            try JournalSegment(path: (directory as NSString).appendingPathComponent($0.name), first: $0.first, term: $0.term)
        }
        // The generation is settled by `recover`; until then appends are refused.
        generation = 0
        self.state = Mutex(state)
    }

    private init(directory: String, generation: UInt32, segmentCapacity: Int, state: State) {
        self.directory = directory
        self.generation = generation
        self.segmentCapacity = segmentCapacity
        self.state = Mutex(state)
    }

    /// Finds the journal's end and returns the entries after `applied` (what the environment lacks),
    /// in order, with the journal positioned to append after the last intact one. Records after a
    /// gap or a torn record are dropped: nothing after them was ever acknowledged.
    public static func recover(directory: String, after applied: UInt64, segmentCapacity: Int = defaultSegmentCapacity) throws -> (
        Journal, [LogEntry]
    ) {
        let scanned = try Journal(directory: directory, segmentCapacity: segmentCapacity)
        var state = scanned.state.withLock { $0 }
        var replay: [LogEntry] = []
        var generation: UInt32 = 0
        // Segments before the one holding `applied + 1` are history for other zones: kept unread.
        if let first = state.segments.first, first.first > applied + 1 {
            throw Damaged(description: "journal \(directory) starts at entry \(first.first), after the environment's \(applied)")
        }
        let start = state.segments.lastIndex { $0.first <= applied + 1 } ?? 0
        var keep = state.segments.count
        var expected: UInt64? = nil
        for index in start..<state.segments.count {
            let segment = state.segments[index]
            if let expected, segment.first != expected {
                // A gap (this segment's predecessor ends early: torn, or a file lost): what follows
                // cannot be replayed in order.
                keep = index
                break
            }
            let result: JournalSegment.ScanResult
            do {
                result = try segment.entries(after: applied, upTo: segment.size, minimumGeneration: generation, into: &replay)
            } catch {
                throw Damaged(description: "journal \(segment.path): \(error)")
            }
            generation = result.generation
            state.end = result.end
            if let last = result.last {
                state.last = LogPosition(sequence: last, term: segment.term)
                expected = last + 1
            } else {
                expected = segment.first
            }
        }
        if start > 0 && state.last == nil, let previous = state.segments[..<start].last {
            // Nothing was written to the segments after `applied`; the previous segment ends there.
            state.last = LogPosition(sequence: state.segments[start].first - 1, term: previous.term)
        }
        if let first = replay.first, first.sequence != applied + 1 {
            throw Damaged(description: "journal \(directory) resumes at entry \(first.sequence), not \(applied + 1)")
        }
        for dropped in state.segments[keep...] { unlink(dropped.path) }
        state.segments.removeSubrange(keep...)
        if let last = state.segments.last, state.last == nil || state.last!.sequence < last.first - 1 {
            // The last segment holds nothing: its predecessor's end is the journal's.
            state.end = 0
        }
        let journal = Journal(
            directory: directory, generation: try nextGeneration(directory: directory, atLeast: generation &+ 1), segmentCapacity: segmentCapacity,
            state: state)
        return (journal, replay)
    }

    /// Each opening appends under a new generation number, kept in a small file: records an earlier
    /// opening left past the end found (a torn tail) are then never mistaken for newer ones.
    private static func nextGeneration(directory: String, atLeast minimum: UInt32) throws -> UInt32 {
        let path = (directory as NSString).appendingPathComponent("generation")
        let stored = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        let next = max(minimum, stored &+ 1)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Damaged(description: "journal \(directory): cannot write its generation") }
        defer { close(fd) }
        let text = Array("\(next)\n".utf8)
        guard text.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == text.count, fsync(fd) == 0 else {
            throw Damaged(description: "journal \(directory): cannot write its generation")
        }
        return next
    }

    // MARK: reading

    /// The last entry in the journal.
    public var last: LogPosition? { state.withLock { $0.last } }

    /// The first sequence number still in the journal, nil when it holds nothing.
    public var oldestSequence: UInt64? {
        state.withLock { s in s.last == nil ? nil : s.segments.first?.first }
    }

    /// The term of entry `sequence`, or nil when the journal does not (or no longer) hold it.
    public func term(at sequence: UInt64) -> UInt64? {
        state.withLock { s in
            guard let last = s.last, sequence <= last.sequence, let index = s.segments.lastIndex(where: { $0.first <= sequence }) else { return nil }
            return s.segments[index].term
        }
    }

    /// Entries after `sequence`, in order, at most `limit`.
    public func entries(after sequence: UInt64, limit: Int = .max) throws -> [LogEntry] {
        let (segments, end, last) = state.withLock { s in
            s.readers += 1
            return (s.segments, s.end, s.last)
        }
        defer { state.withLock { $0.readers -= 1 } }
        guard let last, sequence < last.sequence, limit > 0 else { return [] }
        var out: [LogEntry] = []
        let start = segments.lastIndex { $0.first <= sequence + 1 } ?? 0
        for index in start..<segments.count {
            let segment = segments[index]
            let upTo = index == segments.count - 1 ? end : segment.size
            try segment.entries(after: sequence, through: last.sequence, limit: limit, upTo: upTo, into: &out)
            if out.count >= limit || out.last?.sequence == last.sequence { break }
        }
        return out
    }

    // MARK: writing (the zone's writer thread)

    /// Writes `entries` after the journal's last one (not yet durable: `sync` makes them so).
    /// Returns where the append began, for `rollBack`.
    @discardableResult
    public func append(_ entries: [LogEntry]) throws -> Mark {
        try state.withLock { s in
            let mark = Mark(segments: s.segments.count, end: s.end, last: s.last)
            // The records bound for one segment go out in one pwrite: `pending` starts at `pendingOffset`.
            var pending: [UInt8] = []
            var pendingOffset = s.end
            func flush(into segment: JournalSegment?) throws {
                guard !pending.isEmpty, let segment else { return }
                try pending.withUnsafeBytes { try segment.write($0, at: pendingOffset) }
                pending.removeAll(keepingCapacity: true)
            }
            do {
                for entry in entries {
                    if let last = s.last, entry.sequence != last.sequence + 1 {
                        throw Damaged(description: "journal \(directory): entry \(entry.sequence) does not follow \(last.sequence)")
                    }
                    let size = JournalRecord.size(of: entry)
                    if s.end == 0, let empty = s.segments.last, empty.first != entry.sequence {
                        // An empty segment opened for another sequence (after a reset or recovery): replace it.
                        unlink(empty.path)
                        s.segments.removeLast()
                        s.unsynced.removeAll { $0 === empty }
                    }
                    if s.segments.isEmpty || s.segments.last!.term != entry.term || (s.end + size > s.segments.last!.size && s.end > 0) {
                        try flush(into: s.segments.last)
                        let segment = try JournalSegment.create(
                            directory: directory, first: entry.sequence, term: entry.term, capacity: max(segmentCapacity, size),
                            spare: s.spares.popLast())
                        s.segments.append(segment)
                        s.unsynced.append(segment)
                        s.directoryChanged = true
                        s.end = 0
                        pendingOffset = 0
                    } else if s.unsynced.last !== s.segments.last {
                        s.unsynced.append(s.segments.last!)
                    }
                    JournalRecord.append(entry, generation: generation, to: &pending)
                    s.end += size
                    s.last = entry.position
                }
                try flush(into: s.segments.last)
                return mark
            } catch {
                Self.rollBack(&s, to: mark)
                throw error
            }
        }
    }

    /// Forgets an append whose transaction did not commit.
    public func rollBack(to mark: Mark) {
        state.withLock { Self.rollBack(&$0, to: mark) }
    }

    private static func rollBack(_ s: inout State, to mark: Mark) {
        if mark.segments > 0 && mark.segments <= s.segments.count {
            // Zeroed, so the records a recovery reads there can never be these forgotten ones.
            let segment = s.segments[mark.segments - 1]
            segment.erase(from: mark.end, to: mark.segments == s.segments.count ? s.end : segment.size)
        }
        for segment in s.segments[mark.segments...] { unlink(segment.path) }
        s.segments.removeSubrange(mark.segments...)
        s.unsynced.removeAll { u in !s.segments.contains { $0 === u } }
        s.end = mark.end
        s.last = mark.last
    }

    // MARK: durability (the syncer thread)

    /// Makes everything appended so far durable.
    public func sync() throws {
        let (segments, directoryChanged) = state.withLock { s in
            defer {
                s.unsynced = []
                s.directoryChanged = false
            }
            return (s.unsynced, s.directoryChanged)
        }
        for segment in segments { try segment.sync() }
        if directoryChanged {
            // A new segment's name must survive a power loss too.
            let fd = open(directory, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
        }
    }

    // MARK: trimming

    /// Drops the segments whose entries all have sequence numbers up to `through` (never the one
    /// being appended to). Their files are kept as spares for new segments while nobody reads them.
    public func trim(through: UInt64) {
        state.withLock { s in
            var dropped = 0
            while dropped + 1 < s.segments.count && s.segments[dropped + 1].first - 1 <= through { dropped += 1 }
            guard dropped > 0 else { return }
            for segment in s.segments[..<dropped] {
                if s.readers == 0 && s.spares.count < Self.maxSpares {
                    let spare = (directory as NSString).appendingPathComponent("spare-\(UUID().uuidString).log")
                    if rename(segment.path, spare) == 0 {
                        s.spares.append(spare)
                        continue
                    }
                }
                unlink(segment.path)
            }
            s.segments.removeFirst(dropped)
        }
    }

    /// Empties the journal: the next entry appended is `after.sequence + 1` (a zone that copied another
    /// zone's data, or whose environment is ahead of what its journal kept).
    public func reset(after position: LogPosition) {
        state.withLock { s in
            for segment in s.segments { unlink(segment.path) }
            s.segments = []
            s.unsynced = []
            s.end = 0
            s.last = position.sequence == 0 ? nil : position
            s.directoryChanged = true
        }
    }

    /// Segment files holding entries, and trimmed ones kept for reuse.
    public var fileCounts: (segments: Int, spares: Int) { state.withLock { ($0.segments.count, $0.spares.count) } }
}
