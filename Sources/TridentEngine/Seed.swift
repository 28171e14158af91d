import DynamoModel
import FoundationEssentials

/// Loads a seed file at start (`trident serve --seed FILE`): tables, their TTL setting and items.
///
///     {"tables": [{<CreateTable request>, "TimeToLiveSpecification": {…}, "Items": [{…}, …],
///                  "ImportFrom": "export/data/abc.json.gz"}]}
///
/// Tables and TTL go through the ordinary API (CreateTable, UpdateTimeToLive) and items through
/// the bulk import (`Engine.importItems`, validated like PutItem's), so a seed file is checked like
/// requests are. `ImportFrom` names a data file of DynamoDB's export to S3 (relative to the seed file). A table that already exists is left alone, items and
/// all: loading the same file at every start is harmless.
public enum Seed {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Summary: Sendable, Equatable {
        public var created: [String] = []
        public var skipped: [String] = []
    }

    /// Items per write transaction.
    static let importChunk = 10_000

    public static func load(path: String, into engine: Engine) async throws -> Summary {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read seed file \(path)") }
        guard case let .object(root) = try JSONReader.parse(Array(data)), case let .array(tables)? = root["tables"] else {
            throw Failure(description: #"seed file \#(path): expected {"tables": [...]}"#)
        }
        var summary = Summary()
        for case let .object(table) in tables {
            let create = JSONObject(table.members.filter { !["Items", "ImportFrom", "TimeToLiveSpecification"].contains($0.key) })
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
            var lines: [[UInt8]] = []
            if case let .array(items)? = table["Items"] {
                lines = items.map { item in
                    var w = JSONWriter()
                    w.value(item)
                    return w.bytes
                }
            }
            if case let .string(file)? = table["ImportFrom"] {
                // A data file of DynamoDB's export to S3 (DynamoDB JSON lines, gzip or not), relative to the seed file.
                let full = file.hasPrefix("/") ? file : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file).path
                guard let data = FileManager.default.contents(atPath: full) else { throw Failure(description: "seed table \(name): cannot read \(full)") }
                let bytes = Array(data)
                lines += try (Gzip.isCompressed(bytes) ? Gzip.decompress(bytes) : bytes).split(separator: UInt8(ascii: "\n")).map(Array.init)
            }
            var loaded = 0
            for start in stride(from: 0, to: lines.count, by: importChunk) {
                var body: [UInt8] = []
                for line in lines[start..<min(lines.count, start + importChunk)] { body += line + [UInt8(ascii: "\n")] }
                let result = await withCheckedContinuation { continuation in
                    engine.importItems(table: name, lines: body) { continuation.resume(returning: $0) }
                }
                switch result {
                case let .success(count): loaded += count
                case let .failure(problem): throw Failure(description: "seed table \(name), item \(start + 1) on: \(problem)")
                }
                // Progress for the terminal on large seed files.
                if lines.count > importChunk { engine.logger.info("seeding \(name): \(loaded) of \(lines.count) items") }
            }
            if !lines.isEmpty { engine.logger.info("seeded \(name) with \(loaded) items") }
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
