#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One file of the log: frames from `first` on, in a file allocated to its full size when made (so
/// an append never needs a block the disk no longer has: a full disk shows when a segment is made,
/// as an error, before anything is committed). Named `<first sequence, 20 digits>.log`, so a
/// listing sorts in log order. Appends are `pwrite`s through the page cache, made durable by
/// `sync`; recovery reads with `pread` (a mapping would turn a file shortened behind our back into
/// SIGBUS).
final class LogSegment: @unchecked Sendable {
    let path: String
    let first: UInt64
    let fd: Int32
    let size: Int

    static func fileName(first: UInt64) -> String {
        let digits = String(first)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".log"
    }

    /// The first sequence a segment file's name gives, nil for any other file.
    static func first(fromFileName name: String) -> UInt64? {
        guard name.hasSuffix(".log"), name.utf8.count == 24 else { return nil }
        return UInt64(name.dropLast(4))
    }

    /// Opens an existing segment.
    init(path: String, first: UInt64) throws {
        self.path = path
        self.first = first
        fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.io("open", path, errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw StorageError.io("fstat", path, code)
        }
        size = Int(info.st_size)
    }

    /// Makes a segment of at least `capacity` bytes in `directory`, reusing `spare` (a trimmed
    /// segment's file, whose blocks are already written: appends over them change no metadata, so
    /// each flush is cheaper) when it is large enough.
    static func create(directory: String, first: UInt64, capacity: Int, spare: String?) throws -> LogSegment {
        let path = directory + "/" + fileName(first: first)
        if let spare, rename(spare, path) == 0 {
            let reused = try LogSegment(path: path, first: first)
            if reused.size >= capacity { return reused }
            unlink(path)
        }
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.io("create", path, errno) }
        defer { close(fd) }
        let rc = Self.allocate(fd, bytes: capacity)
        guard rc == 0 else {
            unlink(path)
            throw rc == ENOSPC ? StorageError.diskFull(path) : StorageError.io("fallocate", path, rc)
        }
        return try LogSegment(path: path, first: first)
    }

    private static func allocate(_ fd: Int32, bytes: Int) -> Int32 {
        #if os(Linux)
            return posix_fallocate(fd, 0, off_t(bytes))
        #else
            return ftruncate(fd, off_t(bytes)) == 0 ? 0 : errno
        #endif
    }

    deinit { close(fd) }

    /// Creates `path` with `count` bytes of zeros written and flushed (a spare made ahead of need).
    static func writeZeros(path: String, count: Int) -> Bool {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < count {
            let n = chunk.withUnsafeBytes { pwrite(fd, $0.baseAddress, min($0.count, count - offset), off_t(offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return fdatasync(fd) == 0
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        precondition(offset + bytes.count <= size, "log frame beyond its segment")
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw n < 0 && errno == ENOSPC ? StorageError.diskFull(path) : StorageError.io("pwrite", path, n < 0 ? errno : EIO)
                }
                done += n
            }
        }
    }

    func sync() throws {
        #if os(Linux)
            guard fdatasync(fd) == 0 else { throw StorageError.io("fdatasync", path, errno) }
        #else
            guard fsync(fd) == 0 else { throw StorageError.io("fsync", path, errno) }
        #endif
    }

    /// The whole file's bytes (recovery only).
    func contents() throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        try out.withUnsafeMutableBytes { raw in
            while done < size {
                let n = pread(fd, raw.baseAddress! + done, size - done, off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw StorageError.io("pread", path, errno) }
                if n == 0 { break }
                done += n
            }
        }
        return done == size ? out : Array(out[..<done])
    }
}
