import ArgumentParser
import DynamoModel
import FoundationEssentials
import TridentEngine

#if canImport(Glibc)
    import Glibc
#endif

/// `trident export`: a table of a running server as the data file of DynamoDB's export to S3 —
/// one `{"Item": {…}}` line per item in DynamoDB JSON — read with Scan, page by page.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a table of a running server in the line format of DynamoDB's export to S3 (DynamoDB JSON; gzip with --gzip).")

    @Argument(help: "The table to export.")
    var table: String

    @Option(help: "The server.")
    var endpoint = "http://127.0.0.1:8000"

    @Option(name: .shortAndLong, help: "The file to write (default: standard output).")
    var output: String?

    @Flag(help: "Compress with gzip, as the service's data/*.json.gz files are (default when --output ends in .gz).")
    var gzip = false

    func run() throws {
        var lines: [UInt8] = []
        var start: JSONValue?
        var count = 0
        repeat {
            var request = JSONObject([.init(key: "TableName", value: .string(table))])
            if let start { request.members.append(.init(key: "ExclusiveStartKey", value: start)) }
            var w = JSONWriter()
            w.value(.object(request))
            guard case let .object(page) = try JSONReader.parse(try PlainHTTP.call(endpoint: endpoint, operation: "Scan", w.bytes)) else {
                throw ValidationError("Scan answered something that is not a JSON object")
            }
            if case let .array(items)? = page["Items"] {
                for item in items {
                    var line = JSONWriter()
                    line.value(.object(JSONObject([.init(key: "Item", value: item)])))
                    lines += line.bytes
                    lines.append(UInt8(ascii: "\n"))
                }
                count += items.count
            }
            start = page["LastEvaluatedKey"]
            if output != nil { progress("exported \(count) items") }
        } while start != nil
        let bytes = gzip || (output?.hasSuffix(".gz") ?? false) ? try Gzip.compress(lines) : lines
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else { throw ValidationError("cannot write \(output)") }
            progress("exported \(count) items of \(table) to \(output)\n")
        } else {
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + written, $0.count - written) }
                guard n > 0 else { throw ExitCode(1) }
                written += n
            }
        }
    }
}

/// `trident import`: the data files of DynamoDB's export to S3 (DynamoDB JSON lines, gzip or
/// not; bare items too) into a table of a running server, in chunks through
/// `POST /_trident/tables/T/import`; `--partition-key` creates the table first when it is missing.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load DynamoDB JSON lines (an export to S3's data files, gzip or not) into a table of a running server.")

    @Argument(help: "Files to load: data/*.json.gz of an export, or any file of DynamoDB JSON lines.")
    var files: [String]

    @Option(help: "The table to load into.")
    var table: String

    @Option(help: "The server.")
    var endpoint = "http://127.0.0.1:8000"

    @Option(help: "Create the table (on demand) when it is missing, with this partition key: NAME:S, NAME:N or NAME:B.")
    var partitionKey: String?

    @Option(help: "The sort key of a table --partition-key creates: NAME:S, NAME:N or NAME:B.")
    var sortKey: String?

    @Option(help: "Lines per request.")
    var chunk = 10_000

    func validate() throws {
        if sortKey != nil && partitionKey == nil { throw ValidationError("--sort-key needs --partition-key") }
        if chunk < 1 { throw ValidationError("--chunk must be at least 1") }
    }

    func run() throws {
        if let partitionKey { try createIfMissing(partitionKey) }
        let started = Date()
        var total = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let raw = Array(data)
            let content = Gzip.isCompressed(raw) ? try Gzip.decompress(raw) : raw
            let lines = content.split(separator: UInt8(ascii: "\n"))
            var start = 0
            while start < lines.count {
                // At most `chunk` lines and 8 MB a request (the server takes bodies up to 16 MB).
                var body: [UInt8] = []
                var end = start
                while end < lines.count, end - start < chunk, end == start || body.count + lines[end].count < 8 << 20 {
                    body += lines[end]
                    body.append(UInt8(ascii: "\n"))
                    end += 1
                }
                let path = "/_trident/tables/\(table)/import"
                let (status, answer) = try PlainHTTP.request("POST", endpoint: endpoint, path: path, headers: ["Content-Type: application/json"], body: body)
                guard status == 200, case let .object(o) = try JSONReader.parse(answer), case let .number(n)? = o["imported"], let count = Int(n) else {
                    throw ValidationError("\(file), lines \(start + 1) on: HTTP \(status): \(String(decoding: answer, as: UTF8.self))")
                }
                total += count
                progress("imported \(total) items")
                start = end
            }
        }
        progress(String(format: "imported %d items into %@ in %.1f s\n", total, table, Date().timeIntervalSince(started)))
    }

    private func createIfMissing(_ partition: String) throws {
        var describe = JSONWriter()
        describe.value(.object(JSONObject([.init(key: "TableName", value: .string(table))])))
        if (try? PlainHTTP.call(endpoint: endpoint, operation: "DescribeTable", describe.bytes)) != nil { return }
        var definitions: [JSONValue] = [], schema: [JSONValue] = []
        for (spec, role) in [(partition, "HASH"), (sortKey, "RANGE")] {
            guard let spec else { continue }
            let parts = spec.split(separator: ":")
            guard parts.count == 2, ["S", "N", "B"].contains(parts[1]) else { throw ValidationError("a key is NAME:S, NAME:N or NAME:B, not \(spec)") }
            definitions.append(.object(JSONObject([.init(key: "AttributeName", value: .string(String(parts[0]))), .init(key: "AttributeType", value: .string(String(parts[1])))])))
            schema.append(.object(JSONObject([.init(key: "AttributeName", value: .string(String(parts[0]))), .init(key: "KeyType", value: .string(role))])))
        }
        var create = JSONWriter()
        create.value(
            .object(
                JSONObject([
                    .init(key: "TableName", value: .string(table)), .init(key: "AttributeDefinitions", value: .array(definitions)),
                    .init(key: "KeySchema", value: .array(schema)), .init(key: "BillingMode", value: .string("PAY_PER_REQUEST")),
                ])))
        _ = try PlainHTTP.call(endpoint: endpoint, operation: "CreateTable", create.bytes)
    }
}

/// A progress line on standard error, rewritten in place on a terminal.
func progress(_ text: String) {
    let line = Array(((isatty(2) != 0 ? "\r" : "") + text + (isatty(2) != 0 || text.hasSuffix("\n") ? "" : "\n")).utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
