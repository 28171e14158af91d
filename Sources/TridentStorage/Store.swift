import DynamoModel
import FoundationEssentials
import LMDB
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data folder: one LMDB environment (`data.mdb`: the catalog, every table's items, the TTL
/// index) and its write-ahead log (`log/`), locked against a second server.
///
/// A write is durable once its log entry is flushed; the data file is written without flushing at
/// each commit and flushed at checkpoints, after which the log before it is dropped. At open, the
/// entries the data file lacks are replayed from the log, and a log that cannot give back every
/// acknowledged write stops the start (`LogRecovery`).
///
/// One thread writes (LMDB allows one writer); reads run on any thread.
public final class Store: Sendable {
    public struct Options: Sendable {
        /// Make writes durable through the log (else only the data file's own commits count).
        public var log = true
        /// Let LMDB flush every commit itself (`--durability strict`).
        public var flushEachCommit = false
        public var segmentBytes = Log.defaultSegmentCapacity
        /// Start even when the log shows acknowledged writes are lost (`--accept-log-loss`).
        public var acceptLogLoss = false
        /// Told how a long recovery goes (a line for the operator's log), every `progressEvery` entries replayed.
        public var progress: (@Sendable (String) -> Void)?
        public var progressEvery = 100_000

        public init() {}
    }

    public let path: String
    let environment: Environment
    let databases: Databases
    var local: Database { databases.local }
    public let log: Log?
    let reserve: SpaceReserve
    private let lock: DataFolderLock
    private let options: Options
    /// The last committed sequence.
    private let committed: Atomic<UInt64>
    /// Set when the log could not be written or flushed: no write is acknowledged after that.
    private let refusal = Mutex<String?>(nil)
    /// Whether the last write that needed space found none (cleared by the next that got it).
    private let outOfSpace = Atomic(false)
    /// What recovery found and repaired, for the operator's log.
    public let recoveryNotes: [String]
    public let replayedEntries: Int

    /// Where the map's size comes from: the data file shows this size (sparse; `du` tells the
    /// truth), and it bounds what the folder can hold.
    public static let mapSize = 1 << 36

    static let positionKey = Array("log-position".utf8)
    /// Where the earlier layout kept a zone's position (sequence ‖ term), read once after a move.
    static let legacyPositionKey = Array("position".utf8)

    public init(path: String, options: Options = Options()) throws {
        self.path = path
        self.options = options
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        lock = try DataFolderLock(folder: path)
        try LegacyLayout.check(folder: path)
        environment = try Environment(
            path: path, options: .init(mapSize: Self.mapSize, maxDatabases: 8, noSync: !options.flushEachCommit, writeMap: true))
        SpaceReserve.allocateFile(path + "/lock.mdb")
        reserve = try SpaceReserve(environment: environment, path: path + "/data.mdb")
        let databases = try environment.write { txn in try Databases(txn) }
        self.databases = databases
        let (applied, segment) = try environment.read { txn in try Self.storedPosition(txn, databases.local) }
        var notes: [String] = []
        var log: Log?
        var position = applied
        let logFolder = path + "/log"
        if options.log || FileManager.default.fileExists(atPath: logFolder) {
            let recovery = try Log.recover(
                directory: logFolder, applied: applied, segment: segment, segmentCapacity: options.segmentBytes, acceptLoss: options.acceptLogLoss)
            notes = recovery.notes
            log = recovery.log
            position = try Self.replay(
                recovery.entries, into: environment, databases, reserve: reserve, segment: recovery.log.currentSegment, progress: options.progress,
                every: options.progressEvery)
            replayedEntries = recovery.entries.count
        } else {
            replayedEntries = 0
        }
        committed = Atomic(position)
        self.log = options.log ? log : nil
        if let log, options.log {
            do {
                // From here on the data file names an existing segment: a missing one is damage.
                try log.begin(next: position + 1)
                if log.currentSegment != segment {
                    try reserve.claim([.put(.catalog, key: Self.positionKey, value: [])])
                    try environment.write { txn in
                        try txn.put(databases.local, Self.positionKey, Self.encodePosition(position, segment: log.currentSegment))
                    }
                    reserve.groupEnded()
                }
                // After a clean stop the flushed data file names no segment: it must name this one
                // before a write is acknowledged. (After a crash it names one of the chain, which
                // is trimmed only once a checkpoint has flushed a later name.)
                if segment == 0 { try environment.sync() }
            } catch let error as StorageError where error.isDiskFull {
                notes.append("\(error): writes fail until space is freed")
            }
        } else if let log {
            // The log of an earlier run in another durability mode: replayed above, not kept.
            try environment.sync()
            log.removeAll()
            try? FileManager.default.removeItem(atPath: logFolder)
        }
        recoveryNotes = notes
    }

    /// Applies recovered entries in batches, each batch recording its position.
    private static func replay(
        _ entries: [(sequence: UInt64, payload: [UInt8])], into environment: Environment, _ databases: Databases, reserve: SpaceReserve,
        segment: UInt64, progress: (@Sendable (String) -> Void)?, every: Int
    ) throws -> UInt64 {
        var position = try environment.read { txn in try storedPosition(txn, databases.local).sequence }
        let batchSize = min(10_000, max(1, every))
        for start in stride(from: 0, to: entries.count, by: batchSize) {
            if start > 0, start / every > (start - batchSize) / every { progress?("replaying the log: \(start) of \(entries.count) entries") }
            let batch = entries[start..<min(entries.count, start + batchSize)]
            try environment.write { txn in
                defer { reserve.groupEnded() }
                for entry in batch {
                    let ops = try StorageOp.decode(entry.payload)
                    try reserve.claim(ops)
                    for op in ops { try databases.apply(op, in: txn) }
                }
                try txn.put(databases.local, positionKey, encodePosition(batch.last!.sequence, segment: segment))
            }
            position = batch.last!.sequence
        }
        return position
    }

    /// The last committed sequence.
    public var lastSequence: UInt64 { committed.load(ordering: .acquiring) }

    // MARK: reading

    /// Runs `body` on a consistent snapshot of the latest commit.
    public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
        try environment.read { txn in try body(StoreReader(store: self, transaction: txn)) }
    }

    /// A snapshot of the latest commit, kept until released (a zone's frozen or lagging view).
    public func snapshot() throws -> Snapshot {
        try Snapshot(store: self, transaction: environment.openSnapshot())
    }

    func database(_ which: StoreDatabase) -> Database {
        databases[which]
    }

    // MARK: writing (the writer thread)

    /// One group of writes in one transaction: `body` appends each write's ops as the next entry;
    /// then the group commits, and its entries go to the log (durable once `log.flush()` returns).
    /// Returns the body's result and the group's last sequence.
    public func write<T>(_ body: (inout GroupWrite) throws -> T) throws -> T {
        if let reason = refusal.withLock({ $0 }) { throw StorageError.refused(reason) }
        let first = lastSequence + 1
        let (result, payloads) = try environment.write { txn in
            defer { reserve.groupEnded() }
            var group = GroupWrite(store: self, transaction: txn, first: first)
            let result = try body(&group)
            if !group.payloads.isEmpty {
                try txn.put(local, Self.positionKey, Self.encodePosition(first + UInt64(group.payloads.count) - 1, segment: log?.currentSegment ?? 0))
            }
            return (result, group.payloads)
        }
        guard !payloads.isEmpty else { return result }
        committed.store(first + UInt64(payloads.count) - 1, ordering: .releasing)
        outOfSpace.store(false, ordering: .relaxed)
        do {
            try log?.write(first: first, payloads: payloads)
        } catch {
            refuseWrites(error)
            throw error
        }
        return result
    }

    /// The log failed after a commit (the data is visible but not durable): every later write is
    /// refused until a restart, which recovers from what reached the disk.
    public func refuseWrites(_ error: any Error) {
        refusal.withLock { $0 = $0 ?? "writes are refused since the log failed (\(error)); restart the server once the disk is fine" }
    }

    func noteDiskFull() {
        outOfSpace.store(true, ordering: .relaxed)
    }

    public enum Health: Equatable, Sendable {
        case ok
        /// The last write that needed space found none; reads still work.
        case diskFull
        case failed(String)
    }

    public var health: Health {
        if let reason = refusal.withLock({ $0 }) { return .failed(reason) }
        return outOfSpace.load(ordering: .relaxed) ? .diskFull : .ok
    }

    // MARK: checkpoints

    /// Lets the kernel start writing the data file's changed pages (the next `checkpoint` then has
    /// less to write at once). Nothing to do when the log is off.
    public func startCheckpoint() throws {
        if log != nil { try environment.startWriteback() }
    }

    /// Flushes the data file, then drops the log segments it no longer needs.
    public func checkpoint() throws {
        guard let log else { return }
        let segment = try environment.read { txn in try Self.storedPosition(txn, local).segment }
        try environment.sync()
        log.trim(before: segment)
    }

    /// A clean stop: the data file flushed and marked as needing no log, the folder let go.
    public func close() throws {
        defer { lock.release() }
        guard let log else { return try environment.sync() }
        let position = lastSequence
        try environment.write { txn in try txn.put(local, Self.positionKey, Self.encodePosition(position, segment: 0)) }
        try environment.sync()
        log.removeAll()
    }

    // MARK: the position record

    /// position record: last applied sequence (BE64) ‖ first sequence of the log segment holding
    /// what follows (BE64; 0: none needed).
    static func encodePosition(_ sequence: UInt64, segment: UInt64) -> [UInt8] {
        BigEndian.bytes(sequence) + BigEndian.bytes(segment)
    }

    static func storedPosition(_ txn: Transaction, _ local: Database) throws -> (sequence: UInt64, segment: UInt64) {
        if let bytes = try txn.get(local, positionKey), bytes.count == 16 {
            return (BigEndian.uint64(bytes), BigEndian.uint64(bytes.dropFirst(8)))
        }
        if let legacy = try txn.get(local, legacyPositionKey), legacy.count == 16 { return (BigEndian.uint64(legacy), 0) }
        return (0, 0)
    }
}

