import CDirectIO
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One file of a zone's journal: the records of consecutive entries of one term, in a preallocated
/// file. Named `<first sequence>-<term>.log`, both as 20 decimal digits, so a listing sorts in log
/// order and tells each entry's term without reading it.
///
/// Two ways to write one:
/// - **direct** (journal durability on Linux): appended records go into `mirror`, an anonymous
///   mapping of the segment's size, and from there to the file by direct writes (`AsyncWriter`);
///   readers read the mirror. The file is mapped for reading only once the segment is finished and
///   its writes are done, so the page cache never holds a page a direct write could leave stale.
/// - **buffered**: appends are `pwrite`s, reads go through a read-only mapping of the file. Not
///   written through the mapping: each fdatasync write-protects the pages it cleans, so the next
///   append faults them back in (in a standalone test on the development VM an fdatasync after
///   mapped writes cost ~160 µs of CPU and 2 ms, against ~40 µs and 0.16 ms after pwrite).
final class JournalSegment: @unchecked Sendable {
    let path: String
    let first: UInt64
    let term: UInt64
    let fd: Int32
    let size: Int
    /// Opened for direct writes (`O_DIRECT`): every write to it is aligned.
    let direct: Bool
    // The journal's lock guards `mirrorMemory`, `map` and `inFlight`.
    private var mirrorMemory: MirrorMemory?
    var mirror: UnsafeMutableRawPointer? { mirrorMemory?.base }
    private var map: UnsafeRawPointer?
    /// Direct writes still reading from `mirror`.
    var inFlight = 0
    /// How far direct writes reached, and how far the file's blocks are known to be written and
    /// durable (below it a write changes data only, no metadata: a flush of the device makes it
    /// durable; fallocate leaves blocks unwritten until then).
    var writtenEnd = 0
    var knownWritten = 0

