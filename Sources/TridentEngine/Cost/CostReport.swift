import DynamoModel

/// `GET /_trident/cost`: what the workload between two moments — the start (or last reset), a
/// mark, now — would have cost on DynamoDB in a region, from Trident's exact metering: on-demand
/// request units per table and operation (eventually consistent and transactional rules are
/// already in the units), the provisioned setting each table has and the cheapest one its busiest
/// second would not have throttled, storage per month, stream reads.
extension Engine {
    public struct CostProblem: Error, CustomStringConvertible {
        public let description: String
    }

    public func markCost(_ name: String) {
        capacity.ledger.mark(name)
    }

    public func resetCost() {
        capacity.ledger.reset()
    }

    /// `top`: list only the N tables costing most on demand (the totals still count every table).
    public func costReport(region requested: String?, from: String?, to: String?, top: Int? = nil) throws -> [UInt8] {
        let prices = configuration.prices
        let region = requested ?? configuration.region
        guard let price = prices.regions[region] else {
            throw CostProblem(description: "No prices for region \(region); known: \(prices.regions.keys.sorted().joined(separator: ", "))")
        }
        let ledger = capacity.ledger
        let (now, start, peaks) = ledger.snapshot()
        func snapshot(_ name: String?, otherwise: CostLedger.Snapshot) throws -> CostLedger.Snapshot {
            guard let name else { return otherwise }
            guard let mark = ledger.mark(named: name) else { throw CostProblem(description: "No mark named \(name)") }
            return mark
        }
        let begin = try snapshot(from, otherwise: start)
        let end = try snapshot(to, otherwise: now)
        let seconds = max(0, end.time - begin.time)
        var usage: [String: TableUsage] = [:]
        for table in (try? tableUsage()) ?? [] { usage[table.name] = table }
        let tables = Set(end.units.keys.map(\.table)).union(usage.keys).sorted()
        let keysByTable = Dictionary(grouping: end.units.keys, by: \.table)
        func money(_ value: Double) -> Double { (value * 1e9).rounded() / 1e9 }

        var w = JSONWriter()
        w.beginObject()
        w.key("region"); w.string(region)
        w.key("pricesAsOf"); w.string(prices.asOf)
        w.key("from"); w.number(begin.time)
        w.key("to"); w.number(end.time)
        w.key("seconds"); w.number(seconds)
        func operations(_ name: String) -> [(operation: String, read: Double, write: Double, cost: Double)] {
            (keysByTable[name] ?? []).sorted(by: { $0.operation < $1.operation }).compactMap { key in
                let units = end.units[key]!, before = begin.units[key] ?? CostLedger.Units()
                let read = units.read - before.read, write = units.write - before.write
                guard read > 0 || write > 0 else { return nil }
                let cost = read / 1e6 * price.readRequestUnitsPerMillion + write / 1e6 * price.writeRequestUnitsPerMillion
                return (key.operation.isEmpty ? "other" : key.operation, read, write, cost)
            }
        }
        func provisionedHourly(_ table: TableUsage) -> Double? {
            guard table.billingMode == "PROVISIONED" else { return nil }
            return Double(table.metering.readCapacityUnits) * price.readCapacityUnitHour
                + Double(table.metering.writeCapacityUnits) * price.writeCapacityUnitHour
        }
        func storage(_ table: TableUsage) -> Double { Double(table.sizeBytes) / 1e9 * price.storageGBMonth }
        func streamReads(_ name: String) -> Int { (end.streamReads[name] ?? 0) - (begin.streamReads[name] ?? 0) }
        func streamCost(_ name: String) -> Double? { price.streamReadsPer100k.map { Double(streamReads(name)) / 100_000 * $0 } }

        // Totals over every table first; then the JSON of the tables listed (all, or the top N).
        var totalOnDemand = 0.0, totalStorage = 0.0, totalStreams = 0.0, totalProvisionedMonth = 0.0
        var onDemand: [String: Double] = [:]
        var operationsOf: [String: [(operation: String, read: Double, write: Double, cost: Double)]] = [:]
        for name in tables {
            operationsOf[name] = operations(name)
            let cost = operationsOf[name]!.reduce(0) { $0 + $1.cost }
            onDemand[name] = cost
            totalOnDemand += cost
            if let table = usage[name] {
                totalProvisionedMonth += (provisionedHourly(table) ?? 0) * 730
                totalStorage += storage(table)
            }
            if streamReads(name) > 0 { totalStreams += streamCost(name) ?? 0 }
        }
        var listed = tables
        if let top {
            listed = Array(tables.sorted { (onDemand[$0]!, $1) > (onDemand[$1]!, $0) }.prefix(top))
        }
        w.key("tables")
        w.beginArray()
        for name in listed {
            w.beginObject()
            w.key("table"); w.string(name)
            w.key("operations")
            w.beginArray()
            for operation in operationsOf[name]! {
                w.beginObject()
                w.key("operation"); w.string(operation.operation)
                w.key("readRequestUnits"); w.number(operation.read)
                w.key("writeRequestUnits"); w.number(operation.write)
                w.key("onDemandUSD"); w.number(money(operation.cost))
                w.endObject()
            }
            w.endArray()
            w.key("onDemandUSD"); w.number(money(onDemand[name]!))
            if let table = usage[name] {
                if let hourly = provisionedHourly(table) {
                    w.key("provisioned")
                    w.beginObject()
                    w.key("readCapacityUnits"); w.number(table.metering.readCapacityUnits)
                    w.key("writeCapacityUnits"); w.number(table.metering.writeCapacityUnits)
                    w.key("USD"); w.number(money(hourly * seconds / 3600))
                    w.key("USDPerMonth"); w.number(money(hourly * 730))
                    w.endObject()
                }
                let peak = peaks[name]?.highest ?? CostLedger.Units()
                let read = max(1.0, peak.read.rounded(.up)), write = max(1.0, peak.write.rounded(.up))
                w.key("cheapestProvisioned")
                w.beginObject()
                w.key("readCapacityUnits"); w.number(read)
                w.key("writeCapacityUnits"); w.number(write)
                w.key("USDPerMonth"); w.number(money((read * price.readCapacityUnitHour + write * price.writeCapacityUnitHour) * 730))
                w.endObject()
                w.key("storageBytes"); w.number(table.sizeBytes)
                w.key("storageUSDPerMonth"); w.number(money(storage(table)))
            }
            if streamReads(name) > 0 {
                w.key("streamReadRequests"); w.number(streamReads(name))
                if let cost = streamCost(name) { w.key("streamsUSD"); w.number(money(cost)) }
            }
            w.endObject()
        }
        w.endArray()
        w.key("total")
        w.beginObject()
        w.key("onDemandUSD"); w.number(money(totalOnDemand))
        // What this period's on-demand rate would cost over a month (30 days).
        w.key("onDemandUSDPerMonthAtThisRate"); w.number(seconds > 0 ? money(totalOnDemand / seconds * 2_592_000) : 0)
        w.key("provisionedUSDPerMonth"); w.number(money(totalProvisionedMonth))
        w.key("storageUSDPerMonth"); w.number(money(totalStorage))
        w.key("streamsUSD"); w.number(money(totalStreams))
        w.endObject()
        w.endObject()
        return w.bytes
    }
}
