// The replication decisions as pure functions: where reads go, which followers a write waits for,
// who leads after a failure, how a returning zone catches up, and when a write has its quorum.
import Testing
import TridentStorage

@testable import TridentEngine

struct ClusterStateTests {
    private func cluster(_ states: [ClusterState.ZoneState] = [.up, .up, .up], leader: Int = 0, lags: [Int] = [0, 0, 0]) -> ClusterState {
        var s = ClusterState(names: ["a", "b", "c"], leader: leader, term: 1)
        for i in 0..<3 {
            s.zones[i].state = states[i]
            s.zones[i].lagMilliseconds = lags[i]
        }
        return s
    }

    @Test func consistentReadsGoToTheLeaderOnlyWithAQuorum() {
        #expect(cluster().readZone(consistent: true) { _ in 0 } == 0)
        #expect(cluster([.up, .down, .up]).readZone(consistent: true) { _ in 0 } == 0)
        #expect(cluster([.up, .down, .isolated]).readZone(consistent: true) { _ in 0 } == nil)
        #expect(!cluster([.up, .down, .down]).hasQuorum)
        #expect(cluster([.up, .recovering, .down]).hasQuorum)
    }

    @Test func eventualReadsUseUpOrIsolatedZones() {
        let s = cluster([.up, .recovering, .isolated])
        var offered: [Int] = []
        _ = s.readZone(consistent: false) { n in
            offered.append(n)
            return n - 1
        }
        #expect(offered == [2])
        #expect(s.readZone(consistent: false) { n in n - 1 } == 2)
        #expect(s.readZone(consistent: false) { _ in 0 } == 0)
        #expect(cluster([.down, .down, .recovering]).readZone(consistent: false) { _ in 0 } == nil)
    }

    @Test func withoutLagEveryFollowerIsSynchronous() {
        #expect(cluster().replicationPlan() == .init(synchronous: [1, 2], delayed: []))
        #expect(cluster([.up, .down, .up]).replicationPlan() == .init(synchronous: [2], delayed: []))
        #expect(cluster([.up, .isolated, .recovering]).replicationPlan() == .init(synchronous: [2], delayed: []))
    }

    @Test func aLaggingFollowerIsTheAsynchronousThirdCopy() {
        #expect(cluster(lags: [0, 0, 250]).replicationPlan() == .init(synchronous: [1], delayed: [(zone: 2, milliseconds: 250)]))
        // Both followers lag: the least lagging one still acknowledges at once.
        #expect(cluster(lags: [100, 300, 200]).replicationPlan() == .init(synchronous: [2], delayed: [(zone: 1, milliseconds: 300)]))
        // The only follower left is never delayed: the quorum must not wait for a lag.
        #expect(cluster([.up, .up, .down], lags: [0, 500, 0]).replicationPlan() == .init(synchronous: [1], delayed: []))
    }

    @Test func theMostUpToDateUpZoneLeads() {
        let zones = cluster([.down, .up, .up]).zones
        let positions = [LogPosition(sequence: 50, term: 1), LogPosition(sequence: 40, term: 1), LogPosition(sequence: 42, term: 1)]
        #expect(ClusterState.electLeader(zones, positions: positions) == 2)
        let newerTerm = [LogPosition(sequence: 50, term: 1), LogPosition(sequence: 30, term: 2), LogPosition(sequence: 42, term: 1)]
        #expect(ClusterState.electLeader(zones, positions: newerTerm) == 1)
        #expect(ClusterState.electLeader(cluster([.down, .isolated, .down]).zones, positions: positions) == nil)
    }

    @Test func catchUpReplaysWhenTheLogReachesAndCopiesOtherwise() {
        let leader = LogPosition(sequence: 100, term: 2)
        func plan(_ zone: LogPosition, termAtZone: UInt64?, oldest: UInt64?, resync: Bool = false) -> ClusterState.CatchUp {
            ClusterState.catchUp(zone: zone, leader: leader, termAtZone: termAtZone, oldestLogged: oldest, mustResync: resync)
        }
        #expect(plan(leader, termAtZone: 2, oldest: 1) == .upToDate)
        #expect(plan(LogPosition(sequence: 60, term: 2), termAtZone: 2, oldest: 50) == .replay(after: 60))
        #expect(plan(LogPosition(sequence: 60, term: 2), termAtZone: nil, oldest: 70) == .copy)
        #expect(plan(LogPosition(sequence: 60, term: 1), termAtZone: 2, oldest: 1) == .copy)
        #expect(plan(LogPosition(sequence: 120, term: 1), termAtZone: nil, oldest: 1) == .copy)
        #expect(plan(LogPosition(sequence: 0, term: 0), termAtZone: nil, oldest: 1) == .replay(after: 0))
        #expect(plan(LogPosition(sequence: 60, term: 2), termAtZone: 2, oldest: 50, resync: true) == .copy)
    }
}

