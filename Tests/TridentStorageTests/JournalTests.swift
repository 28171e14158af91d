// The journal is a zone's log on disk: entries read back in order across segments and terms, a
// reopened journal hands back what the environment lacks and continues after its last intact
// record, a torn or stale tail is never replayed (nor resurrected later), a rolled-back append is
// forgotten, and trimming drops whole segments and reuses their files — whether it appends through
// the page cache or by direct writes (each group on a block of its own, padded with zeros).
import Foundation
import Synchronization
import Testing

@testable import TridentStorage

struct JournalTests {
    private func entry(_ sequence: UInt64, term: UInt64 = 1, size: Int = 100) -> LogEntry {
        LogEntry(
            sequence: sequence, term: term,
            ops: [.put(.items, key: [UInt8(sequence % 251)], value: [UInt8](repeating: UInt8(sequence % 256), count: size))])
    }

    /// A folder on the package's own disk: direct writes need a file system that takes them, which
    /// a temporary folder on tmpfs may not be.
    private func withDirectory(_ body: (String) throws -> Void) rethrows {
        let dir = FileManager.default.currentDirectoryPath + "/.build/trident-tests/journal-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(dir)
    }

    /// Opens the journal in `dir`, writing directly or through the page cache as `direct` says.
    private func recover(_ dir: String, after applied: UInt64, capacity: Int = Journal.defaultSegmentCapacity, direct: Bool) throws -> (
        Journal, [LogEntry]
    ) {
        let (journal, replay) = try Journal.recover(directory: dir, after: applied, segmentCapacity: capacity, directWrites: direct)
        #expect(journal.writesDirectly == direct)
        return (journal, replay)
    }

    private func segmentFiles(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { JournalSegment.parse(fileName: $0) != nil }.sorted()
    }

    @Test(arguments: [false, true])
    func entriesReadBackAcrossSegmentsAndTerms(direct: Bool) throws {
        try withDirectory { dir in
            let (journal, replay) = try recover(dir, after: 0, capacity: 2048, direct: direct)
            #expect(replay.isEmpty && journal.last == nil && journal.oldestSequence == nil)
            let written = (1...40).map { entry($0, term: $0 <= 25 ? 1 : 2) }
            try journal.append(Array(written[0..<10]))
            try journal.append(Array(written[10...]))
            #expect(journal.last == LogPosition(sequence: 40, term: 2))
            #expect(try journal.entries(after: 0) == written)
            #expect(try journal.entries(after: 17, limit: 5) == Array(written[17..<22]))
            #expect(try journal.entries(after: 40).isEmpty)
            #expect(journal.term(at: 25) == 1 && journal.term(at: 26) == 2 && journal.term(at: 41) == nil)
            // 131-byte records: fifteen fill a 2 KB segment, and a new segment starts where the term
            // changes. Direct segments are whole 4 KB pages, and the second group starts on a block:
            // at 1536 with 512-byte blocks (entries 11-25 still fit), at 4096 with 4 KB ones (a new
            // segment for them).
            #expect(JournalRecord.size(of: written[0]) == 131)
            let layout: [(UInt64, UInt64)] =
                !direct ? [(1, 1), (16, 1), (26, 2)] : journal.groupAlignment == 4096 ? [(1, 1), (11, 1), (26, 2)] : [(1, 1), (26, 2)]
            #expect(try segmentFiles(dir) == layout.map { JournalSegment.fileName(first: $0.0, term: $0.1) })
            #expect(throws: Journal.Damaged.self) { try journal.append([entry(42)]) }
            try journal.sync()
            let (_, reread) = try recover(dir, after: 0, capacity: 2048, direct: direct)
            #expect(reread == written)
        }
    }

