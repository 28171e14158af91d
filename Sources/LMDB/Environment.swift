import CLMDB
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// One LMDB environment: a memory-mapped file holding named databases.
///
/// Opened once per process (LMDB forbids opening the same environment twice in one process).
/// Readers use `MDB_NOTLS`, so a read transaction is not tied to the thread that began it and
/// can be kept in a pool and renewed by any thread.
public final class Environment: @unchecked Sendable {
    let handle: OpaquePointer
    public let path: String
    private let readerPool: ReaderPool

    public struct Options: Sendable {
        /// Virtual size of the map; the file grows only as pages are used.
        public var mapSize: Int = 1 << 38
        public var maxDatabases: UInt32 = 16
        public var maxReaders: UInt32 = 512
        /// Skip fsync at commit: the caller makes commits durable some other way (a journal) and
        /// flushes with `sync()`.
        public var noSync: Bool = false
        /// Write pages in the map itself instead of copying them in with `pwrite` (`MDB_WRITEMAP`):
        /// far less kernel work per commit. The file then has the map's size (sparse).
        public var writeMap: Bool = false

        public init(mapSize: Int = 1 << 38, maxDatabases: UInt32 = 16, maxReaders: UInt32 = 512, noSync: Bool = false, writeMap: Bool = false) {
            self.mapSize = mapSize
            self.maxDatabases = maxDatabases
            self.maxReaders = maxReaders
            self.noSync = noSync
            self.writeMap = writeMap
        }
    }

    public init(path: String, options: Options = Options()) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(code: MDB_PANIC, operation: "mdb_env_create") }
        do {
            try check(mdb_env_set_mapsize(env, options.mapSize), "mdb_env_set_mapsize")
            try check(mdb_env_set_maxdbs(env, options.maxDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "mdb_env_set_maxreaders")
            var flags = UInt32(MDB_NOTLS | MDB_NORDAHEAD)
            if options.noSync { flags |= UInt32(MDB_NOSYNC) }
            if options.writeMap { flags |= UInt32(MDB_WRITEMAP) }
            try check(mdb_env_open(env, path, flags, 0o644), "mdb_env_open \(path)")
            // Readers left behind by a process killed with -9 would otherwise pin old pages forever.
            var dead: Int32 = 0
            mdb_reader_check(env, &dead)
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        self.path = path
        self.readerPool = ReaderPool()
    }

    deinit {
        readerPool.drain()
        mdb_env_close(handle)
    }

    /// Opens (creating when asked) a named database. Handles stay valid for the environment's life.
    public func openDatabase(_ name: String, create: Bool = true) throws -> Database {
        try write { txn in try txn.openDatabase(name, create: create) }
    }

    /// Runs `body` in a read-only snapshot. The transaction comes from a pool and is reset afterwards.
    public func read<T>(_ body: (ReadTransaction) throws -> T) throws -> T {
        let txn = try readerPool.take(from: self)
        defer { readerPool.giveBack(txn) }
        return try body(txn)
    }

    /// A read-only snapshot kept until `close()`: not from the pool, for views held across requests.
    public func openSnapshot() throws -> ReadTransaction {
        try ReadTransaction(environment: self)
    }

    /// Runs `body` in a write transaction that commits when it returns and aborts when it throws.
    /// Only one write transaction exists at a time per environment; callers serialize on a writer thread.
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        let txn = try WriteTransaction(environment: self)
        do {
            let result = try body(txn)
            try txn.commit()
            return result
        } catch {
            txn.abort()
            throw error
        }
    }

    /// Flushes every commit made so far to disk (needed only when opened with `noSync`).
    public func sync() throws {
        try check(mdb_env_sync(handle, 1), "mdb_env_sync")
    }

    /// Starts writing the data file's dirty pages without waiting. The kernel queues this writeback
    /// at background priority, behind other files' synchronous writes, so a `sync()` that follows a
    /// moment later has little left to write in one burst.
    public func startWriteback() throws {
        guard trident_start_writeback(try dataFileDescriptor()) == 0 else { throw LMDBError(code: errno, operation: "sync_file_range") }
    }

    /// Writes a consistent copy of the whole environment into `directory` (which must exist and be empty).
    public func copy(to directory: String) throws {
        try check(mdb_env_copy2(handle, directory, UInt32(MDB_CP_COMPACT)), "mdb_env_copy2 \(directory)")
    }

    public var maxKeySize: Int { Int(mdb_env_get_maxkeysize(handle)) }

    /// The size of one page of the data file.
    public var pageSize: Int {
        var stat = MDB_stat()
        mdb_env_stat(handle, &stat)
        return Int(stat.ms_psize)
    }

    /// The highest page number committed transactions use: the data file's pages past it are free.
    public var lastPageNumber: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_last_pgno
    }

    /// The data file's descriptor (LMDB's own; never close it).
    public func dataFileDescriptor() throws -> Int32 {
        var fd: Int32 = -1
        try check(mdb_env_get_fd(handle, &fd), "mdb_env_get_fd")
        return fd
    }
}
