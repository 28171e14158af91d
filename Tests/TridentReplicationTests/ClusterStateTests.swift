// The zone decisions as pure functions: where reads go, when a write has its two copies, who leads
// after a failure, how far behind each zone reads, and which admin actions are refused.
import Testing

@testable import TridentReplication

struct ClusterStateTests {
    private func cluster(_ states: [ClusterState.ZoneState] = [.up, .up, .up], leader: Int = 0, lags: [Int] = [0, 0, 0]) -> ClusterState {
        var s = ClusterState(names: ["a", "b", "c"])
        s.leader = leader
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
        #expect(cluster([.up, .up, .down]).hasQuorum)
        var single = ClusterState(names: ["a"])
        #expect(single.hasQuorum)
        _ = single.apply(.stop, to: 0)
        #expect(!single.hasQuorum)
    }

    @Test func eventualReadsUseUpOrIsolatedZones() {
        let s = cluster([.down, .up, .isolated])
        var offered: [Int] = []
        _ = s.readZone(consistent: false) { n in
            offered.append(n)
            return n - 1
        }
        #expect(offered == [2])
        #expect(s.readZone(consistent: false) { n in n - 1 } == 2)
        #expect(s.readZone(consistent: false) { _ in 0 } == 1)
        #expect(cluster([.down, .down, .down]).readZone(consistent: false) { _ in 0 } == nil)
    }

    @Test func followersLagByTheirSettingButOneAlwaysKeepsUp() {
        #expect(cluster(lags: [0, 0, 250]).effectiveLag(2) == 250)
        #expect(cluster(lags: [0, 0, 250]).effectiveLag(1) == 0)
        // Both followers lag: the least lagging one still keeps up, so a write never waits for a lag.
        let both = cluster(lags: [100, 300, 200])
        #expect([both.effectiveLag(0), both.effectiveLag(1), both.effectiveLag(2)] == [0, 300, 0])
        #expect(both.longestLag == 300)
        // The only follower left never lags.
        #expect(cluster([.up, .up, .down], lags: [0, 500, 0]).effectiveLag(1) == 0)
        #expect(cluster().longestLag == 0)
    }

    @Test func indexPropagationLengthensHowOldSnapshotsAreKept() {
        // A lagging global index reads a snapshot its lag older than its zone's: both must be kept.
        var s = cluster(lags: [0, 0, 250])
        s.propagationLag = 400
        #expect(s.longestLag == 650)
    }

    @Test func stoppingTheLeaderHandsLeadershipToTheNextZoneUp() {
        var s = cluster()
        #expect(s.apply(.stop, to: 0) == nil)
        #expect(s.leader == 1 && s.term == 2)
        #expect(s.apply(.isolate, to: 1) == nil)
        #expect(s.leader == 2 && s.term == 3)
        #expect(s.apply(.start, to: 0) == nil)
        #expect(s.leader == 2)
        #expect(s.zones.map(\.state) == [.up, .isolated, .up])
    }

    @Test func withEveryZoneDownTheFirstBackLeads() {
        var s = cluster([.up, .down, .down])
        #expect(s.apply(.stop, to: 0) == nil)
        #expect(s.leader == nil)
        #expect(s.apply(.start, to: 2) == nil)
        #expect(s.leader == 2)
        #expect(!s.hasQuorum)
    }

    @Test func actionsThatDoNotFitTheZoneAreRefused() {
        var s = cluster([.up, .down, .isolated])
        #expect(s.apply(.start, to: 0) == "Zone a is not down")
        #expect(s.apply(.stop, to: 1) == "Zone b is down")
        #expect(s.apply(.isolate, to: 1) == "Zone b is down")
        #expect(s.apply(.isolate, to: 2) == "Zone c is already isolated")
        #expect(s.apply(.heal, to: 0) == "Zone a is not isolated")
        #expect(s == cluster([.up, .down, .isolated]))
    }
}
