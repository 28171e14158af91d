// Replication through a real engine on temporary zones: a single zone failing at any role loses
// no acknowledged write, a returning zone catches up from the log, and one that was away longer
// than the log reaches copies the leader's data — ending identical in every case.
import DynamoModel
import Foundation
import Synchronization
import Testing

@testable import TridentEngine

struct ReplicationTests {
    private func control(_ h: EngineHarness, _ action: Engine.ZoneAction, _ zone: String) throws {
        let done = DispatchSemaphore(value: 0)
        let problem = Mutex<String?>(nil)
        h.engine.controlZone(action, zone: zone) { p in
            problem.withLock { $0 = p }
            done.signal()
        }
        done.wait()
        if let p = problem.withLock({ $0 }) { Issue.record("\(action) \(zone): \(p)") }
    }

    /// Waits until all zones are up at one sequence, then returns their digests.
    private func settledDigests(_ h: EngineHarness) throws -> Set<String> {
        let deadline = Date().addingTimeInterval(10)
        while true {
            let status = try h.engine.zonesStatus(withDigests: true)
            if Set(status.zones.map(\.state)) == ["up"] && Set(status.zones.map(\.appliedSequence)).count == 1 {
                return Set(status.zones.compactMap(\.digest))
            }
            if Date() > deadline {
                Issue.record("zones did not settle: \(status.zones.map { "\($0.name) \($0.state) \($0.appliedSequence)" })")
                return []
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    private func put(_ h: EngineHarness, _ key: String) throws {
        try h.ok("PutItem", #"{"TableName": "rep", "Item": {"id": {"S": "\#(key)"}}}"#)
    }

    private func present(_ h: EngineHarness, _ key: String) throws -> Bool {
        try h.ok("GetItem", #"{"TableName": "rep", "Key": {"id": {"S": "\#(key)"}}, "ConsistentRead": true}"#)["Item"] != nil
    }

    @Test(arguments: ["us-east-1a", "us-east-1b", "us-east-1c"])
    func oneZoneFailingLosesNothing(zone: String) throws {
        let h = try EngineHarness()
        try h.createTable("rep")
        for i in 0..<20 { try put(h, "before\(i)") }
        try control(h, .stop, zone)
        for i in 0..<20 { try put(h, "during\(i)") }
        for i in 0..<20 {
            #expect(try present(h, "before\(i)"))
            #expect(try present(h, "during\(i)"))
        }
        try control(h, .start, zone)
        #expect(try settledDigests(h).count == 1)
    }

    @Test func aZoneAwayLongerThanTheLogCopiesTheLeader() throws {
        let h = try EngineHarness { c in
            c.replicationLogBacklog = 10
            c.logTrimInterval = 0.02
            c.checkpointInterval = 0.02
            c.journalSegmentBytes = 1024
        }
        try h.createTable("rep")
        try control(h, .stop, "us-east-1c")
        for i in 0..<60 { try put(h, "k\(i)") }
        Thread.sleep(forTimeInterval: 0.2)  // let the trimmer drop what zone c would need
        try control(h, .start, "us-east-1c")
        #expect(try settledDigests(h).count == 1)
        #expect(h.engine.zones.copiesMade.load(ordering: .relaxed) == 1)
        try control(h, .stop, "us-east-1a")
        try control(h, .stop, "us-east-1b")
        // Zone c alone now: its copy must hold everything for eventual reads.
        for i in 0..<60 {
            #expect(try h.ok("GetItem", #"{"TableName": "rep", "Key": {"id": {"S": "k\#(i)"}}}"#)["Item"] != nil)
        }
    }

    @Test func aStoppedLeaderComesBackAsAFollowerInStep() throws {
        let h = try EngineHarness()
        try h.createTable("rep")
        try control(h, .stop, "us-east-1a")
        #expect(try h.engine.zonesStatus().leader == "us-east-1b")
        for i in 0..<10 { try put(h, "k\(i)") }
        try control(h, .start, "us-east-1a")
        #expect(try settledDigests(h).count == 1)
        #expect(try h.engine.zonesStatus().leader == "us-east-1b")
    }
}
