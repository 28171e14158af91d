import DynamoModel
import FoundationEssentials
import TridentStorage

/// CreateTable: the table is ACTIVE as soon as the call returns (DynamoDB takes seconds, and SDK
/// waiters poll every 20 s; apps that write right after creating must not fail here).
/// Its secondary indexes are ACTIVE with it (there is nothing to backfill), and so is its stream.
struct CreateTable {
    let name: String
    let keySchema: KeySchema
    let attributeDefinitions: [KeyElement]
    let billingMode: BillingMode
    let throughput: ProvisionedThroughput
    /// Numbered when the table is created.
    let indexes: [SecondaryIndex]
    let stream: StreamSettings?
    let tags: [TableTag]
    let deletionProtection: Bool
    let tableClass: String?

    init(_ request: RequestFields) throws(DynamoError) {
        let name = try TableNames.validateControlPlane(try request.string("TableName"))
        let definitionList = try request.list("AttributeDefinitions")
        let keyList = try request.list("KeySchema")
        let billingText = try request.string("BillingMode")
        let throughputFields = try request.structure("ProvisionedThroughput", type: "ProvisionedThroughput")
        let readUnits = try throughputFields?.integer("ReadCapacityUnits", javaType: "Long")
        let writeUnits = try throughputFields?.integer("WriteCapacityUnits", javaType: "Long")

        let definitions = try NamedElement.list(definitionList, structType: "AttributeDefinition", typeKey: "AttributeType")
        let keys = try NamedElement.list(keyList, structType: "KeySchemaElement", typeKey: "KeyType")
        let globalIndexes = try IndexRequest.list(try request.list("GlobalSecondaryIndexes"), kind: .global)
        let localIndexes = try IndexRequest.list(try request.list("LocalSecondaryIndexes"), kind: .local)
        let deletionProtection = try request.bool("DeletionProtectionEnabled")
        let tableClass = try request.string("TableClass")

        var violations = ConstraintViolations()
        let stream = try StreamSettings.read(request, violations: &violations)
        let tags = try TagRules.read(try request.list("Tags"))
        if let definitions {
            for (i, d) in definitions.enumerated() {
                let path = "attributeDefinitions.\(i + 1).member"
                violations.attributeName(d.name, path: path + ".attributeName")
                violations.notNull(d.type != nil, path + ".attributeType")
                violations.oneOf(d.type, path + ".attributeType", ["B", "N", "S"])
            }
        } else {
            violations.add(Constraint.notNull("attributeDefinitions"))
        }
        if !TableNames.matchesPattern(name) { violations.add(Constraint.pattern(name, "tableName")) }
        violations.oneOf(billingText, "billingMode", ["PROVISIONED", "PAY_PER_REQUEST"])
        if throughputFields != nil { ThroughputRules.collect(read: readUnits, write: writeUnits, into: &violations) }
        violations.keySchema(keys, path: "keySchema", maxElements: 2)
        for (i, index) in (globalIndexes ?? []).enumerated() { index.addConstraints(path: "globalSecondaryIndexes.\(i + 1).member", to: &violations) }
        for (i, index) in (localIndexes ?? []).enumerated() { index.addConstraints(path: "localSecondaryIndexes.\(i + 1).member", to: &violations) }
        try violations.check()

        let billing = BillingMode(rawValue: billingText ?? "PROVISIONED") ?? .provisioned
        if billing == .payPerRequest {
            guard throughputFields == nil else {
                throw DynamoError.invalidParameter(
                    "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
            }
        } else {
            guard let readUnits, let writeUnits else {
                throw DynamoError.invalidParameter(
                    "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
            }
            try ThroughputRules.checkBounds(read: readUnits, write: writeUnits)
        }

        let defs = definitions ?? []
        let keyNames = (keys ?? []).map { $0.name ?? "" }
        let definedNames = defs.map { $0.name ?? "" }
        if keyNames.count > defs.count {
            throw DynamoError.validation("Invalid KeySchema: Some index key attribute have no definition")
        }
        for keyName in keyNames where !definedNames.contains(keyName) {
            if keyNames.count == 1 {
                throw DynamoError.invalidParameter(
                    "Some index key attributes are not defined in AttributeDefinitions. Keys: [\(keyNames.joined(separator: ", "))], AttributeDefinitions: [\(definedNames.joined(separator: ", "))]"
                )
            }
            throw DynamoError.validation("Invalid KeySchema: Some index key attribute have no definition")
        }
        let keyTypes = (keys ?? []).map { $0.type ?? "" }
        if keyNames.count == 2 && keyNames[0] == keyNames[1] {
            throw DynamoError.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
        }
        if keyTypes.first != "HASH" {
            throw DynamoError.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
        }
        if keyTypes.count == 2 && keyTypes[1] != "RANGE" {
            throw DynamoError.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
        }
        try IndexRules.checkDistinct(defs)
        let hasIndexes = globalIndexes != nil || localIndexes != nil
        if !hasIndexes && defs.count != keyNames.count {
            throw DynamoError.invalidParameter(
                "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
        }
        if case let .object(o)? = request.value("SSESpecification"), o["Enabled"] == .bool(true) {
            throw DynamoError.validation("Trident does not support SSESpecification yet")
        }
        try TableClasses.check(tableClass)
        try stream?.check(creating: true)
        self.stream = stream
        self.tags = try TagRules.merge(tags ?? [], into: [])
        self.deletionProtection = deletionProtection ?? false
        self.tableClass = tableClass

        let elements = defs.map { KeyElement(name: $0.name ?? "", type: ScalarAttributeType(rawValue: $0.type ?? "S") ?? .string) }
        func element(_ name: String) -> KeyElement {
            elements.first { $0.name == name }!
        }
        let keySchema = KeySchema(partition: element(keyNames[0]), sort: keyNames.count == 2 ? element(keyNames[1]) : nil)
        self.indexes = try IndexRules.create(
            global: globalIndexes, local: localIndexes, definitions: elements, tableKeys: keySchema, billing: billing)
        self.name = name
        self.attributeDefinitions = elements
        self.keySchema = keySchema
        self.billingMode = billing
        self.throughput = ProvisionedThroughput(
            readCapacityUnits: billing == .payPerRequest ? 0 : readUnits ?? 0,
            writeCapacityUnits: billing == .payPerRequest ? 0 : writeUnits ?? 0)
    }

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let create = try CreateTable(request)
        let now = engine.clock.now
        let configuration = engine.configuration
        // A deleted table shown DELETING still holds its name.
        if engine.transient?.transition(create.name)?.status == .deleting { throw DynamoError.tableAlreadyExists(create.name) }
        engine.write("CreateTable", reply: reply) { draft in
            if try Catalog.definitionBytes(draft.reader, name: create.name) != nil {
                throw DynamoError.tableAlreadyExists(create.name)
            }
            let streamView = create.stream?.enabled == true ? create.stream?.viewType : nil
            let numbers = try Catalog.allocateNumbers(1 + create.indexes.count + (streamView == nil ? 0 : 1), draft.reader, &draft.changes)
            var table = TableDefinition(
                name: create.name, id: UUID().uuidString.lowercased(), number: numbers[0],
                arn: "arn:aws:dynamodb:\(configuration.region):\(configuration.accountID):table/\(create.name)",
                keySchema: create.keySchema, attributeDefinitions: create.attributeDefinitions,
                creationDateTime: (now * 1000).rounded() / 1000, billingMode: create.billingMode, throughput: create.throughput)
            if create.billingMode == .payPerRequest { table.lastUpdateToPayPerRequestDateTime = table.creationDateTime }
            for (var index, number) in zip(create.indexes, numbers.dropFirst()) {
                index.number = number
                table.indexes.append(index)
            }
            if let streamView {
                table.streams = [
                    StreamSettings.newStream(streamView, number: numbers.last!, now: table.creationDateTime, shardSeconds: configuration.streamShardSeconds)
                ]
            }
            table.tags = create.tags
            table.deletionProtection = create.deletionProtection
            if let tableClass = create.tableClass {
                table.tableClass = tableClass
                table.tableClassUpdated = table.creationDateTime
            }
            Catalog.save(table, &draft.changes)
            return table
        } respond: { table in
            engine.tables.store(table)
            engine.transient?.begin(.creating, table: table.name)
            var w = JSONWriter()
            w.beginObject()
            w.key("TableDescription")
            w.tableDescription(table, figures: TableFigures(), status: engine.transient == nil ? "ACTIVE" : "CREATING")
            w.endObject()
            return w.bytes
        }
    }
}

extension ConstraintViolations {
    /// Attribute names in key schemas and definitions: present, 1 to 255 characters.
    mutating func attributeName(_ name: String?, path: String) {
        guard let name else {
            add(Constraint.notNull(path))
            return
        }
        if name.isEmpty { add(Constraint.minLength(name, path, 1)) }
        if name.utf8.count > 255 { add(Constraint.maxLength(name, path, 255)) }
    }
}
