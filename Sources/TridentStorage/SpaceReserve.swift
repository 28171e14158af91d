import LMDB
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Disk blocks held ahead of LMDB's use, so that a full disk is an error and never a crash.
///
/// The data file is written through a shared memory map (`MDB_WRITEMAP`: a commit copies nothing
/// through the kernel), over a file as large as the map and sparse. A page whose block the disk
/// cannot provide would fault with SIGBUS in the middle of a commit. So before a write applies its
/// changes, the file is allocated (`fallocate`) past every page the group could reach — the
/// committed end plus a bound on what the group's changes may add — and when that fails the write
/// fails with `diskFull` before touching anything. Allocation runs ahead in steps, so it is a
/// system call per tens of megabytes written, not per write.
final class SpaceReserve: Sendable {
    private let environment: Environment
    private let fd: Int32
    private let path: String
    private let pageSize: Int
    private let state: Mutex<State>

    private struct State {
        /// Bytes of the file known allocated from its start.
        var allocated = 0
        /// Pages the current group may have taken past the committed end.
        var claimed = 0
    }

    /// Allocation runs this far ahead of what is needed, when the disk allows.
    static let step = 16 << 20
    /// Pages one change may take at most: copies of each page on a path down a tree of depth
    /// six, split pages, and the freelist's own pages at commit.
    static let pagesPerChange = 16
    /// A change that drops a whole table frees its pages, but the freelist recording them grows.
    static let pagesPerPrefixDelete = 4096

    init(environment: Environment, path: String) throws {
        self.environment = environment
        self.path = path
        fd = try environment.dataFileDescriptor()
        pageSize = environment.pageSize
        // Blocks already written are allocated; whatever lies past the committed end may be a hole.
        state = Mutex(State(allocated: (environment.lastPageNumber + 1) * pageSize))
        _ = try? reserve(pages: 0)
    }

    /// Pages `ops` may add to the file, at most.
    static func pages(for ops: [StorageOp], pageSize: Int) -> Int {
        ops.reduce(0) { total, op in
            switch op {
            case let .put(_, key, value): total + pagesPerChange + 2 * ((key.count + value.count) / pageSize + 1)
            case .delete: total + pagesPerChange
            case .deletePrefix: total + pagesPerPrefixDelete
            }
        }
    }

    /// Makes sure the blocks for `ops` exist before they are applied; throws `diskFull` if not.
    func claim(_ ops: [StorageOp]) throws {
        try reserve(pages: Self.pages(for: ops, pageSize: pageSize))
    }

    /// The group committed (or was abandoned): its pages are counted in the committed end now.
    func groupEnded() {
        state.withLock { $0.claimed = 0 }
    }

    private func reserve(pages: Int) throws {
        try state.withLock { s in
            let needed = (environment.lastPageNumber + 1 + s.claimed + pages + Self.pagesPerChange) * pageSize
            if needed > s.allocated {
                var target = needed + Self.step
                var rc = Self.allocate(fd, from: s.allocated, to: target)
                if rc == ENOSPC {
                    target = needed
                    rc = Self.allocate(fd, from: s.allocated, to: target)
                }
                guard rc == 0 else { throw rc == ENOSPC ? StorageError.diskFull(path) : StorageError.io("fallocate", path, rc) }
                s.allocated = target
            }
            s.claimed += pages
        }
    }

    private static func allocate(_ fd: Int32, from start: Int, to end: Int) -> Int32 {
        guard end > start else { return 0 }
        #if os(Linux)
            return posix_fallocate(fd, off_t(start), off_t(end - start))
        #else
            return 0
        #endif
    }

    /// Allocates a whole small file written through a map (LMDB's lock file and its reader table).
    static func allocateFile(_ path: String) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 { _ = allocate(fd, from: 0, to: Int(info.st_size)) }
    }
}
