import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data file's write-ahead log: numbered entries (opaque payloads) in frames, one frame per
/// group of writes, in segment files. One `pwrite` and one `fdatasync` per group make writes
/// durable; the data file is flushed only at checkpoints, which trim the log behind them, and after
/// a crash the entries it lacks are replayed (`LogRecovery`). The writer reserves and writes, the
/// flusher flushes, the checkpointer trims; no call that waits for the disk holds the lock.
public final class Log: Sendable {
    public static let defaultSegmentCapacity = 16 << 20
    /// What a segment shrinks to when the disk has no room for a whole one.
    static let smallestSegment = 64 << 10
    /// Trimmed segment files kept for reuse.
    static let maxSpares = 2

    let directory: String
    let segmentCapacity: Int
    private let state: Mutex<State>

    struct State {
        /// The segments in log order; the last is the one appended to.
        var segments: [LogSegment]
        /// Bytes used in the last segment; nil when it takes no more frames (recovered after a crash
        /// cut its end, or behind the data file): the next write starts a segment.
        var end: Int?
        /// The last sequence written, and the last one made durable.
        var written: UInt64
        var durable: UInt64
        /// Segments written since their last flush; whether a file was made since the folder's.
        var unsynced: [LogSegment] = []
        var folderChanged = false
        /// A segment left for a new one, whose seal goes out with the new segment's first frame.
        var unsealed: (segment: LogSegment, end: Int)?
        var spares: [String]
        /// Called when a segment took the last spare (the checkpointer then prepares one).
        var spareTaken: (@Sendable () -> Void)?
    }

    init(directory: String, segmentCapacity: Int, segments: [LogSegment], end: Int?, last: UInt64, spares: [String]) {
        self.directory = directory
        self.segmentCapacity = segmentCapacity
        state = Mutex(State(segments: segments, end: end, written: last, durable: last, spares: spares))
    }

    /// The first sequence of the segment appended to (recorded with the data file's position:
    /// recovery starts there); 0 before there is one.
    public var currentSegment: UInt64 { state.withLock { $0.segments.last?.first ?? 0 } }

    /// The last sequence durable on disk.
    public var durableThrough: UInt64 { state.withLock { $0.durable } }

    /// Segment files holding entries, and trimmed ones kept for reuse.
    public var fileCounts: (segments: Int, spares: Int) { state.withLock { ($0.segments.count, $0.spares.count) } }

    // MARK: writing (the writer thread)

    /// Makes a segment to append to before the first write.
    func begin(next: UInt64) throws {
        let ready = state.withLock { s in s.end != nil && !s.segments.isEmpty }
        if !ready { try reserve(0, first: next) }
    }

    /// Room for a frame of `bytes` whose first entry is `first`, in the current segment or a new
    /// one (a full disk fails here, before anything is committed).
    func reserve(_ bytes: Int, first: UInt64) throws {
        try state.withLock { s in
            if let current = s.segments.last, let end = s.end {
                if end == 0 && current.first != first {
                    // Made for a group that failed: the sequence numbers went to another.
                    s.segments.removeLast()
                    unlink(current.path)
                    s.end = nil
                } else if end + bytes + LogFrame.sealSize <= current.size {
                    return
                }
            }
            let spare = s.spares.popLast()
            let needed = LogFrame.align(bytes) + LogFrame.sealSize
            let segment: LogSegment
            do {
                segment = try LogSegment.create(directory: directory, first: first, capacity: max(segmentCapacity, needed), spare: spare)
            } catch let error as StorageError where error.isDiskFull && needed < segmentCapacity {
                // Short of space for a whole segment: a small one still lets writes through.
                segment = try LogSegment.create(directory: directory, first: first, capacity: max(Self.smallestSegment, needed), spare: nil)
            }
            if let end = s.end, end > 0, let previous = s.segments.last { s.unsealed = (previous, end) }
            s.segments.append(segment)
            s.end = 0
            s.folderChanged = true
            if s.spares.isEmpty { s.spareTaken?() }
        }
    }

    /// Writes the frame of entries `first…` (after their commit; the space was reserved).
    func write(first: UInt64, payloads: [[UInt8]]) throws {
        try state.withLock { s in
            guard let segment = s.segments.last, let end = s.end else { throw StorageError.io("write", directory, EINVAL) }
            if let (previous, end) = s.unsealed {
                var seal: [UInt8] = []
                LogFrame.appendSeal(next: segment.first, durableThrough: s.durable, to: &seal)
                try previous.write(seal, at: end)
                s.unsynced.append(previous)
                s.unsealed = nil
            }
            var frame: [UInt8] = []
            LogFrame.append(first: first, payloads: payloads, durableThrough: s.durable, to: &frame)
            try segment.write(frame, at: end)
            s.end = end + frame.count
            s.written = first + UInt64(payloads.count) - 1
            if s.unsynced.last !== segment { s.unsynced.append(segment) }
        }
    }

    // MARK: flushing (the flusher thread)

    /// Makes everything written so far durable; returns the last durable sequence.
    @discardableResult
    public func flush() throws -> UInt64 {
        let (segments, folderChanged, written) = state.withLock { s in
            defer {
                s.unsynced.removeAll(keepingCapacity: true)
                s.folderChanged = false
            }
            return (s.unsynced, s.folderChanged, s.written)
        }
        do {
            for segment in segments { try segment.sync() }
            if folderChanged { try Self.syncFolder(directory) }
        } catch {
            state.withLock { s in
                s.unsynced.insert(contentsOf: segments, at: 0)
                s.folderChanged = s.folderChanged || folderChanged
            }
            throw error
        }
        return state.withLock { s in
            s.durable = max(s.durable, written)
            return s.durable
        }
    }

    /// (A new file's name survives a power loss only once its folder is flushed.)
    static func syncFolder(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.io("open", path, errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StorageError.io("fsync", path, errno) }
    }

    // MARK: trimming (after a checkpoint)

    /// Drops the segments before `keep` (the one a flushed data file names); their files become spares.
    public func trim(before keep: UInt64) {
        state.withLock { s in
            while s.segments.count > 1, s.segments[0].first < keep {
                let old = s.segments.removeFirst()
                if s.unsealed?.segment === old { s.unsealed = nil }
                retire(old, &s)
            }
        }
    }

    /// Drops every segment (a clean stop: the flushed data file holds everything).
    public func removeAll() {
        state.withLock { s in
            for segment in s.segments { retire(segment, &s) }
            s.segments = []
            s.end = nil
            s.unsealed = nil
            s.unsynced = []
        }
    }

    private func retire(_ segment: LogSegment, _ s: inout State) {
        let spare = directory + "/spare-" + LogSegment.fileName(first: segment.first)
        if s.spares.count < Self.maxSpares, rename(segment.path, spare) == 0 {
            s.spares.append(spare)
        } else {
            unlink(segment.path)
        }
    }

    /// Called whenever a new segment took the last spare.
    public func onSpareTaken(_ call: @escaping @Sendable () -> Void) {
        state.withLock { $0.spareTaken = call }
    }

    /// Keeps a spare ready whose blocks are all written: appending over written blocks changes no
    /// file metadata, so a flush writes only the data. Off the writer: the zeros take a moment.
    public func prepareSpare() {
        guard state.withLock({ $0.spares.isEmpty }) else { return }
        let path = directory + "/spare-prepared.log"
        guard LogSegment.writeZeros(path: path, count: segmentCapacity) else {
            unlink(path)
            return
        }
        let kept = state.withLock { s in
            guard s.spares.isEmpty else { return false }
            s.spares.append(path)
            return true
        }
        if !kept { unlink(path) }
    }
}
