// The log as recovery sees it: frames come back in order across segments, a crash's torn tail is
// dropped, and damage that would lose acknowledged writes is refused with the file and the
// entries named — or repaired when the data file holds them — never passed over in silence.
import Foundation
import Testing

@testable import TridentStorage

struct LogTests {
    private let directory = NSTemporaryDirectory() + "trident-log-test-" + UUID().uuidString

    private func payload(_ i: UInt64) -> [UInt8] { Array("entry \(i) ".utf8) + [UInt8](repeating: UInt8(i & 0xFF), count: Int(i % 40)) }

    /// Appends groups of entries as the writer does (reserve, write, flush), `perGroup` per frame.
    private func append(_ log: Log, from first: UInt64, through last: UInt64, perGroup: Int = 3, flush: Bool = true) throws {
        var next = first
        while next <= last {
            let count = min(UInt64(perGroup), last - next + 1)
            let payloads = (next..<(next + count)).map(payload)
            try log.reserve(LogFrame.size(payloadSizes: payloads.reduce(0) { $0 + $1.count }, count: payloads.count), first: next)
            try log.write(first: next, payloads: payloads)
            if flush { try log.flush() }
            next += count
        }
    }

    private func recover(applied: UInt64 = 0, segment: UInt64 = 1, capacity: Int = 4096, acceptLoss: Bool = false) throws -> Log.Recovery {
        try Log.recover(directory: directory, applied: applied, segment: segment, segmentCapacity: capacity, acceptLoss: acceptLoss)
    }

