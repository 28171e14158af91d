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
