import CDirectIO
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
///
/// With direct writes (`AsyncWriter`) an append copies its records into the segment's mirror and
/// queues one direct write of them, padded to the file system's block, before it returns (so
/// before the LMDB commit: a killed process's queued write still lands); `sync` waits for the
/// writes and fdatasyncs. Without, an append is a `pwrite` into the page cache.
public final class Journal: Sendable {
    /// A segment is started when the next record would pass this size (or the term changes).
    public static let defaultSegmentCapacity = 16 << 20
    /// Trimmed segment files kept for reuse (a checkpoint interval's worth at a high write rate).
    static let maxSpares = 4

    let directory: String
    let generation: UInt32
    let segmentCapacity: Int
    let state: Mutex<State>
    /// Direct writes; nil: buffered ones.
    let writer: AsyncWriter?
    /// The device whose flush covers this journal's direct writes (ext4 and XFS), else nil.
    let flushDomain: UInt64?

    struct State {
        var segments: [JournalSegment] = []
        /// Bytes used in the last segment (records, and padding between groups).
        var end = 0
        /// The last entry in the journal, when it holds any.
        var last: LogPosition?
        /// Segments appended to since their last fdatasync, with the last write to each.
        var unsynced: [(segment: JournalSegment, write: UInt64)] = []
        /// Segment files created or removed, and how many of those changes an fsync of the
        /// directory covers.
        var directoryVersion = 0
        var directorySynced = 0
        var spares: [JournalSegment.Spare] = []
        /// A finished segment's mirror, for the next segment (`MirrorMemory`).
        var retiredMirror: MirrorMemory?
        var readers = 0
        var writes = WriteLedger()
    }

    /// Whether appends are direct writes (the file system and kernel allow them).
    public var writesDirectly: Bool { writer != nil }

    /// The block each group of records starts on (1: no padding, for buffered appends).
    var groupAlignment: Int { writer?.alignment ?? 1 }

    /// Where an append started, to undo it when the transaction it belongs to does not commit.
    public struct Mark: Sendable {
        let segments: Int
        let end: Int
        let last: LogPosition?
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
                state.spares.append(JournalSegment.Spare(path: (directory as NSString).appendingPathComponent(name), written: 0))
            }
        }
        found.sort { $0.first < $1.first }
        state.segments = try found.map {
            try JournalSegment(path: (directory as NSString).appendingPathComponent($0.name), first: $0.first, term: $0.term)
        }
        // The generation is settled by `recover`; until then appends are refused.
        generation = 0
        self.state = Mutex(state)
        writer = nil
        flushDomain = nil
    }

    private init(directory: String, generation: UInt32, segmentCapacity: Int, state: State, writer: AsyncWriter?) {
        self.directory = directory
        self.generation = generation
        self.segmentCapacity = segmentCapacity
        self.state = Mutex(state)
        self.writer = writer
        flushDomain = writer == nil ? nil : Self.flushDomain(directory)
    }

    /// The device of `directory` when its file system is one whose fdatasync flushes the device and
    /// whose overwrites change no metadata (ext4, XFS).
    private static func flushDomain(_ directory: String) -> UInt64? {
        let ext4: Int64 = 0xEF53
        let xfs: Int64 = 0x5846_5342
        var info = stat()
        guard [ext4, xfs].contains(trident_filesystem_type(directory)), stat(directory, &info) == 0 else { return nil }
        return UInt64(info.st_dev)
    }

    deinit {
        // The writes in flight read from segments' mirrors, which go with the state.
        writer?.close()
    }

    /// Finds the journal's end and returns the entries after `applied` (what the environment lacks),
    /// in order, with the journal positioned to append after the last intact one. Records after a
    /// gap or a torn record are dropped: nothing after them was ever acknowledged. `directWrites`:
    /// append by direct writes where the kernel and file system allow (else buffered); a journal
    /// appending directly starts a new segment rather than continue one it recovered.
    public static func recover(
        directory: String, after applied: UInt64, segmentCapacity: Int = defaultSegmentCapacity, directWrites: Bool = false
    ) throws -> (Journal, [LogEntry]) {
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
        let next = try nextGeneration(directory: directory, atLeast: generation &+ 1)
        let writer = directWrites ? AsyncWriter(alignment: directAlignment(directory: directory)) : nil
        let journal = Journal(directory: directory, generation: next, segmentCapacity: segmentCapacity, state: state, writer: writer)
        return (journal, replay)
    }

    /// The block a direct-write group starts on in `directory` (probed on its generation file): the
    /// file system's block, at least what direct I/O needs (a write of part of a block that was
    /// fallocated and never written makes ext4 and XFS wait for the writes before it, so
    /// `io_submit` would block), at most one page; 0 when the file system takes no direct I/O.
    private static func directAlignment(directory: String) -> Int {
        let fd = trident_open_direct((directory as NSString).appendingPathComponent("generation"))
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let direct = Int(max(0, trident_direct_alignment(fd)))
        var info = stat()
        guard direct > 0, fstat(fd, &info) == 0 else { return direct }
        return max(direct, min(Int(info.st_blksize), JournalRecord.maxPadding))
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
        defer {
            state.withLock { s in
                s.readers -= 1
                Self.releaseFinishedMirrors(&s)
            }
        }
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

    // MARK: trimming

    /// Drops the segments whose entries all have sequence numbers up to `through` (never the one
    /// being appended to). Their files are kept as spares for new segments while nobody reads them.
    public func trim(through: UInt64) {
        state.withLock { s in
            var dropped = 0
            while dropped + 1 < s.segments.count && s.segments[dropped + 1].first - 1 <= through { dropped += 1 }
            guard dropped > 0 else { return }
            for segment in s.segments[..<dropped] {
                // A file still being written to cannot be handed to a new segment.
                if s.readers == 0 && s.spares.count < Self.maxSpares && segment.inFlight == 0 {
                    let spare = (directory as NSString).appendingPathComponent("spare-\(UUID().uuidString).log")
                    if rename(segment.path, spare) == 0 {
                        s.spares.append(JournalSegment.Spare(path: spare, written: segment.knownWritten))
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
            s.directoryVersion += 1
        }
    }

    /// Segment files holding entries, and trimmed ones kept for reuse.
    public var fileCounts: (segments: Int, spares: Int) { state.withLock { ($0.segments.count, $0.spares.count) } }
}
