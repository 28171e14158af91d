import CDirectIO
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appending, on the zone's writer thread: records go to the disk before the group's LMDB commit
/// (queued direct writes, or `pwrite`s), and an append whose commit failed is erased.
extension Journal {
    /// Writes `entries` after the journal's last one (not yet durable: `sync` makes them so).
    /// Returns where the append began, for `rollBack`.
    @discardableResult
    public func append(_ entries: [LogEntry]) throws -> Mark {
        let outcome = state.withLock { s in Result { () throws(AppendFailure) in try append(entries, &s) } }
        if case let .failure(failure) = outcome {
            // Outside the lock: the rollback may wait for writes whose completions the syncer
            // records under it.
            rollBack(to: failure.mark)
            throw failure.error
        }
        return try outcome.get()
    }

    /// An append that failed part way, and where it began.
    private struct AppendFailure: Error {
        let mark: Mark
        let error: any Error
    }

    private func append(_ entries: [LogEntry], _ s: inout State) throws(AppendFailure) -> Mark {
        let mark = Mark(segments: s.segments.count, end: s.end, last: s.last)
        let direct = writer != nil
        // A group of direct writes starts on a block: no two writes in flight share one.
        if let writer { s.end = JournalRecord.align(s.end, to: writer.alignment) }
        // This call's bytes in the current segment are `[batchStart, s.end)`: in `pending`, or
        // in the segment's mirror.
        var batchStart = s.end
        var pending: [UInt8] = []
        do {
            for entry in entries {
                if let last = s.last, entry.sequence != last.sequence + 1 {
                    throw Damaged(description: "journal \(directory): entry \(entry.sequence) does not follow \(last.sequence)")
                }
                let size = JournalRecord.size(of: entry)
                if s.end == 0, let empty = s.segments.last,
                    empty.first != entry.sequence || empty.size < size || (direct && empty.mirror == nil)
                {
                    // An empty segment opened for another sequence (after a reset or recovery), too
                    // small, or one a direct writer cannot append to: replace it.
                    unlink(empty.path)
                    s.segments.removeLast()
                    s.unsynced.removeAll { $0.segment === empty }
                }
                let current = s.segments.last
                let fits = current.map { $0.term == entry.term && s.end + size <= $0.size && (!direct || $0.mirror != nil) } ?? false
                if !fits {
                    try writeBatch(&pending, from: batchStart, &s)
                    let mirror = direct ? s.retiredMirror : nil
                    s.retiredMirror = nil
                    let segment = try JournalSegment.create(
                        directory: directory, first: entry.sequence, term: entry.term, capacity: capacity(for: size),
                        spare: Self.takeSpare(&s), direct: direct, mirror: mirror)
                    s.segments.append(segment)
                    s.directoryVersion += 1
                    s.end = 0
                    batchStart = 0
                }
                if let mirror = s.segments.last!.mirror {
                    JournalRecord.write(entry, generation: generation, to: mirror + s.end)
                } else {
                    JournalRecord.append(entry, generation: generation, to: &pending)
                }
                s.end += size
                s.last = entry.position
            }
            try writeBatch(&pending, from: batchStart, &s)
            return mark
        } catch {
            throw AppendFailure(mark: mark, error: error)
        }
    }

    /// The size of a new segment for a record of `size` bytes: whole blocks for direct writes.
    func capacity(for size: Int) -> Int {
        JournalRecord.align(max(segmentCapacity, size), to: writer.map { max($0.alignment, JournalRecord.maxPadding) } ?? 1)
    }

