import Dispatch
import DynamoModel
import Foundation
import Synchronization
import TridentEngine

/// The engine alone, without HTTP: how long each operation of the bench workloads takes on one
/// thread, from request bytes to response bytes. The network benchmark (`make bench`) measures the
/// server; this one separates the engine's share of it, and is steady enough to compare changes.
enum EngineBenchmark {
    static func run(items: Int, operations: Int, zones: Int, durable: Bool) async throws {
        let directory = NSTemporaryDirectory() + "trident-bench-engine-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = EngineConfiguration(dataDirectory: directory)
        configuration.zoneCount = zones
        configuration.durability = durable ? .journal : .none
        let engine = try Engine(configuration: configuration)
        defer { engine.shutdown() }
        _ = call(
            engine, "CreateTable",
            #"{"TableName":"bench","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"#
                + #""KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}"#)
        let data = String(repeating: "x", count: 900)
        let expires = Int(Date().timeIntervalSince1970) + 86_400
        let put = { (i: Int) in #"{"TableName":"bench","Item":{"id":{"S":"k\#(i)"},"data":{"S":"\#(data)"},"expires":{"N":"\#(expires)"}}}"# }
        concurrently(engine, "PutItem", count: items, inFlight: 64, put)
        var rng = SystemRandomNumberGenerator()
        let keys = (0..<operations).map { _ in Int.random(in: 0..<items, using: &rng) }
        let workloads: [(String, String, (Int) -> String)] = [
            ("getitem", "GetItem", { #"{"TableName":"bench","Key":{"id":{"S":"k\#($0)"}},"ConsistentRead":true}"# }),
            ("getitem-eventual", "GetItem", { #"{"TableName":"bench","Key":{"id":{"S":"k\#($0)"}},"ConsistentRead":false}"# }),
            ("putitem", "PutItem", put),
            (
                "updateitem", "UpdateItem",
                {
                    ##"{"TableName":"bench","Key":{"id":{"S":"k\##($0)"}},"UpdateExpression":"SET #d = :d, expires = :e","##
                        + ##""ExpressionAttributeNames":{"#d":"data"},"ExpressionAttributeValues":{":d":{"S":"\##(data)"},":e":{"N":"\##(expires)"}}}"##
                }
            ),
        ]
        print("operation          ns/op (one at a time)   ops/s with 16 in flight")
        let only = ProcessInfo.processInfo.environment["BENCH_ENGINE_ONLY"]
        for (name, operation, body) in workloads where only == nil || only == name {
            let bodies = keys.map { Array(body($0).utf8) }
            let start = DispatchTime.now().uptimeNanoseconds
            for b in bodies { _ = call(engine, operation, b) }
            let sequential = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(bodies.count)
            let t0 = DispatchTime.now().uptimeNanoseconds
            concurrently(engine, operation, count: bodies.count, inFlight: 16) { bodies[$0] }
            let rate = Double(bodies.count) / (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            print(name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: " %12.0f %26.0f", sequential, rate))
        }
    }

    @discardableResult
    private static func call(_ engine: Engine, _ operation: String, _ body: [UInt8]) -> Result<[UInt8], DynamoError> {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Result<[UInt8], DynamoError>?>(nil)
        engine.handle(target: "DynamoDB_20120810." + operation, body: body) { result in
            box.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        let result = box.withLock { $0! }
        if case let .failure(error) = result { fatalError("\(operation) failed: \(error.message)") }
        return result
    }

    private static func call(_ engine: Engine, _ operation: String, _ json: String) -> Result<[UInt8], DynamoError> {
        call(engine, operation, Array(json.utf8))
    }

    /// `count` requests with at most `inFlight` outstanding, as many connections would send them.
    private static func concurrently(_ engine: Engine, _ operation: String, count: Int, inFlight: Int, _ body: @escaping (Int) -> String) {
        concurrently(engine, operation, count: count, inFlight: inFlight) { Array(body($0).utf8) }
    }

    private static func concurrently(_ engine: Engine, _ operation: String, count: Int, inFlight: Int, _ body: (Int) -> [UInt8]) {
        let slots = DispatchSemaphore(value: inFlight)
        let finished = DispatchGroup()
        for i in 0..<count {
            slots.wait()
            finished.enter()
            engine.handle(target: "DynamoDB_20120810." + operation, body: body(i)) { result in
                if case let .failure(error) = result { fatalError("\(operation) failed: \(error.message)") }
                slots.signal()
                finished.leave()
            }
        }
        finished.wait()
    }
}
