// The data folder as a crash leaves it: the log gives back what the data file lacks, a second
// server is turned away by name and PID, and a clean stop leaves no log to replay.
import Foundation
import Synchronization
import Testing

@testable import TridentStorage

struct StoreTests {
    private let folder = NSTemporaryDirectory() + "trident-store-test-" + UUID().uuidString

    private func key(_ i: Int) -> [UInt8] { Array("k\(i)".utf8) }

    private func write(_ store: Store, _ range: Range<Int>) throws {
        for i in range {
            _ = try store.write { group in try group.append([.put(.items, key: key(i), value: Array("v\(i)".utf8))]) }
            try store.log?.flush()
        }
    }

    private func values(_ store: Store, _ range: Range<Int>) throws -> [String?] {
        try store.read { reader in try range.map { i in try reader.value(.items, key(i)).map { String(decoding: $0, as: UTF8.self) } } }
    }

    @Test func theLogGivesBackWhatTheDataFileLost() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var options = Store.Options()
        options.segmentBytes = 4096
        let lines = Mutex<[String]>([])
        do {
            let store = try Store(path: folder, options: options)
            try write(store, 0..<20)
            try store.checkpoint()
            // What a power loss leaves: the data file as of the checkpoint.
            try copySparse(folder + "/data.mdb", to: folder + "/checkpointed.mdb")
            try write(store, 20..<120)
        }
        try FileManager.default.removeItem(atPath: folder + "/data.mdb")
        try FileManager.default.moveItem(atPath: folder + "/checkpointed.mdb", toPath: folder + "/data.mdb")
        // A long replay reports its progress.
        options.progressEvery = 25
        options.progress = { line in lines.withLock { $0.append(line) } }
        let store = try Store(path: folder, options: options)
        #expect(store.replayedEntries == 100)
        #expect(lines.withLock { $0 } == [25, 50, 75].map { "replaying the log: \($0) of 100 entries" })
        #expect(store.lastSequence == 120)
        #expect(try values(store, 0..<120) == (0..<120).map { "v\($0)" })
    }

    /// The data file is as large as its map and mostly holes: copied as such.
    private func copySparse(_ from: String, to: String) throws {
        let cp = try Process.run(URL(fileURLWithPath: "/bin/cp"), arguments: ["--sparse=always", from, to])
        cp.waitUntilExit()
        #expect(cp.terminationStatus == 0)
    }

    @Test func aSecondServerIsTurnedAwayByName() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try Store(path: folder)
        #expect(throws: StorageError.folderInUse(folder: folder, pid: getpid())) { try Store(path: folder) }
        #expect(DataFolderLock.isHeld(folder: folder))
        _ = first
    }

    @Test func aCleanStopLeavesNothingToReplay() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try Store(path: folder)
            try write(store, 0..<10)
            try store.close()
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/log").filter { $0.hasSuffix(".log") && !$0.hasPrefix("spare") }
        #expect(files.isEmpty)
        let store = try Store(path: folder)
        #expect(store.replayedEntries == 0 && store.recoveryNotes.isEmpty)
        #expect(try values(store, 0..<10) == (0..<10).map { "v\($0)" })
        try write(store, 10..<12)
        #expect(store.lastSequence == 12)
    }

    @Test func withoutALogCommitsAreTheRecord() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var options = Store.Options()
        options.log = false
        do {
            let store = try Store(path: folder, options: options)
            #expect(store.log == nil)
            try write(store, 0..<5)
        }
        let store = try Store(path: folder, options: options)
        #expect(try values(store, 0..<5) == (0..<5).map { "v\($0)" })
        #expect(!FileManager.default.fileExists(atPath: folder + "/log"))
    }

    @Test func aTemporaryStoreLeavesNoFolder() throws {
        let store = try Store.temporary(options: Store.Options())
        #expect(!FileManager.default.fileExists(atPath: store.path))
        try write(store, 0..<3)
        #expect(try values(store, 0..<3) == ["v0", "v1", "v2"])
    }
}