    private func segmentFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { LogSegment.first(fromFileName: $0) != nil }.sorted()
    }

    /// Overwrites bytes of a file.
    private func damage(_ name: String, at offset: Int, _ bytes: [UInt8]) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: directory + "/" + name))
        try handle.seek(toOffset: UInt64(offset))
        handle.write(Data(bytes))
        try handle.close()
    }

    @Test func framesComeBackInOrderAcrossSealedSegments() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try recover(segment: 0).log
        try append(log, from: 1, through: 200)
        #expect(try segmentFiles().count > 2)
        let recovery = try recover(applied: 50)
        #expect(recovery.entries.map(\.sequence) == Array(51...200))
        #expect(recovery.entries.map(\.payload) == (51...200).map(payload))
        #expect(recovery.notes.isEmpty)
        // Appending goes on where it stopped, and a second recovery sees both runs.
        try append(recovery.log, from: 201, through: 210)
        #expect(try recover(applied: 200, segment: recovery.log.currentSegment).entries.map(\.sequence) == Array(201...210))
    }

    @Test func aTornTailIsDroppedAndSaidSo() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try recover(segment: 0, capacity: 1 << 20).log
        try append(log, from: 1, through: 30)
        let name = try #require(try segmentFiles().last)
        let size = LogFrame.size(payloadSizes: (28...30).map(payload).reduce(0) { $0 + $1.count }, count: 3)
        // Tear the last frame: keep its header, zero the rest (a write cut short by a power loss).
        let frames = try LogScanProbe.frameOffsets(directory + "/" + name)
        let lastFrame = try #require(frames.last)
        try damage(name, at: lastFrame + LogFrame.headerSize, [UInt8](repeating: 0, count: size - LogFrame.headerSize))
        let recovery = try recover(capacity: 1 << 20)
        #expect(recovery.entries.map(\.sequence) == Array(1...27))
        #expect(recovery.notes.count == 1 && recovery.notes[0].contains("cut short by a crash"))
    }

    /// Entries 1-30 in frames of three, the fourth frame (entries 10-12) damaged; frames after it
    /// were written once 12 was durable. Returns the segment's name and the damaged frame's offset.
    private func logDamagedAtTheFourthFrame() throws -> (name: String, offset: Int) {
        let log = try recover(segment: 0, capacity: 1 << 20).log
        try append(log, from: 1, through: 30)
        let name = try #require(try segmentFiles().last)
        let frames = try LogScanProbe.frameOffsets(directory + "/" + name)
        try damage(name, at: frames[3] + LogFrame.headerSize + 2, [0xFF, 0xFE])
        return (name, frames[3])
    }

    @Test func damageBeforeAcknowledgedFramesIsRefusedWithTheFileAndEntries() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (name, offset) = try logDamagedAtTheFourthFrame()
        #expect {
            try recover(capacity: 1 << 20)
        } throws: { error in
            guard case let .refused(message) = error as? StorageError else { return false }
            return message.contains(name) && message.contains("damaged at byte \(offset)") && message.contains("entries 10 to")
                && message.contains("--accept-log-loss")
        }
        // Accepting the loss keeps what comes before the damage.
        let accepted = try recover(capacity: 1 << 20, acceptLoss: true)
        #expect(accepted.entries.map(\.sequence) == Array(1...9))
        #expect(accepted.notes.contains { $0.contains("Continuing without them") })
    }

    @Test func damageTheDataFileAlreadyCoversIsRepaired() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try logDamagedAtTheFourthFrame()
        // The data file holds everything up to 30: nothing acknowledged is lost.
        let recovery = try recover(applied: 30, capacity: 1 << 20)
        #expect(recovery.entries.isEmpty)
        #expect(recovery.notes.count == 1 && recovery.notes[0].contains("the data file holds every acknowledged entry"))
        // The next write starts a new segment after the data file's position.
        try append(recovery.log, from: 31, through: 33)
        #expect(try recover(applied: 30, segment: 31, capacity: 1 << 20).entries.map(\.sequence) == [31, 32, 33])
    }

    @Test func aMissingSegmentIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try recover(segment: 0).log
        try append(log, from: 1, through: 200)
        let files = try segmentFiles()
        // The newest segment is gone: its predecessor's seal names it.
        try FileManager.default.removeItem(atPath: directory + "/" + files.last!)
        #expect {
            try recover(applied: 10)
        } throws: { error in
            guard case let .refused(message) = error as? StorageError else { return false }
            return message.contains(files.last!) && message.contains("is missing")
        }
        // The segment the data file names is gone.
        try FileManager.default.removeItem(atPath: directory + "/" + files.first!)
        #expect(throws: StorageError.self) { try recover(applied: 10) }
    }

    @Test func nothingIsExpectedAfterACleanStop() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try recover(segment: 0).log
        try append(log, from: 1, through: 20)
        log.removeAll()
        let recovery = try recover(applied: 20, segment: 0)
        #expect(recovery.entries.isEmpty && recovery.notes.isEmpty)
    }

    @Test func recycledSegmentsDoNotResurrectOldFrames() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try recover(segment: 0).log
        try append(log, from: 1, through: 300)
        let current = log.currentSegment
        log.trim(before: current)
        #expect(log.fileCounts.spares > 0)
        // New segments reuse the trimmed files, whose old frames are still in them.
        try append(log, from: 301, through: 600)
        let recovery = try recover(applied: 300, segment: current)
        #expect(recovery.entries.map(\.sequence) == Array(301...600))
        #expect(recovery.notes.isEmpty)
    }

    @Test func aCorruptFrameFailsItsChecksum() {
        var bytes: [UInt8] = []
        LogFrame.append(first: 7, payloads: [[1, 2, 3], [4]], durableThrough: 6, to: &bytes)
        bytes.withUnsafeBytes { raw in
            let header = LogFrame.validFrame(raw)
            #expect(header?.first == 7 && header?.count == 2 && header?.durableThrough == 6 && header?.size == bytes.count)
        }
        // Every byte the frame covers (the magic, the header fields, the entries) is checked.
        for i in [0, 4, 9, 17, 21, 25, 41, LogFrame.headerSize + 5] {
            var broken = bytes
            broken[i] ^= 0x10
            broken.withUnsafeBytes { #expect(LogFrame.validFrame($0) == nil, "byte \(i)") }
        }
    }
}

/// Where each frame of a segment file starts (for tests that damage one).
enum LogScanProbe {
    static func frameOffsets(_ path: String) throws -> [Int] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var offsets: [Int] = []
        var at = 0
        bytes.withUnsafeBytes { raw in
            while at + LogFrame.headerSize <= raw.count, let h = LogFrame.validFrame(UnsafeRawBufferPointer(rebasing: raw[at...])), !h.isSeal {
                offsets.append(at)
                at += h.size
            }
        }
        return offsets
    }
}