    /// Hands the current segment's `[start, end)` to the disk: the buffered bytes in `pending`, or
    /// the mirror's padded to whole blocks in one queued direct write.
    private func writeBatch(_ pending: inout [UInt8], from start: Int, _ s: inout State) throws {
        guard let segment = s.segments.last, s.end > start else { return }
        if let writer, let mirror = segment.mirror {
            let count = JournalRecord.align(s.end, to: writer.alignment) - start
            // A recycled mirror holds old bytes where this write's padding goes.
            (mirror + s.end).initializeMemory(as: UInt8.self, repeating: 0, count: start + count - s.end)
            while true {
                switch writer.write(fd: segment.fd, from: mirror + start, count: count, at: start, token: s.writes.next) {
                case .queued:
                    s.writes.submit(segment, count: count)
                    segment.writtenEnd = max(segment.writtenEnd, start + count)
                    noteUnsynced(segment, &s)
                    return
                case .full:
                    // A short wait, then again: the syncer may be holding the completions that free
                    // slots (it records them under the lock held here).
                    collect(timeoutNanoseconds: 1_000_000, &s)
                case let .failed(code):
                    throw JournalSegment.IOError(operation: "io_submit", path: segment.path, code: code)
                }
            }
        }
        try pending.withUnsafeBytes { try segment.write($0, at: start) }
        pending.removeAll(keepingCapacity: true)
        s.writes.complete(s.writes.submit(segment, count: 0), result: 0)
        noteUnsynced(segment, &s)
    }

    private func noteUnsynced(_ segment: JournalSegment, _ s: inout State) {
        if let index = s.unsynced.lastIndex(where: { $0.segment === segment }) {
            s.unsynced[index].write = s.writes.submitted
        } else {
            s.unsynced.append((segment, s.writes.submitted))
        }
    }

    /// Forgets an append whose transaction did not commit.
    public func rollBack(to mark: Mark) {
        // Erasing rewrites blocks that writes in flight may still be writing: wait until none is,
        // collecting completions without the lock (the syncer records its own under it).
        while true {
            let done = state.withLock { s in
                guard s.writes.inFlight == 0 else { return false }
                rollBack(&s, to: mark)
                return true
            }
            if done { return }
            var collected: [AsyncWriter.Completion] = []
            writer?.collect(timeoutNanoseconds: 1_000_000) { collected.append($0) }
            state.withLock { s in for done in collected { s.writes.complete(done.token, result: done.result) } }
        }
    }

    private func rollBack(_ s: inout State, to mark: Mark) {
        // (A direct writer never appends to a segment it recovered.)
        if mark.segments > 0 && mark.segments <= s.segments.count && (writer == nil || s.segments[mark.segments - 1].direct) {
            // Zeroed, so the records a recovery reads there can never be these forgotten ones. A
            // direct append began on the block after the previous one's end: the blocks before it,
            // holding acknowledged records, are not rewritten.
            let segment = s.segments[mark.segments - 1]
            let from = writer.map { JournalRecord.align(mark.end, to: $0.alignment) } ?? mark.end
            segment.erase(from: from, to: mark.segments == s.segments.count ? s.end : segment.size, alignment: writer?.alignment ?? 1)
            noteUnsynced(segment, &s)
        }
        for segment in s.segments[mark.segments...] { unlink(segment.path) }
        s.segments.removeSubrange(mark.segments...)
        s.unsynced.removeAll { u in !s.segments.contains { $0 === u.segment } }
        s.end = mark.end
        s.last = mark.last
    }

    /// Records the direct writes that finished: waits up to `timeoutNanoseconds` for one.
    func collect(timeoutNanoseconds: Int64?, _ s: inout State) {
        writer?.collect(timeoutNanoseconds: timeoutNanoseconds) { done in s.writes.complete(done.token, result: done.result) }
        Self.releaseFinishedMirrors(&s)
    }

    /// Finished direct segments whose writes are done are read from their files from now on.
    static func releaseFinishedMirrors(_ s: inout State) {
        guard s.readers == 0 else { return }
        for segment in s.segments.dropLast() where segment.mirror != nil && segment.inFlight == 0 {
            if let memory = segment.releaseMirror(), s.retiredMirror == nil { s.retiredMirror = memory }
        }
    }
}