    static func fileName(first: UInt64, term: UInt64) -> String {
        func digits(_ n: UInt64) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, 20 - s.count)) + s
        }
        return "\(digits(first))-\(digits(term)).log"
    }

    /// `(first, term)` from a segment's file name, or nil for any other file.
    static func parse(fileName: String) -> (first: UInt64, term: UInt64)? {
        guard fileName.hasSuffix(".log") else { return nil }
        let parts = fileName.dropLast(4).split(separator: "-")
        guard parts.count == 2, let first = UInt64(parts[0]), let term = UInt64(parts[1]) else { return nil }
        return (first, term)
    }

    struct IOError: Error, CustomStringConvertible {
        let operation: String
        let path: String
        let code: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// Opens an existing segment file for reading and buffered appends.
    convenience init(path: String, first: UInt64, term: UInt64) throws {
        try self.init(path: path, first: first, term: term, direct: false)
    }

    /// `recycled`: a finished segment's mirror, taken when it has this segment's size.
    private init(path: String, first: UInt64, term: UInt64, direct: Bool, recycled: MirrorMemory? = nil) throws {
        self.path = path
        self.first = first
        self.term = term
        self.direct = direct
        fd = direct ? trident_open_direct(path) : open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw IOError(operation: "open", path: path, code: direct ? -fd : errno) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else {
            let code = errno
            close(fd)
            throw IOError(operation: "fstat", path: path, code: code == 0 ? EINVAL : code)
        }
        size = Int(info.st_size)
        if direct, let recycled, recycled.size == size {
            mirrorMemory = recycled
            return
        }
        let mapped = direct ? MirrorMemory.map(size) : Self.mapFile(fd, size)
        guard let mapped, mapped != MAP_FAILED else {
            let code = errno
            close(fd)
            throw IOError(operation: "mmap", path: path, code: code)
        }
        if direct { mirrorMemory = MirrorMemory(base: mapped, size: size) } else { map = UnsafeRawPointer(mapped) }
    }

    private static func mapFile(_ fd: Int32, _ size: Int) -> UnsafeMutableRawPointer? {
        mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
    }

    /// Creates a segment of at least `capacity` bytes, reusing `spare` (an old segment's file) when
    /// given: overwriting blocks a file already has makes each fdatasync cheaper than growing one.
    /// `direct`: written by direct writes from a mirror (the file system must take them), `mirror`
    /// when one of the right size is at hand.
    static func create(
        directory: String, first: UInt64, term: UInt64, capacity: Int, spare: Spare?, direct: Bool = false, mirror: MirrorMemory? = nil
    ) throws -> JournalSegment {
        let path = (directory as NSString).appendingPathComponent(fileName(first: first, term: term))
        if let spare, rename(spare.path, path) == 0 {
            let reused = try JournalSegment(path: path, first: first, term: term, direct: direct, recycled: mirror)
            reused.knownWritten = spare.written
            if reused.size >= capacity && (!direct || reused.size % JournalRecord.maxPadding == 0) { return reused }
            // Too small for this record: start over with a new file.
            unlink(path)
        }
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError(operation: "create", path: path, code: errno) }
        defer { close(fd) }
        #if os(Linux)
            let rc = posix_fallocate(fd, 0, off_t(capacity))
            guard rc == 0 else { throw IOError(operation: "fallocate", path: path, code: rc) }
        #else
            guard ftruncate(fd, off_t(capacity)) == 0 else { throw IOError(operation: "ftruncate", path: path, code: errno) }
        #endif
        return try JournalSegment(path: path, first: first, term: term, direct: direct, recycled: mirror)
    }

    /// A trimmed segment's file kept for reuse, and how much of it is known written.
    struct Spare {
        let path: String
        let written: Int
    }

    deinit {
        if let map { munmap(UnsafeMutableRawPointer(mutating: map), size) }
        close(fd)
    }

    /// Writes encoded records at `offset` (buffered segments; the caller checked they fit).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        precondition(offset + bytes.count <= size, "journal record beyond its segment")
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw IOError(operation: "pwrite", path: path, code: n < 0 ? errno : EIO) }
            done += n
        }
    }

    /// Zeroes `[from, to)`: forgotten records a recovery must never find. In a direct segment the
    /// mirror's bytes are zeroed too, and the file is written in whole blocks, the first keeping the
    /// bytes before `from` (no write to it may be in flight).
    func erase(from: Int, to: Int, alignment: Int = 1) {
        let end = min(to, size)
        guard end > from else { return }
        let start = direct ? from / alignment * alignment : from
        let stop = direct ? min(size, JournalRecord.align(end, to: alignment)) : end
        let kept = bytes(upTo: from)
        if let mirror { (mirror + from).initializeMemory(as: UInt8.self, repeating: 0, count: end - from) }
        let chunk = min(stop - start, 1 << 20)
        guard let buffer = try? UnsafeMutableRawPointer.allocateAligned(byteCount: chunk) else { return }
        defer { free(buffer) }
        var offset = start
        while offset < stop {
            let count = min(chunk, stop - offset)
            buffer.initializeMemory(as: UInt8.self, repeating: 0, count: count)
            if offset < from { buffer.copyMemory(from: kept.baseAddress! + offset, byteCount: min(from, offset + count) - offset) }
            // Best effort: a failed erase leaves records whose sequence numbers the next append rewrites.
            guard (try? write(UnsafeRawBufferPointer(start: buffer, count: count), at: offset)) != nil else { return }
            offset += count
        }
    }

    func sync() throws {
        #if os(Linux)
            guard fdatasync(fd) == 0 else { throw IOError(operation: "fdatasync", path: path, code: errno) }
        #else
            guard fsync(fd) == 0 else { throw IOError(operation: "fsync", path: path, code: errno) }
        #endif
    }

    /// The bytes `[0, end)`, borrowed from the mirror or the mapping: valid while the segment lives
    /// and (for a direct segment) while the journal counts the caller as a reader.
    func bytes(upTo end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: mirror.map { UnsafeRawPointer($0) } ?? map, count: min(end, size))
    }

    /// A finished direct segment whose writes are done is read from its file from now on; returns
    /// its mirror, for another segment or to unmap (the journal's lock held, no reader counted).
    /// Nil when the file cannot be mapped: the mirror then stays.
    func releaseMirror() -> MirrorMemory? {
        guard let memory = mirrorMemory, inFlight == 0 else { return nil }
        guard let mapped = Self.mapFile(fd, size), mapped != MAP_FAILED else { return nil }
        map = UnsafeRawPointer(mapped)
        mirrorMemory = nil
        return memory
    }

    typealias ScanResult = (end: Int, last: UInt64?, generation: UInt32)

    /// Decodes the intact records with sequence numbers in `(after, through]` into `out` (until it
    /// holds `limit`), scanning as `scan` does.
    @discardableResult
    func entries(
        after: UInt64, through: UInt64 = .max, limit: Int = .max, upTo end: Int, minimumGeneration: UInt32 = 0, into out: inout [LogEntry]
    ) throws -> ScanResult {
        var failure: (any Error)?
        let result = scan(upTo: end, minimumGeneration: minimumGeneration) { header, ops, hash in
            guard header.sequence > after else { return true }
            guard header.sequence <= through, out.count < limit else { return false }
            do {
                out.append(try LogEntry(sequence: header.sequence, encodedOps: ops, hash: hash))
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return result
    }

    /// Visits the intact records from offset 0 in order (header, ops, ops hash) while `visit` returns
    /// true; stops at the first record that is torn, stale (not `expected` next, or from an earlier
    /// generation than the one before it) or absent. Zeros where a record would start are the padding
    /// a direct write leaves before the next block: the next record, if any, starts on one of the
    /// following block boundaries, at most one page on. Returns where the intact part ends.
    @discardableResult
    func scan(upTo end: Int, minimumGeneration: UInt32 = 0, _ visit: (JournalRecord.Header, UnsafeRawBufferPointer, UInt64) throws -> Bool) rethrows
        -> (
            end: Int, last: UInt64?, generation: UInt32
        )
    {
        let all = bytes(upTo: end)
        var offset = 0
        var intactEnd = 0
        var paddingLimit: Int?
        var expected = first
        var generation = minimumGeneration
        var last: UInt64?
        while offset < all.count {
            if let header = JournalRecord.header(UnsafeRawBufferPointer(rebasing: all[offset...])), header.sequence == expected,
                header.generation >= generation, offset + JournalRecord.headerSize + header.length <= all.count
            {
                let opsStart = offset + JournalRecord.headerSize
                let ops = UnsafeRawBufferPointer(rebasing: all[opsStart..<(opsStart + header.length)])
                if let hash = JournalRecord.verifiedHash(header, ops: ops) {
                    guard try visit(header, ops, hash) else { break }
                    offset = opsStart + header.length
                    intactEnd = offset
                    paddingLimit = nil
                    generation = header.generation
                    last = header.sequence
                    expected += 1
                    continue
                }
            }
            // No record here: zeros up to a block boundary are padding, and the next group (if
            // any) starts there — at most one page after the last record.
            let limit = paddingLimit ?? JournalRecord.align(offset + 1, to: JournalRecord.maxPadding)
            guard let next = JournalRecord.paddingEnd(in: all, at: offset), next <= limit else { break }
            paddingLimit = limit
            offset = next
        }
        return (intactEnd, last, generation)
    }
}

extension UnsafeMutableRawPointer {
    /// Page-aligned memory (what direct writes read from); release it with `free`.
    static func allocateAligned(byteCount: Int) throws -> UnsafeMutableRawPointer {
        var pointer: UnsafeMutableRawPointer?
        let rc = posix_memalign(&pointer, 4096, max(byteCount, 1))
        guard rc == 0, let pointer else { throw JournalSegment.IOError(operation: "posix_memalign", path: "", code: rc) }
        return pointer
    }
}