    @Test(arguments: [false, true])
    func reopeningReturnsWhatTheEnvironmentLacksAndContinues(direct: Bool) throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try recover(dir, after: 0, capacity: 4096, direct: direct)
                try journal.append((1...30).map { entry($0) })
                try journal.sync()
            }
            let generation: UInt32
            do {
                let (journal, replay) = try recover(dir, after: 22, capacity: 4096, direct: direct)
                #expect(replay == (23...30).map { entry($0) })
                #expect(journal.last == LogPosition(sequence: 30, term: 1))
                try journal.append([entry(31)])
                generation = journal.generation
            }
            let (again, all) = try recover(dir, after: 0, capacity: 4096, direct: direct)
            #expect(all.map(\.sequence) == Array(1...31))
            #expect(again.generation > generation)
        }
    }

    @Test(arguments: [false, true])
    func aTornTailIsNeverReplayedNorResurrected(direct: Bool) throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try recover(dir, after: 0, direct: direct)
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
                let (journal, replay) = try recover(dir, after: 0, direct: direct)
                #expect(replay.map(\.sequence) == [1, 2, 3])
                // A shorter entry 4 now; the old entry 5 still sits after it, intact but stale.
                try journal.append([entry(4, size: 10)])
            }
            let (journal, replay) = try recover(dir, after: 0, direct: direct)
            #expect(replay.map(\.sequence) == [1, 2, 3, 4])
            #expect(replay.last == entry(4, size: 10))
            #expect(journal.last?.sequence == 4)
        }
    }

    @Test(arguments: [false, true])
    func aRolledBackAppendIsForgotten(direct: Bool) throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try recover(dir, after: 0, capacity: 1024, direct: direct)
                try journal.append([entry(1)])
                let mark = try journal.append((2...40).map { entry($0) })
                journal.rollBack(to: mark)
                #expect(journal.last?.sequence == 1)
                try journal.append([entry(2, size: 5)])
            }
            let (_, replay) = try recover(dir, after: 0, capacity: 1024, direct: direct)
            #expect(replay == [entry(1), entry(2, size: 5)])
        }
    }

    @Test(arguments: [false, true])
    func trimmingDropsWholeSegmentsAndReusesTheirFiles(direct: Bool) throws {
        // Seven records to a segment either way: 131 bytes in 1 KB, or 531 in a direct 4 KB one.
        let size = direct ? 500 : 100
        try withDirectory { dir in
            let (journal, _) = try recover(dir, after: 0, capacity: 1024, direct: direct)
            try journal.append((1...60).map { entry($0, size: size) })
            try journal.sync()
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
            try journal.append((61...70).map { entry($0, size: size) })
            #expect(journal.fileCounts.spares < spares)
            journal.trim(through: 1_000)
            // The segment being appended to is never dropped.
            #expect(journal.oldestSequence != nil && journal.last?.sequence == 70)
            try journal.sync()
            let (_, replay) = try recover(dir, after: 69, capacity: 1024, direct: direct)
            #expect(replay.map(\.sequence) == [70])
        }
    }

    @Test(arguments: [false, true])
    func aSegmentAfterAGapIsDropped(direct: Bool) throws {
        let size = direct ? 500 : 100
        try withDirectory { dir in
            do {
                let (journal, _) = try recover(dir, after: 0, capacity: 1024, direct: direct)
                try journal.append((1...20).map { entry($0, size: size) })
            }
            let files = try segmentFiles(dir)
            // Lose a middle segment: what follows it can no longer be replayed in order.
            try FileManager.default.removeItem(atPath: dir + "/" + files[1])
            let (journal, replay) = try recover(dir, after: 0, capacity: 1024, direct: direct)
            let kept = try #require(replay.last?.sequence)
            #expect(replay.map(\.sequence) == Array(1...kept))
            #expect(try segmentFiles(dir) == [files[0]])
            try journal.append([entry(kept + 1)])
        }
    }

    @Test(arguments: [false, true])
    func aJournalStartingAfterTheEnvironmentIsDamage(direct: Bool) throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try recover(dir, after: 0, direct: direct)
                journal.reset(after: LogPosition(sequence: 10, term: 1))
                try journal.append([entry(11)])
            }
            #expect(throws: Journal.Damaged.self) { try recover(dir, after: 5, direct: direct) }
            #expect(try recover(dir, after: 10, direct: direct).1 == [entry(11)])
        }
    }

    // MARK: direct writes

    @Test func eachDirectGroupStartsOnABlockAfterZeroPadding() throws {
        try withDirectory { dir in
            let block: Int
            do {
                let (journal, _) = try recover(dir, after: 0, direct: true)
                block = journal.groupAlignment
                // The file system's block (4 KB on ext4), at least what direct I/O needs.
                #expect(block >= 512 && block <= 4096)
                try journal.append([entry(1), entry(2)])
                try journal.append([entry(3)])
                try journal.sync()
            }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + (try segmentFiles(dir)[0]))))
            // Two 131-byte records, zeros to the first block boundary, then the second group.
            #expect(bytes[262..<block].allSatisfy { $0 == 0 })
            #expect(bytes[block..<(block + 4)] != [0, 0, 0, 0])
            let (_, replay) = try recover(dir, after: 0, direct: true)
            #expect(replay == [entry(1), entry(2), entry(3)])
        }
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 24, 100])
    func groupsAreFoundAfterPaddingOfAnyLength(padding: Int) throws {
        try withDirectory { dir in
            let (journal, _) = try recover(dir, after: 0, direct: true)
            // A first group ending `padding` bytes before a block boundary: with fewer than four, the
            // zeros and the next group's first bytes share what would be a record's length field.
            var size = 100
            while (JournalRecord.size(of: entry(1, size: size)) + padding) % journal.groupAlignment != 0 { size += 1 }
            let written = [entry(1, size: size)] + (2...5).map { entry($0) }
            try journal.append([written[0]])
            try journal.append(Array(written[1...]))
            #expect(try journal.entries(after: 0) == written)
            try journal.sync()
            #expect(try recover(dir, after: 0, direct: true).1 == written)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func rollingBackWhileTheSyncerCollectsCompletions() throws {
        try withDirectory { dir in
            let (journal, _) = try recover(dir, after: 0, direct: true)
            // The syncer collects completions outside the lock and records them under it; a rollback
            // waiting for the writes in flight must not hold the lock meanwhile.
            let stop = Atomic(false)
            let syncer = Thread {
                while !stop.load(ordering: .relaxed) { try? journal.sync() }
            }
            syncer.start()
            defer { stop.store(true, ordering: .relaxed) }
            for sequence in 1...300 {
                try journal.append([entry(UInt64(sequence))])
                let mark = try journal.append([entry(UInt64(sequence) + 1, size: 2000)])
                journal.rollBack(to: mark)
            }
            #expect(journal.last?.sequence == 300)
            try journal.sync()
            #expect(try recover(dir, after: 0, direct: true).1 == (1...300).map { entry($0) })
        }
    }

    @Test func aSyncPointCoversOnlyTheWritesItWaitsFor() throws {
        try withDirectory { dir in
            let (journal, _) = try recover(dir, after: 0, capacity: 1 << 20, direct: true)
            try journal.append([entry(1)])
            let point = journal.syncPoint()
            // Written while the round waits, into blocks never written before: its fdatasync may
            // run before this write is done, so it does not count as covered.
            try journal.append([entry(2, size: 9000)])
            try journal.awaitWrites(point)
            journal.didSync(point)
            let next = journal.syncPoint()
            #expect(next.segments.count == 1 && next.segments[0].ownSync)
            #expect(next.segments[0].writtenEnd > point.segments[0].writtenEnd)
        }
    }

    @Test func appendsAreReadBackBeforeTheyAreWrittenAndAfterTheirSegmentEnds() throws {
        try withDirectory { dir in
            let (journal, _) = try recover(dir, after: 0, capacity: 4096, direct: true)
            for sequence in 1...40 {
                try journal.append([entry(UInt64(sequence), size: 300)])
                // Read back at once, whether its direct write is done or not.
                #expect(try journal.entries(after: UInt64(sequence) - 1) == [entry(UInt64(sequence), size: 300)])
            }
            try journal.sync()
            // Finished segments are read from their files now, the current one from its mirror.
            #expect(try journal.entries(after: 0) == (1...40).map { entry($0, size: 300) })
            #expect(try segmentFiles(dir).count > 3)
        }
    }

    @Test func aFinishedSegmentsMirrorServesTheNextWithNoOldBytesWritten() throws {
        try withDirectory { dir in
            let (journal, _) = try recover(dir, after: 0, capacity: 8192, direct: true)
            // Large records first, a group per block, then small ones: a recycled mirror holds the
            // large ones' bytes where the small ones' padding goes.
            let entries = (1...6).map { entry($0, size: 3000) } + (7...30).map { entry($0, size: 60) }
            for e in entries {
                try journal.append([e])
                try journal.sync()
                #expect(try journal.entries(after: e.sequence - 1) == [e])
            }
            #expect(journal.state.withLock { $0.retiredMirror != nil }, "finished segments' mirrors are kept for reuse")
            #expect(try journal.entries(after: 0) == entries)
            #expect(try recover(dir, after: 0, direct: true).1 == entries)
        }
    }

    @Test func aRecoveredSegmentIsNotAppendedToDirectly() throws {
        try withDirectory { dir in
            do {
                let (journal, _) = try recover(dir, after: 0, direct: true)
                try journal.append([entry(1)])
            }
            do {
                let (journal, _) = try recover(dir, after: 1, direct: true)
                try journal.append([entry(2)])
            }
            // Entry 2 opened a segment of its own rather than rewrite the block entry 1 ends in.
            #expect(try segmentFiles(dir) == [(1, 1), (2, 1)].map { JournalSegment.fileName(first: $0.0, term: $0.1) })
            #expect(try recover(dir, after: 0, direct: true).1 == [entry(1), entry(2)])
        }
    }

    @Test func onlyBlocksWrittenForTheFirstTimeNeedAnFdatasyncOfTheirOwn() throws {
        try withDirectory { dir in
            let (journal, _) = try recover(dir, after: 0, capacity: 4096, direct: true)
            #expect(journal.sharedFlushes, "the package's disk is expected to be ext4 or XFS")
            // Three segments of seven 531-byte records, written into fallocated (unwritten) blocks.
            try journal.append((1...21).map { entry($0, size: 500) })
            let fresh = journal.syncPoint()
            #expect(fresh.segments.count == 3 && fresh.segments.allSatisfy(\.ownSync))
            try journal.sync()
            journal.trim(through: 14)
            // Entry 22 goes to a trimmed segment's file, whose blocks are all written already.
            try journal.append([entry(22, size: 500)])
            let reused = journal.syncPoint()
            #expect(reused.segments.count == 1 && !reused.segments[0].ownSync)
            try journal.sync()
            #expect(try journal.entries(after: 20).map(\.sequence) == [21, 22])
            // A spare written with zeros in the background: the segment after it needs no own sync.
            journal.trim(through: 1_000)
            while journal.fileCounts.spares > 0 { try journal.append([entry(journal.last!.sequence + 1, size: 3000)]) }
            journal.prepareSpare()
            #expect(journal.fileCounts.spares == 1)
            try journal.sync()
            try journal.append([entry(journal.last!.sequence + 1, size: 3000)])
            let prepared = journal.syncPoint()
            #expect(prepared.segments.count == 1 && !prepared.segments[0].ownSync && journal.fileCounts.spares == 0)
        }
    }

    @Test func paddingIsLookedPastForOnePageOnly() throws {
        try withDirectory { dir in
            var record: [UInt8] = []
            JournalRecord.append(entry(2), generation: UInt32.max, to: &record)
            func plant(at offsets: [UInt64]) throws {
                do {
                    let (journal, _) = try recover(dir, after: 0, direct: false)
                    try journal.append([entry(1)])
                }
                let handle = try #require(FileHandle(forUpdatingAtPath: dir + "/" + (try segmentFiles(dir)[0])))
                for offset in offsets {
                    try handle.seek(toOffset: offset)
                    handle.write(Data(record))
                }
                try handle.close()
            }
            // Entry 2 on a block boundary within the page after entry 1: padding, then the next group.
            try plant(at: [1024])
            #expect(try recover(dir, after: 0, direct: false).1.map(\.sequence) == [1, 2])
            for file in try segmentFiles(dir) { try FileManager.default.removeItem(atPath: dir + "/" + file) }
            // Further on, it is not the journal's: padding never spans a page, so it is left over.
            try plant(at: [4096 + 512])
            #expect(try recover(dir, after: 0, direct: false).1.map(\.sequence) == [1])
        }
    }
}
