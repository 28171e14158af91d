import Dispatch
import DynamoModel
import Foundation
import TridentEngine

/// The TTL sweep's cost with many live items and a few expiring: it walks the expiry index from
/// five years ago to now, so it should track the expired items, not the table size.
enum TTLSweepBenchmark {
    static func run(items: Int, expiring: Int) async throws {
        let directory = NSTemporaryDirectory() + "trident-bench-ttl-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = Clock(mode: .controlled)
        var configuration = EngineConfiguration(dataDirectory: directory, clock: clock)
        configuration.ttlInterval = 3600
        let engine = try Engine(configuration: configuration)
        defer { engine.shutdown() }

        try await call(
            engine, "CreateTable",
            #"{"TableName": "sessions", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}"#
        )
        try await call(
            engine, "UpdateTimeToLive", #"{"TableName": "sessions", "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": true}}"#)
        let now = Int(clock.now)
        let started = Date()
        try await load(engine, count: items) { i in
            let expires = i < expiring ? now + 10 : now + 86_400
            return
                #"{"TableName": "sessions", "Item": {"id": {"S": "s\#(i)"}, "data": {"S": "session payload \#(i)"}, "expires": {"N": "\#(expires)"}}}"#
        }
        print(String(format: "loaded %d items (%d expiring) in %.1f s", items, expiring, Date().timeIntervalSince(started)))

        let idle = await timedSweep(engine)
        _ = try clock.advance(by: 20)
        let busy = await timedSweep(engine)
        let after = await timedSweep(engine)
        print(String(format: "sweep, nothing expired:   %8.3f ms", idle * 1000))
        print(String(format: "sweep, %d expired:      %8.3f ms", expiring, busy * 1000))
        print(String(format: "sweep, after the deletes: %8.3f ms", after * 1000))
    }

    private static func timedSweep(_ engine: Engine) async -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in engine.sweepExpiredItems { c.resume() } }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Submits PutItems with a bounded number in flight, so the writer commits them in large groups.
    private static func load(_ engine: Engine, count: Int, body: @escaping @Sendable (Int) -> String) async throws {
        let window = 2000
        var next = 0
        while next < count {
            let end = min(count, next + window)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in next..<end {
                    group.addTask { try await call(engine, "PutItem", body(i)) }
                }
                try await group.waitForAll()
            }
            next = end
        }
    }

    struct Failed: Error {
        let error: DynamoError
    }

    private static func call(_ engine: Engine, _ operation: String, _ json: String) async throws {
        let result = await withCheckedContinuation { (c: CheckedContinuation<Result<[UInt8], DynamoError>, Never>) in
            engine.handle(target: "DynamoDB_20120810." + operation, body: Array(json.utf8)) { c.resume(returning: $0) }
        }
        if case let .failure(error) = result { throw Failed(error: error) }
    }
}
