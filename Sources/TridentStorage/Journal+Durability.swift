import CDirectIO
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Durability, on the syncer thread: waiting for the direct writes, what a `SyncRound` must flush,
/// and spare segment files whose blocks are all written ahead of need.
extension Journal {
    /// Makes everything appended so far durable: waits for its direct writes, then fdatasyncs.
    public func sync() throws {
        if let failure = SyncRound.run([self])[0] { throw failure }
    }

    /// What one journal has to flush once every write up to `through` is done. Taken in the same
    /// moment as `through`, so it describes exactly those writes (a later one may reach blocks
    /// written for the first time, which this round's fdatasyncs need not cover).
    struct SyncPoint {
        let through: UInt64
        /// Segments written since their last sync, and how far those writes reached; `ownSync`: it
        /// needs an fdatasync of its own (its bytes went through the page cache, or blocks were
        /// written for the first time, which changes the file's metadata), else a flush of the
        /// device after the writes suffices.
        let segments: [(segment: JournalSegment, ownSync: Bool, writtenEnd: Int)]
        /// Segment files created or removed up to now (the directory needs an fsync when it is more
        /// than the last one synced).
        let directoryVersion: Int
        let directoryChanged: Bool
    }

    /// What has been appended so far, to make durable.
    func syncPoint() -> SyncPoint {
        state.withLock { s in
            SyncPoint(
                through: s.writes.submitted,
                segments: s.unsynced.map { u in
                    (u.segment, writer == nil || !sharedFlushes || u.segment.writtenEnd > u.segment.knownWritten, u.segment.writtenEnd)
                },
                directoryVersion: s.directoryVersion, directoryChanged: s.directoryVersion > s.directorySynced)
        }
    }

    /// Waits until every write of `point` is done.
    func awaitWrites(_ point: SyncPoint) throws {
        while true {
            let done = try state.withLock { s in
                if let failure = s.writes.failure(through: point.through) {
                    throw JournalSegment.IOError(operation: "direct write", path: directory, code: failure)
                }
                return s.writes.isDone(through: point.through)
            }
            if done { return }
            // Another thread may collect the completions awaited here: look again every few ms.
            var collected: [AsyncWriter.Completion] = []
            writer?.collect(timeoutNanoseconds: 5_000_000) { collected.append($0) }
            state.withLock { s in
                for done in collected { s.writes.complete(done.token, result: done.result) }
                Self.releaseFinishedMirrors(&s)
            }
        }
    }

    /// `point` is durable: its segments are synced up to it.
    func didSync(_ point: SyncPoint) {
        state.withLock { s in
            s.unsynced.removeAll { $0.write <= point.through }
            s.directorySynced = max(s.directorySynced, point.directoryVersion)
            for (segment, _, writtenEnd) in point.segments { segment.knownWritten = max(segment.knownWritten, writtenEnd) }
        }
    }

    /// Whether a device flush after the direct writes makes them durable without an fdatasync of
    /// each file: so on ext4 and XFS, which write data in place and flush the whole device for an
    /// fdatasync (copy-on-write file systems do not; they change metadata for every write).
    var sharedFlushes: Bool { writer != nil && flushDomain != nil }

    /// The spare with the most blocks written (so the fewest a new segment writes for the first time).
    static func takeSpare(_ s: inout State) -> JournalSegment.Spare? {
        guard let best = s.spares.indices.max(by: { s.spares[$0].written < s.spares[$1].written }) else { return nil }
        return s.spares.remove(at: best)
    }

    /// Keeps a spare ready whose blocks are all written (zeros), for a journal that writes directly:
    /// a segment in it needs no fdatasync of its own, its writes are made durable by the flush the
    /// other journals' writes share. (Blocks fallocated and never written change the file's
    /// metadata when first written.) Run from a background thread; the writes take tens of ms.
    public func prepareSpare() {
        guard let writer else { return }
        let capacity = capacity(for: 0)
        let needed = state.withLock { s in s.spares.count < Self.maxSpares && !s.spares.contains { $0.written >= capacity } }
        guard needed else { return }
        let path = (directory as NSString).appendingPathComponent("spare-\(UUID().uuidString).log")
        guard Self.writeZeros(path: path, count: capacity, alignment: writer.alignment) else {
            unlink(path)
            return
        }
        let kept = state.withLock { s in
            guard s.spares.count < Self.maxSpares else { return false }
            s.spares.append(JournalSegment.Spare(path: path, written: capacity))
            return true
        }
        if !kept { unlink(path) }
    }

    /// Creates `path` with `count` bytes of zeros written (direct writes of 1 MB) and synced.
    private static func writeZeros(path: String, count: Int, alignment: Int) -> Bool {
        let created = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard created >= 0 else { return false }
        close(created)
        let fd = trident_open_direct(path)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let chunk = 1 << 20
        guard let zeros = try? UnsafeMutableRawPointer.allocateAligned(byteCount: chunk) else { return false }
        defer { free(zeros) }
        zeros.initializeMemory(as: UInt8.self, repeating: 0, count: chunk)
        var offset = 0
        while offset < count {
            let n = pwrite(fd, zeros, min(chunk, count - offset), off_t(offset))
            if n < 0 && errno == EINTR { continue }
            guard n > 0, n % alignment == 0 else { return false }
            offset += n
        }
        return fdatasync(fd) == 0
    }
}
