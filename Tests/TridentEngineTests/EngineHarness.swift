import DynamoModel
import Foundation
import Synchronization

@testable import TridentEngine

/// An engine over a temporary folder, called the way the server calls it.
final class EngineHarness {
    let engine: Engine
    let directory: String

    init(clock: Clock = Clock(mode: .controlled, start: 1_700_000_000), configure: (inout EngineConfiguration) -> Void = { _ in }) throws {
        directory = NSTemporaryDirectory() + "trident-engine-test-" + UUID().uuidString
        var configuration = EngineConfiguration(dataDirectory: directory, clock: clock)
        configuration.durability = .none
        configure(&configuration)
        engine = try Engine(configuration: configuration)
    }

    deinit {
        engine.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends one request and waits for its answer.
    func call(_ operation: String, _ json: String) -> Result<JSONValue, DynamoError> {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<[UInt8], DynamoError>?>(nil)
        engine.handle(target: "DynamoDB_20120810." + operation, body: Array(json.utf8)) { r in
            result.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }.map { try! JSONReader.parse($0) }
    }

    @discardableResult
    func ok(_ operation: String, _ json: String) throws -> JSONObject {
        switch call(operation, json) {
        case let .success(.object(o)): return o
        case let .success(other): throw HarnessError.notAnObject(other)
        case let .failure(error): throw error
        }
    }

    func error(_ operation: String, _ json: String) -> DynamoError? {
        if case let .failure(e) = call(operation, json) { return e }
        return nil
    }

    enum HarnessError: Error { case notAnObject(JSONValue) }

    func createTable(_ name: String, hash: String = "id", type: String = "S", range: (String, String)? = nil) throws {
        var defs = #"[{"AttributeName": "\#(hash)", "AttributeType": "\#(type)"}"#
        var keys = #"[{"AttributeName": "\#(hash)", "KeyType": "HASH"}"#
        if let range {
            defs += #", {"AttributeName": "\#(range.0)", "AttributeType": "\#(range.1)"}"#
            keys += #", {"AttributeName": "\#(range.0)", "KeyType": "RANGE"}"#
        }
        try ok(
            "CreateTable", #"{"TableName": "\#(name)", "AttributeDefinitions": \#(defs)], "KeySchema": \#(keys)], "BillingMode": "PAY_PER_REQUEST"}"#)
    }
}
