// Direct writes finish in any order, but a group of journal records is durable only once every write
// before it is done too (recovery stops at the first missing record): the ledger says how far the
// writes are done without a gap, which one failed, and how many still read from each segment.
import Foundation
import Testing

@testable import TridentStorage

struct WriteLedgerTests {
    private func withSegment(_ body: (JournalSegment) throws -> Void) throws {
        let dir = NSTemporaryDirectory() + "trident-ledger-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try body(try JournalSegment.create(directory: dir, first: 1, term: 1, capacity: 4096, spare: nil))
    }

    @Test func writesAreDoneThroughTheFirstGap() throws {
        try withSegment { segment in
            var ledger = WriteLedger()
            let ids = (0..<4).map { _ in ledger.submit(segment, count: 512) }
            #expect(ids == [1, 2, 3, 4] && ledger.next == 5 && segment.inFlight == 4)
            ledger.complete(3, result: 512)
            ledger.complete(2, result: 512)
            #expect(!ledger.isDone(through: 1) && ledger.doneThrough == 0)
            ledger.complete(1, result: 512)
            #expect(ledger.isDone(through: 3) && !ledger.isDone(through: 4))
            ledger.complete(4, result: 512)
            #expect(ledger.doneThrough == 4 && ledger.inFlight == 0 && segment.inFlight == 0)
            #expect(ledger.failure(through: 4) == nil)
            // An unknown number changes nothing.
            #expect(ledger.complete(9, result: 512) == nil && ledger.doneThrough == 4)
        }
    }

    @Test func aFailedOrShortWriteFailsItAndEverythingAfter() throws {
        try withSegment { segment in
            var ledger = WriteLedger()
            for _ in 0..<3 { ledger.submit(segment, count: 1024) }
            ledger.complete(1, result: 1024)
            ledger.complete(3, result: -Int64(ENOSPC))
            ledger.complete(2, result: 512)
            // Done (no longer in flight), but write 2 tore its block: 2 and later cannot be durable.
            #expect(ledger.doneThrough == 3 && segment.inFlight == 0)
            #expect(ledger.failure(through: 1) == nil)
            #expect(ledger.failure(through: 2) == EIO && ledger.failure(through: 3) == EIO)
        }
    }
}
