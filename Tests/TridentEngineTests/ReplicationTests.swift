// Zones through a real engine: a single zone failing at any role loses no acknowledged write, an
// isolated zone keeps serving what it had until it heals, a lagging zone reads the past and then
// catches up — ending identical in every case.
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

    private func eventual(_ h: EngineHarness, _ key: String) throws -> Bool {
        try h.ok("GetItem", #"{"TableName": "rep", "Key": {"id": {"S": "\#(key)"}}}"#)["Item"] != nil
    }

    @Test func anIsolatedZoneServesWhatItHadUntilItHeals() throws {
        let h = try EngineHarness()
        try h.createTable("rep")
        try put(h, "before")
        try control(h, .isolate, "us-east-1c")
        try put(h, "during")
        try control(h, .stop, "us-east-1a")
        try control(h, .stop, "us-east-1b")
        // Zone c alone now: it answers eventual reads from what it had when cut off.
        #expect(try eventual(h, "before"))
        #expect(try !eventual(h, "during"))
        #expect(h.error("PutItem", #"{"TableName": "rep", "Item": {"id": {"S": "x"}}}"#)?.code == "InternalServerError")
        try control(h, .start, "us-east-1a")
        try control(h, .start, "us-east-1b")
        try control(h, .heal, "us-east-1c")
        #expect(try settledDigests(h).count == 1)
        try control(h, .stop, "us-east-1a")
        try control(h, .stop, "us-east-1b")
        #expect(try eventual(h, "during"))
    }

    @Test func aLaggingZoneReadsThePastThenCatchesUp() throws {
        let h = try EngineHarness()
        try h.createTable("rep")
        #expect(h.engine.setZoneLag(milliseconds: 300, zone: "us-east-1c") == nil)
        try put(h, "k")
        // A third of eventual reads land on the lagging zone, where the write is younger than the lag.
        let seen = try (0..<60).map { _ in try eventual(h, "k") }
        #expect(seen.contains(false))
        #expect(try present(h, "k"))
        Thread.sleep(forTimeInterval: 0.35)
        #expect(try (0..<60).allSatisfy { _ in try eventual(h, "k") })
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
