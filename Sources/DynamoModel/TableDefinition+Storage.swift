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
        KeyElement.writeStorageJSON(keySchema.elements, to: &w)
        w.key("attributes")
        KeyElement.writeStorageJSON(attributeDefinitions, to: &w)
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
        if !indexes.isEmpty {
            w.key("indexes")
            w.beginArray()
            for index in indexes { index.writeStorageJSON(to: &w) }
            w.endArray()
        }
        if !streams.isEmpty {
            w.key("streams")
            w.beginArray()
            for stream in streams {
                w.beginObject()
                w.key("number"); w.number(Int(stream.number))
                w.key("label"); w.string(stream.label)
                w.key("view"); w.string(stream.viewType.rawValue)
                w.key("created"); w.number(stream.created)
                w.key("shardSeconds"); w.number(stream.shardSeconds)
                if let disabled = stream.disabledAt { w.key("disabled"); w.number(disabled) }
                w.endObject()
            }
            w.endArray()
        }
        if !tags.isEmpty {
            w.key("tags")
            w.beginArray()
            for tag in tags {
                w.beginArray()
                w.string(tag.key)
                w.string(tag.value)
                w.endArray()
            }
            w.endArray()
        }
        if deletionProtection { w.key("deletionProtection"); w.bool(true) }
        if pointInTimeRecovery { w.key("pitr"); w.bool(true) }
        if let tableClass { w.key("tableClass"); w.string(tableClass) }
        if let tableClassUpdated { w.key("tableClassUpdated"); w.number(tableClassUpdated) }
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
        if case let .array(list) = o["indexes"] {
            indexes = try list.map { try SecondaryIndex(storageJSON: $0) }
        }
        if case let .array(list) = o["streams"] {
            streams = try list.map { value in
                guard case let .object(s) = value, case let .number(n)? = s["number"], case let .string(label)? = s["label"],
                    case let .string(view)? = s["view"], let viewType = StreamViewType(rawValue: view), case let .number(created)? = s["created"],
                    case let .number(shard)? = s["shardSeconds"]
                else { throw Varint.Corrupt("table definition: streams") }
                var disabled: Double?
                if case let .number(d)? = s["disabled"] { disabled = Double(d) }
                return TableStream(
                    number: UInt32(n) ?? 0, label: label, viewType: viewType, created: Double(created) ?? 0, shardSeconds: Double(shard) ?? 14_400,
                    disabledAt: disabled)
            }
        }
        if case let .array(list) = o["tags"] {
            tags = list.compactMap { value in
                guard case let .array(pair) = value, pair.count == 2, case let .string(k) = pair[0], case let .string(v) = pair[1] else { return nil }
                return TableTag(key: k, value: v)
            }
        }
        if case .bool(true)? = o["deletionProtection"] { deletionProtection = true }
        if case .bool(true)? = o["pitr"] { pointInTimeRecovery = true }
        if case let .string(c)? = o["tableClass"] { tableClass = c }
        tableClassUpdated = number("tableClassUpdated")
    }
}

extension SecondaryIndex {
    func writeStorageJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.key("name"); w.string(name)
        w.key("kind"); w.string(kind.rawValue)
        w.key("keys")
        KeyElement.writeStorageJSON(keySchema.elements, to: &w)
        w.key("projection"); w.string(projectionType.rawValue)
        if !nonKeyAttributes.isEmpty {
            w.key("include")
            w.beginArray()
            for attribute in nonKeyAttributes { w.string(attribute) }
            w.endArray()
        }
        w.key("read"); w.number(throughput.readCapacityUnits)
        w.key("write"); w.number(throughput.writeCapacityUnits)
        if let v = throughput.lastIncreaseDateTime { w.key("lastIncrease"); w.number(v) }
        if let v = throughput.lastDecreaseDateTime { w.key("lastDecrease"); w.number(v) }
        w.key("decreasesToday"); w.number(throughput.numberOfDecreasesToday)
        w.key("status"); w.string(status.rawValue)
        w.key("backfilling"); w.bool(backfilling)
        w.key("number"); w.number(Int(number))
        w.endObject()
    }

    init(storageJSON value: JSONValue) throws {
        guard case let .object(o) = value, case let .string(name) = o["name"], case let .string(kindText) = o["kind"],
            let kind = Kind(rawValue: kindText), case let .array(keyList) = o["keys"], case let .string(projectionText) = o["projection"],
            let projection = ProjectionType(rawValue: projectionText), case let .string(statusText) = o["status"],
            let status = Status(rawValue: statusText)
        else { throw Varint.Corrupt("index definition") }
        let keys = try keyList.map { element in
            guard case let .object(e) = element, case let .string(name) = e["name"], case let .string(t) = e["type"],
                let type = ScalarAttributeType(rawValue: t)
            else { throw Varint.Corrupt("index definition: keys") }
            return KeyElement(name: name, type: type)
        }
        guard let partition = keys.first else { throw Varint.Corrupt("index definition: keys") }
        func number(_ key: String) -> Double? {
            guard case let .number(n) = o[key] else { return nil }
            return Double(n)
        }
        var include: [String] = []
        if case let .array(names) = o["include"] {
            include = names.compactMap { if case let .string(s) = $0 { s } else { nil } }
        }
        var throughput = ProvisionedThroughput(readCapacityUnits: Int(number("read") ?? 0), writeCapacityUnits: Int(number("write") ?? 0))
        throughput.lastIncreaseDateTime = number("lastIncrease")
        throughput.lastDecreaseDateTime = number("lastDecrease")
        throughput.numberOfDecreasesToday = Int(number("decreasesToday") ?? 0)
        self.init(
            name: name, kind: kind, keySchema: KeySchema(partition: partition, sort: keys.count > 1 ? keys[1] : nil),
            projectionType: projection, nonKeyAttributes: include, throughput: throughput, status: status,
            backfilling: o["backfilling"] == .bool(true), number: UInt32(number("number") ?? 0))
    }
}

extension KeyElement {
    static func writeStorageJSON(_ elements: [KeyElement], to w: inout JSONWriter) {
        w.beginArray()
        for element in elements {
            w.beginObject()
            w.key("name"); w.string(element.name)
            w.key("type"); w.string(element.type.rawValue)
            w.endObject()
        }
        w.endArray()
    }
}
