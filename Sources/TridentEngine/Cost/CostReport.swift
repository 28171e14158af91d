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

    public func costReport(region requested: String?, from: String?, to: String?) throws -> [UInt8] {
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
        func money(_ value: Double) -> Double { (value * 1e9).rounded() / 1e9 }

        var w = JSONWriter()
        w.beginObject()
        w.key("region"); w.string(region)
        w.key("pricesAsOf"); w.string(prices.asOf)
        w.key("from"); w.number(begin.time)
        w.key("to"); w.number(end.time)
        w.key("seconds"); w.number(seconds)
        var totalOnDemand = 0.0, totalStorage = 0.0, totalStreams = 0.0, totalProvisionedMonth = 0.0
        w.key("tables")
        w.beginArray()
        for name in tables {
            w.beginObject()
            w.key("table"); w.string(name)
            w.key("operations")
            w.beginArray()
            var tableOnDemand = 0.0
            for key in end.units.keys.filter({ $0.table == name }).sorted(by: { $0.operation < $1.operation }) {
                let units = end.units[key]!, before = begin.units[key] ?? CostLedger.Units()
                let read = units.read - before.read, write = units.write - before.write
                guard read > 0 || write > 0 else { continue }
                let cost = read / 1e6 * price.readRequestUnitsPerMillion + write / 1e6 * price.writeRequestUnitsPerMillion
                tableOnDemand += cost
                w.beginObject()
                w.key("operation"); w.string(key.operation.isEmpty ? "other" : key.operation)
                w.key("readRequestUnits"); w.number(read)
                w.key("writeRequestUnits"); w.number(write)
                w.key("onDemandUSD"); w.number(money(cost))
                w.endObject()
            }
            w.endArray()
            w.key("onDemandUSD"); w.number(money(tableOnDemand))
            totalOnDemand += tableOnDemand
            if let table = usage[name] {
                if table.billingMode == "PROVISIONED" {
                    let hourly = Double(table.metering.readCapacityUnits) * price.readCapacityUnitHour
                        + Double(table.metering.writeCapacityUnits) * price.writeCapacityUnitHour
                    w.key("provisioned")
                    w.beginObject()
                    w.key("readCapacityUnits"); w.number(table.metering.readCapacityUnits)
                    w.key("writeCapacityUnits"); w.number(table.metering.writeCapacityUnits)
                    w.key("USD"); w.number(money(hourly * seconds / 3600))
                    w.key("USDPerMonth"); w.number(money(hourly * 730))
                    w.endObject()
                    totalProvisionedMonth += hourly * 730
                }
                let peak = peaks[name]?.highest ?? CostLedger.Units()
                let read = max(1.0, peak.read.rounded(.up)), write = max(1.0, peak.write.rounded(.up))
                w.key("cheapestProvisioned")
                w.beginObject()
                w.key("readCapacityUnits"); w.number(read)
                w.key("writeCapacityUnits"); w.number(write)
                w.key("USDPerMonth"); w.number(money((read * price.readCapacityUnitHour + write * price.writeCapacityUnitHour) * 730))
                w.endObject()
                let storage = Double(table.sizeBytes) / 1e9 * price.storageGBMonth
                totalStorage += storage
                w.key("storageBytes"); w.number(table.sizeBytes)
                w.key("storageUSDPerMonth"); w.number(money(storage))
            }
            let streamReads = (end.streamReads[name] ?? 0) - (begin.streamReads[name] ?? 0)
            if streamReads > 0 {
                w.key("streamReadRequests"); w.number(streamReads)
                if let rate = price.streamReadsPer100k {
                    let cost = Double(streamReads) / 100_000 * rate
                    totalStreams += cost
                    w.key("streamsUSD"); w.number(money(cost))
                }
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