/// The named databases of the data file.
struct Databases: Sendable {
    let catalog: Database
    let items: Database
    let expiry: Database
    let indexes: Database
    let streams: Database
    /// Facts about this copy, never logged: its position.
    let local: Database

    init(_ txn: WriteTransaction) throws {
        catalog = try txn.openDatabase("catalog")
        items = try txn.openDatabase("items")
        expiry = try txn.openDatabase("expiry")
        indexes = try txn.openDatabase("indexes")
        streams = try txn.openDatabase("streams")
        local = try txn.openDatabase("local")
    }

    subscript(_ which: StoreDatabase) -> Database {
        switch which {
        case .catalog: catalog
        case .items: items
        case .expiry: expiry
        case .indexes: indexes
        case .streams: streams
        }
    }

    /// Applies one op: the single implementation writes and replays share.
    func apply(_ op: StorageOp, in txn: WriteTransaction) throws {
        switch op {
        case let .put(db, key, value):
            try txn.put(self[db], key, value)
        case let .delete(db, key):
            try txn.delete(self[db], key)
        case let .deletePrefix(db, prefix):
            try txn.withCursor(self[db]) { cursor in
                var entry = try cursor.seek(atLeast: prefix)
                while let e = entry, e.key.starts(with: prefix) {
                    try cursor.deleteCurrent()
                    entry = try cursor.next()
                }
            }
        }
    }
}
