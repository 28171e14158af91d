import DynamoModel

/// DynamoDB's public list prices (Standard table class, USD) by region: what the cost report
/// multiplies Trident's metering by. `--prices FILE` replaces the table with a file of the same
/// shape. Free tiers are not subtracted.
struct Prices: Sendable {
    struct Region: Sendable {
        var writeRequestUnitsPerMillion: Double
        var readRequestUnitsPerMillion: Double
        var writeCapacityUnitHour: Double
        var readCapacityUnitHour: Double
        var storageGBMonth: Double
        /// Per 100,000 GetRecords calls; nil where no source gave it.
        var streamReadsPer100k: Double?
    }

    let asOf: String
    let source: String
    let regions: [String: Region]

    /// Read in December 2026 from the AWS Price List values public repositories quote (on-demand
    /// after the 1 November 2024 reduction); the us-east-1 streams price is the pricing page's
    /// long-standing figure, the others were not found.
    static let defaultJSON = #"""
        {"asOf": "2026-12-05", "source": "AWS Price List (AmazonDynamoDB offer files) as quoted by public repositories; see docs/architecture.md",
         "regions": {
          "us-east-1": {"writeRequestUnitsPerMillion": 0.625, "readRequestUnitsPerMillion": 0.125, "writeCapacityUnitHour": 0.00065,
                        "readCapacityUnitHour": 0.00013, "storageGBMonth": 0.25, "streamReadsPer100k": 0.02},
          "eu-west-1": {"writeRequestUnitsPerMillion": 0.705, "readRequestUnitsPerMillion": 0.1415, "writeCapacityUnitHour": 0.000735,
                        "readCapacityUnitHour": 0.000147, "storageGBMonth": 0.283},
          "ap-northeast-1": {"writeRequestUnitsPerMillion": 0.715, "readRequestUnitsPerMillion": 0.1425, "writeCapacityUnitHour": 0.000742,
                             "readCapacityUnitHour": 0.0001484, "storageGBMonth": 0.285}
         }}
        """#

    static let standard = try! Prices(json: Array(defaultJSON.utf8))

    init(json: [UInt8]) throws {
        guard case let .object(root) = try JSONReader.parse(json), case let .object(regions)? = root["regions"] else {
            throw PricesError(description: "a prices file is an object with \"regions\"")
        }
        func number(_ object: JSONObject, _ key: String) throws -> Double {
            guard case let .number(text)? = object[key], let value = Double(text) else {
                throw PricesError(description: "missing or not a number: \(key)")
            }
            return value
        }
        var parsed: [String: Region] = [:]
        for member in regions.members {
            guard case let .object(r) = member.value else { throw PricesError(description: "region \(member.key) is not an object") }
            var streams: Double?
            if case let .number(text)? = r["streamReadsPer100k"] { streams = Double(text) }
            parsed[member.key] = Region(
                writeRequestUnitsPerMillion: try number(r, "writeRequestUnitsPerMillion"),
                readRequestUnitsPerMillion: try number(r, "readRequestUnitsPerMillion"),
                writeCapacityUnitHour: try number(r, "writeCapacityUnitHour"), readCapacityUnitHour: try number(r, "readCapacityUnitHour"),
                storageGBMonth: try number(r, "storageGBMonth"), streamReadsPer100k: streams)
        }
        if case let .string(date)? = root["asOf"] { asOf = date } else { asOf = "unknown" }
        if case let .string(text)? = root["source"] { source = text } else { source = "" }
        self.regions = parsed
    }

    struct PricesError: Error, CustomStringConvertible {
        let description: String
    }
}