struct QuorumTrackerTests {
    @Test func twoDurableCopiesAndEveryZoneApplied() {
        var t = QuorumTracker(synchronous: 2, delayed: 0)
        #expect(t.decide() == .waiting)
        #expect(t.leaderAppliedIt() == .waiting)
        #expect(t.followerApplied(synchronous: true) == .waiting)
        #expect(t.leaderDurable() == .waiting)
        #expect(t.followerDurable() == .waiting)
        // Two copies are durable, but one zone would still answer an eventual read without it.
        #expect(t.followerApplied(synchronous: true) == .acknowledge)
        #expect(t.followerDurable() == .waiting)
    }

    @Test func theThirdFlushIsNotWaitedFor() {
        var t = QuorumTracker(synchronous: 2, delayed: 0)
        #expect(t.leaderAppliedIt() == .waiting)
        #expect(t.followerApplied(synchronous: true) == .waiting)
        #expect(t.followerApplied(synchronous: true) == .waiting)
        #expect(t.followerDurable() == .waiting)
        #expect(t.followerDurable() == .acknowledge)
        // The leader's own flush may come last.
        #expect(t.leaderDurable() == .waiting)
    }

    @Test func followersFinishingBeforeTheLeaderAppliesIsNotEnough() {
        var t = QuorumTracker(synchronous: 2, delayed: 0)
        for _ in 0..<2 {
            #expect(t.followerApplied(synchronous: true) == .waiting)
            #expect(t.followerDurable() == .waiting)
        }
        #expect(t.decide() == .waiting)
        #expect(t.leaderAppliedIt() == .acknowledge)
    }

    @Test func aStoppedSynchronousFollowerLeavesTheOther() {
        var t = QuorumTracker(synchronous: 2, delayed: 0)
        #expect(t.leaderAppliedIt() == .waiting)
        #expect(t.leaderDurable() == .waiting)
        #expect(t.followerApplied(synchronous: true) == .waiting)
        #expect(t.followerDurable() == .waiting)
        #expect(t.followerDropped(synchronous: true, applied: false) == .acknowledge)
    }

    @Test func aDelayedCopyCountsOnlyForDurability() {
        var t = QuorumTracker(synchronous: 1, delayed: 1)
        #expect(t.leaderAppliedIt() == .waiting)
        #expect(t.leaderDurable() == .waiting)
        #expect(t.followerDropped(synchronous: true, applied: false) == .waiting)
        #expect(t.followerDurable() == .acknowledge)
        var u = QuorumTracker(synchronous: 1, delayed: 1)
        #expect(u.leaderAppliedIt() == .waiting)
        #expect(u.leaderDurable() == .waiting)
        // The delayed zone's copy is durable, but the synchronous one has not applied it yet.
        #expect(u.followerDurable() == .waiting)
        #expect(u.followerApplied(synchronous: true) == .acknowledge)
    }

    @Test func withoutTwoPossibleCopiesTheWriteFails() {
        var t = QuorumTracker(synchronous: 1, delayed: 1)
        #expect(t.followerDropped(synchronous: true, applied: false) == .waiting)
        #expect(t.followerDropped(synchronous: false, applied: false) == .fail)
        var none = QuorumTracker(synchronous: 0, delayed: 0)
        #expect(none.decide() == .fail)
        var single = QuorumTracker.leaderOnly()
        #expect(single.decide() == .waiting)
        #expect(single.leaderAppliedIt() == .waiting)
        #expect(single.leaderDurable() == .acknowledge)
    }

    @Test func aFailedLeaderFailsTheWriteOnce() {
        var t = QuorumTracker(synchronous: 2, delayed: 0)
        #expect(t.followerApplied(synchronous: true) == .waiting)
        #expect(t.followerDurable() == .waiting)
        #expect(t.leaderFailed() == .fail)
        #expect(t.followerApplied(synchronous: true) == .waiting)
        #expect(t.followerDurable() == .waiting)
        #expect(t.leaderAppliedIt() == .waiting)
    }
}
