/// How the catalog stores a table definition: a small JSON document (written rarely, read at start).
/// Field names are frozen; new fields must be optional when read.
extension TableDefinition {
    public func storageJSON() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("name"); w.string(name)
        w.key("id"); w.string(id)
        w.key("number"); w.number(Int(number))
        w.key("arn"); w.string(arn)
        w.key("keys")
        w.beginArray()
        for element in keySchema.elements {
            w.beginObject()
            w.key("name"); w.string(element.name)
            w.key("type"); w.string(element.type.rawValue)
            w.endObject()
        }
        w.endArray()
        w.key("attributes")
        w.beginArray()
        for element in attributeDefinitions {
            w.beginObject()
            w.key("name"); w.string(element.name)
            w.key("type"); w.string(element.type.rawValue)
            w.endObject()
        }
        w.endArray()
        w.key("created"); w.number(creationDateTime)
        w.key("billing"); w.string(billingMode.rawValue)
        w.key("read"); w.number(throughput.readCapacityUnits)
        w.key("write"); w.number(throughput.writeCapacityUnits)
        if let v = throughput.lastIncreaseDateTime { w.key("lastIncrease"); w.number(v) }
        if let v = throughput.lastDecreaseDateTime { w.key("lastDecrease"); w.number(v) }
        w.key("decreasesToday"); w.number(throughput.numberOfDecreasesToday)
        if let v = lastUpdateToPayPerRequestDateTime { w.key("lastPayPerRequest"); w.number(v) }
        if let ttl = timeToLive {
            w.key("ttl")
            w.beginObject()
            w.key("attribute"); w.string(ttl.attributeName)
            w.key("enabled"); w.bool(ttl.enabled)
            w.endObject()
        }
        w.endObject()
        return w.bytes
    }

    public init(storageJSON bytes: [UInt8]) throws {
        guard case let .object(o) = try JSONReader.parse(bytes) else { throw Varint.Corrupt("table definition") }
        func string(_ key: String) throws -> String {
            guard case let .string(s) = o[key] else { throw Varint.Corrupt("table definition: \(key)") }
            return s
        }
        func number(_ key: String) -> Double? {
            guard case let .number(n) = o[key] else { return nil }
            return Double(n)
        }
        func elements(_ key: String) throws -> [KeyElement] {
            guard case let .array(a) = o[key] else { throw Varint.Corrupt("table definition: \(key)") }
            return try a.map { element in
                guard case let .object(e) = element, case let .string(name) = e["name"], case let .string(t) = e["type"],
                    let type = ScalarAttributeType(rawValue: t)
                else { throw Varint.Corrupt("table definition: \(key)") }
                return KeyElement(name: name, type: type)
            }
        }
        let keys = try elements("keys")
        guard let partition = keys.first, let billing = BillingMode(rawValue: try string("billing")) else {
            throw Varint.Corrupt("table definition")
        }
        var throughput = ProvisionedThroughput(readCapacityUnits: Int(number("read") ?? 0), writeCapacityUnits: Int(number("write") ?? 0))
        throughput.lastIncreaseDateTime = number("lastIncrease")
        throughput.lastDecreaseDateTime = number("lastDecrease")
        throughput.numberOfDecreasesToday = Int(number("decreasesToday") ?? 0)
        self.init(
            name: try string("name"), id: try string("id"), number: UInt32(number("number") ?? 0), arn: try string("arn"),
            keySchema: KeySchema(partition: partition, sort: keys.count > 1 ? keys[1] : nil),
            attributeDefinitions: try elements("attributes"), creationDateTime: number("created") ?? 0,
            billingMode: billing, throughput: throughput
        )
        lastUpdateToPayPerRequestDateTime = number("lastPayPerRequest")
        if case let .object(ttl) = o["ttl"], case let .string(attribute) = ttl["attribute"], case let .bool(enabled) = ttl["enabled"] {
            timeToLive = TimeToLiveSetting(attributeName: attribute, enabled: enabled)
        }
    }
}
