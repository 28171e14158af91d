// A lagging zone reads the data as it was its lag ago: never fresher, at most one granularity
// staler, the present once nothing changed for a lag, and the snapshots held stay few.
import Testing

@testable import TridentReplication

struct LagWindowTests {
    @Test func aLaggingReadUsesTheNewestSnapshotOldEnough() {
        var w = LagWindow(granularity: 0.01)
        #expect(w.committed(1, at: 10) == .take)
        w.took(1, at: 10)
        #expect(w.committed(2, at: 10.5) == .take)
        w.took(2, at: 10.5)
        #expect(w.committed(3, at: 11) == .take)
        w.took(3, at: 11)
        // 2 s behind at 12.75: the state of 10.75, which is snapshot 2.
        #expect(w.view(lag: 2, now: 12.75) == .held(1))
        #expect(w.view(lag: 2, now: 12.25) == .held(0))
        // Nothing committed since 11: at 13 the present is old enough.
        #expect(w.view(lag: 2, now: 13) == .present(through: 3))
    }

    @Test func commitsWithinTheGranularityShareASnapshot() {
        var w = LagWindow(granularity: 0.01)
        #expect(w.committed(1, at: 5.000) == .take)
        w.took(1, at: 5.000)
        #expect(w.committed(2, at: 5.004) == .none)
        #expect(w.committed(3, at: 5.011) == .take)
        w.took(3, at: 5.011)
        // At 5.008 the truth was sequence 2; the read gets 1: staler, never fresher.
        #expect(w.view(lag: 1, now: 6.008) == .held(0))
    }

    @Test func snapshotsNoLagNeedsAreDropped() {
        var w = LagWindow(granularity: 0.01)
        for i in 0..<10 {
            let t = Double(i) / 8
            _ = w.committed(UInt64(i + 1), at: t)
            w.took(UInt64(i + 1), at: t)
        }
        // A 250 ms lag at 1.2 needs the snapshot of 0.875 and nothing older.
        #expect(w.trim(longest: 0.25, now: 1.2) == 7)
        #expect(w.marks.map(\.sequence) == [8, 9, 10])
        #expect(w.view(lag: 0.25, now: 1.2) == .held(0))
        #expect(w.trim(longest: 0.25, now: 1.2) == 0)
    }

    @Test func theGranularityKeepsTheHistoryShort() {
        #expect(LagWindow.granularity(forLag: 0.25) == 0.25 / 32)
        #expect(LagWindow.granularity(forLag: 0.01) == 0.001)
        #expect(LagWindow.granularity(forLag: 3600) == 1)
    }
}
