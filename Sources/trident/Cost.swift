import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// `trident cost`: a running server's cost report (`GET /_trident/cost`) as a table, or as JSON.
struct Cost: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a running server's workload would cost on DynamoDB (its GET /_trident/cost).")

    @Option(help: "The server, http://HOST:PORT (the admin API answers this host only by default).")
    var endpoint = "http://127.0.0.1:8000"

    @Option(help: "Price region (default: the server's).")
    var region: String?

    @Option(help: "Start at this mark (POST /_trident/cost/mark) instead of the server's start.")
    var from: String?

    @Option(help: "End at this mark instead of now.")
    var to: String?

    @Flag(help: "Print the report's JSON as the server sends it.")
    var json = false

    func run() throws {
        var query = [("region", region), ("from", from), ("to", to)].compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: "&")
        if !query.isEmpty { query = "?" + query }
        let (status, body) = try PlainHTTP.get(endpoint: endpoint, path: "/_trident/cost" + query)
        guard status == 200 else { throw ValidationError("the server answered \(status): \(String(decoding: body, as: UTF8.self))") }
        if json {
            print(String(decoding: body, as: UTF8.self))
            return
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(body))
        print("Region \(report.region), list prices as of \(report.pricesAsOf), over \(Int(report.seconds)) s")
        print(Self.row("table", "operation", "read units", "write units", "on-demand USD"))
        for table in report.tables {
            for operation in table.operations {
                print(Self.row(table.table, operation.operation, Self.units(operation.readRequestUnits), Self.units(operation.writeRequestUnits), Self.usd(operation.onDemandUSD)))
            }
            if let provisioned = table.provisioned {
                print("  \(table.table): provisioned \(provisioned.readCapacityUnits) RCU / \(provisioned.writeCapacityUnits) WCU = \(Self.usd(provisioned.USDPerMonth)) per month")
            }
            if let cheapest = table.cheapestProvisioned {
                print("  \(table.table): the busiest second fits \(Int(cheapest.readCapacityUnits)) RCU / \(Int(cheapest.writeCapacityUnits)) WCU = \(Self.usd(cheapest.USDPerMonth)) per month")
            }
        }
        let total = report.total
        print(
            "Total on demand \(Self.usd(total.onDemandUSD)) (\(Self.usd(total.onDemandUSDPerMonthAtThisRate)) per month at this rate); provisioned \(Self.usd(total.provisionedUSDPerMonth)) per month; storage \(Self.usd(total.storageUSDPerMonth)) per month; stream reads \(Self.usd(total.streamsUSD))"
        )
    }

    static func row(_ cells: String...) -> String {
        zip(cells, [24, 22, 14, 14, 16]).map { cell, width in cell.count >= width ? cell + " " : cell + String(repeating: " ", count: width - cell.count) }.joined()
    }

    static func usd(_ value: Double) -> String {
        "$" + String(format: value >= 0.01 ? "%.2f" : "%.9f", value)
    }

    static func units(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    struct Report: Decodable {
        let region: String
        let pricesAsOf: String
        let seconds: Double
        let tables: [Table]
        let total: Total
    }

    struct Table: Decodable {
        let table: String
        let operations: [Operation]
        let provisioned: Provisioned?
        let cheapestProvisioned: Cheapest?
    }

    struct Operation: Decodable {
        let operation: String
        let readRequestUnits: Double
        let writeRequestUnits: Double
        let onDemandUSD: Double
    }

    struct Provisioned: Decodable {
        let readCapacityUnits: Int
        let writeCapacityUnits: Int
        let USDPerMonth: Double
    }

    struct Cheapest: Decodable {
        let readCapacityUnits: Double
        let writeCapacityUnits: Double
        let USDPerMonth: Double
    }

    struct Total: Decodable {
        let onDemandUSD: Double
        let onDemandUSDPerMonthAtThisRate: Double
        let provisionedUSDPerMonth: Double
        let storageUSDPerMonth: Double
        let streamsUSD: Double
    }
}

/// One HTTP/1.1 GET over a plain socket (the admin API speaks nothing else to this command).
enum PlainHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func get(endpoint: String, path: String) throws -> (status: Int, body: [UInt8]) {
        guard endpoint.hasPrefix("http://") else { throw Failure(description: "only http:// endpoints: \(endpoint)") }
        let authority = endpoint.dropFirst("http://".count).split(separator: "/").first.map(String.init) ?? ""
        let parts = authority.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw Failure(description: "expected http://HOST:PORT, got \(endpoint)") }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(String(parts[0]), String(port), &hints, &found) == 0, let address = found else {
            throw Failure(description: "cannot resolve \(parts[0])")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        guard connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            throw Failure(description: "cannot connect to \(authority): errno \(errno)")
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.count else { throw Failure(description: "write failed") }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        guard let split = response.indices.first(where: { response[$0...].starts(with: [13, 10, 13, 10]) }) else {
            throw Failure(description: "no HTTP response")
        }
        let head = String(decoding: response[..<split], as: UTF8.self)
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, Array(response[(split + 4)...]))
    }
}
