import DynamoModel
import FoundationEssentials

/// Loads a seed file at start (`trident serve --seed FILE`): tables, their TTL setting and items.
///
///     {"tables": [{<CreateTable request>, "TimeToLiveSpecification": {…}, "Items": [{…}, …]}]}
///
/// Each table goes through the ordinary API (CreateTable, UpdateTimeToLive, PutItem), so a seed
/// file is validated like requests are. A table that already exists is left alone, items and
/// all: loading the same file at every start is harmless.
public enum Seed {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Summary: Sendable, Equatable {
        public var created: [String] = []
        public var skipped: [String] = []
    }

    public static func load(path: String, into engine: Engine) async throws -> Summary {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read seed file \(path)") }
        guard case let .object(root) = try JSONReader.parse(Array(data)), case let .array(tables)? = root["tables"] else {
            throw Failure(description: #"seed file \#(path): expected {"tables": [...]}"#)
        }
        var summary = Summary()
        for case let .object(table) in tables {
            let create = JSONObject(table.members.filter { $0.key != "Items" && $0.key != "TimeToLiveSpecification" })
            guard case let .string(name)? = table["TableName"] else { throw Failure(description: "seed file \(path): a table without TableName") }
            switch await call(engine, "CreateTable", .object(create)) {
            case .success:
                summary.created.append(name)
            case let .failure(error) where error.code == "ResourceInUseException":
                summary.skipped.append(name)
                continue
            case let .failure(error):
                throw Failure(description: "seed table \(name): \(error.code): \(error.message)")
            }
            if let ttl = table["TimeToLiveSpecification"] {
                let request = JSONObject([.init(key: "TableName", value: .string(name)), .init(key: "TimeToLiveSpecification", value: ttl)])
                if case let .failure(error) = await call(engine, "UpdateTimeToLive", .object(request)) {
                    throw Failure(description: "seed table \(name) TTL: \(error.code): \(error.message)")
                }
            }
            if case let .array(items)? = table["Items"] {
                for (i, item) in items.enumerated() {
                    let request = JSONObject([.init(key: "TableName", value: .string(name)), .init(key: "Item", value: item)])
                    if case let .failure(error) = await call(engine, "PutItem", .object(request)) {
                        throw Failure(description: "seed table \(name) item: \(error.code): \(error.message)")
                    }
                    // Progress for the terminal on large seed files.
                    if (i + 1) % 10_000 == 0 { engine.logger.info("seeding \(name): \(i + 1) of \(items.count) items") }
                }
                engine.logger.info("seeded \(name) with \(items.count) items")
            }
        }
        return summary
    }

    private static func call(_ engine: Engine, _ operation: String, _ body: JSONValue) async -> Result<[UInt8], DynamoError> {
        var w = JSONWriter()
        w.value(body)
        let bytes = w.bytes
        return await withCheckedContinuation { continuation in
            engine.handle(target: Engine.targetPrefix + operation, body: bytes) { continuation.resume(returning: $0) }
        }
    }
}
