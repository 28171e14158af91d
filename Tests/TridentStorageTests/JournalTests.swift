// The journal is a zone's log on disk: entries read back in order across segments and terms, a
// reopened journal hands back what the environment lacks and continues after its last intact
// record, a torn or stale tail is never replayed (nor resurrected later), a rolled-back append is
// forgotten, and trimming drops whole segments and reuses their files.
import Foundation
import Testing

@testable import TridentStorage

struct JournalTests {
    private func entry(_ sequence: UInt64, term: UInt64 = 1, size: Int = 100) -> LogEntry {
        LogEntry(
            sequence: sequence, term: term,
            ops: [.put(.items, key: [UInt8(sequence % 251)], value: [UInt8](repeating: UInt8(sequence % 256), count: size))])
    }

    private func withDirectory(_ body: (String) throws -> Void) rethrows {
        let dir = NSTemporaryDirectory() + "trident-journal-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    private func segmentFiles(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { JournalSegment.parse(fileName: $0) != nil }.sorted()
    }

    @Test func entriesReadBackAcrossSegmentsAndTerms() throws {
        try withDirectory { dir in
            let (journal, replay) = try Journal.recover(directory: dir, after: 0, segmentCapacity: 2048)
            #expect(replay.isEmpty && journal.last == nil && journal.oldestSequence == nil)
            let written = (1...40).map { entry($0, term: $0 <= 25 ? 1 : 2) }
            try journal.append(Array(written[0..<10]))
            try journal.append(Array(written[10...]))
            #expect(journal.last == LogPosition(sequence: 40, term: 2))
            #expect(try journal.entries(after: 0) == written)
            #expect(try journal.entries(after: 17, limit: 5) == Array(written[17..<22]))
            #expect(try journal.entries(after: 40).isEmpty)
            #expect(journal.term(at: 25) == 1 && journal.term(at: 26) == 2 && journal.term(at: 41) == nil)
            // 131-byte records: fifteen fill a 2 KB segment, and a new segment starts where the term changes.
            #expect(JournalRecord.size(of: written[0]) == 131)
            #expect(try segmentFiles(dir) == [(1, 1), (16, 1), (26, 2)].map { JournalSegment.fileName(first: $0.0, term: $0.1) })
            #expect(throws: Journal.Damaged.self) { try journal.append([entry(42)]) }
        }
    }

    @Test func reopeningReturnsWhatTheEnvironmentLacksAndContinues() throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try Journal.recover(directory: dir, after: 0, segmentCapacity: 4096)
                try journal.append((1...30).map { entry($0) })
                try journal.sync()
            }
            let (journal, replay) = try Journal.recover(directory: dir, after: 22, segmentCapacity: 4096)
            #expect(replay == (23...30).map { entry($0) })
            #expect(journal.last == LogPosition(sequence: 30, term: 1))
            try journal.append([entry(31)])
            let (again, all) = try Journal.recover(directory: dir, after: 0, segmentCapacity: 4096)
            #expect(all.map(\.sequence) == Array(1...31))
            #expect(again.generation > journal.generation)
        }
    }

    @Test func aTornTailIsNeverReplayedNorResurrected() throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try Journal.recover(directory: dir, after: 0)
                try journal.append((1...5).map { entry($0, size: 300) })
            }
            // Entry 4's bytes only half reached the disk.
            let file = dir + "/" + (try segmentFiles(dir)[0])
            let handle = try #require(FileHandle(forUpdatingAtPath: file))
            let recordSize = JournalRecord.headerSize + entry(1, size: 300).encoded.bytes.count
            try handle.seek(toOffset: UInt64(3 * recordSize + 100))
            handle.write(Data(repeating: 0xAB, count: 50))
            try handle.close()
            do {
                let (journal, replay) = try Journal.recover(directory: dir, after: 0)
                #expect(replay.map(\.sequence) == [1, 2, 3])
                // A shorter entry 4 now; the old entry 5 still sits after it, intact but stale.
                try journal.append([entry(4, size: 10)])
            }
            let (journal, replay) = try Journal.recover(directory: dir, after: 0)
            #expect(replay.map(\.sequence) == [1, 2, 3, 4])
            #expect(replay.last == entry(4, size: 10))
            #expect(journal.last?.sequence == 4)
        }
    }

    @Test func aRolledBackAppendIsForgotten() throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try Journal.recover(directory: dir, after: 0, segmentCapacity: 1024)
                try journal.append([entry(1)])
                let mark = try journal.append((2...20).map { entry($0) })
                journal.rollBack(to: mark)
                #expect(journal.last?.sequence == 1)
                try journal.append([entry(2, size: 5)])
            }
            let (_, replay) = try Journal.recover(directory: dir, after: 0, segmentCapacity: 1024)
            #expect(replay == [entry(1), entry(2, size: 5)])
        }
    }

    @Test func trimmingDropsWholeSegmentsAndReusesTheirFiles() throws {
        try withDirectory { dir in
            let (journal, _) = try Journal.recover(directory: dir, after: 0, segmentCapacity: 1024)
            try journal.append((1...60).map { entry($0) })
            let before = try segmentFiles(dir)
            journal.trim(through: 30)
            let oldest = try #require(journal.oldestSequence)
            // Every entry after 30 is still there; the first one kept opens its segment.
            #expect(oldest <= 31 && oldest > 1)
            #expect(try journal.entries(after: oldest - 1).map(\.sequence) == Array(oldest...60))
            #expect(journal.term(at: oldest - 1) == nil)
            let spares = journal.fileCounts.spares
            let remaining = try segmentFiles(dir).count
            #expect(spares > 0 && spares == min(Journal.maxSpares, before.count - remaining))
            try journal.append((61...70).map { entry($0) })
            #expect(journal.fileCounts.spares < spares)
            journal.trim(through: 1_000)
            // The segment being appended to is never dropped.
            #expect(journal.oldestSequence != nil && journal.last?.sequence == 70)
            let (_, replay) = try Journal.recover(directory: dir, after: 69, segmentCapacity: 1024)
            #expect(replay.map(\.sequence) == [70])
        }
    }

    @Test func aSegmentAfterAGapIsDropped() throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try Journal.recover(directory: dir, after: 0, segmentCapacity: 1024)
                try journal.append((1...20).map { entry($0) })
            }
            let files = try segmentFiles(dir)
            // Lose a middle segment: what follows it can no longer be replayed in order.
            try FileManager.default.removeItem(atPath: dir + "/" + files[1])
            let (journal, replay) = try Journal.recover(directory: dir, after: 0, segmentCapacity: 1024)
            let kept = try #require(replay.last?.sequence)
            #expect(replay.map(\.sequence) == Array(1...kept))
            #expect(try segmentFiles(dir) == [files[0]])
            try journal.append([entry(kept + 1)])
        }
    }

    @Test func aJournalStartingAfterTheEnvironmentIsDamage() throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try Journal.recover(directory: dir, after: 0)
                journal.reset(after: LogPosition(sequence: 10, term: 1))
                try journal.append([entry(11)])
            }
            #expect(throws: Journal.Damaged.self) { try Journal.recover(directory: dir, after: 5) }
            #expect(try Journal.recover(directory: dir, after: 10).1 == [entry(11)])
        }
    }
}
