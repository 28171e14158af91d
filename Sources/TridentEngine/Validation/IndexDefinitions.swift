import DynamoModel

/// One `AttributeName` with its `KeyType` (key schemas) or `AttributeType` (attribute definitions),
/// as sent: each may be missing or wrong until the constraints are checked.
struct NamedElement {
    var name: String?
    var type: String?

    static func list(_ list: [JSONValue]?, structType: String, typeKey: String) throws(DynamoError) -> [NamedElement]? {
        guard let list else { return nil }
        var out: [NamedElement] = []
        for value in list {
            let fields = try RequestFields.structure(value, type: structType, asListMember: true)
            out.append(NamedElement(name: try fields.string("AttributeName"), type: try fields.string(typeKey)))
        }
        return out
    }
}

extension ConstraintViolations {
    /// A key schema's shape: present, 1 to `maxElements` members, each named and HASH or RANGE.
    mutating func keySchema(_ keys: [NamedElement]?, path: String, maxElements: Int?) {
        guard let keys else { return add(Constraint.notNull(path)) }
        if keys.isEmpty { add(Constraint.minLength("[]", path, 1)) }
        if let maxElements, keys.count > maxElements {
            let rendered = keys.map { "KeySchemaElement(attributeName=\($0.name ?? "null"), keyType=\($0.type ?? "null"))" }
            add(Constraint.maxLength("[\(rendered.joined(separator: ", "))]", path, maxElements))
        }
        for (i, k) in keys.enumerated() {
            let at = "\(path).\(i + 1).member"
            attributeName(k.name, path: at + ".attributeName")
            notNull(k.type != nil, at + ".keyType")
            oneOf(k.type, at + ".keyType", ["HASH", "RANGE"])
        }
    }
}

/// One member of `GlobalSecondaryIndexes` / `LocalSecondaryIndexes` (or a GSI `Create`), as sent.
struct IndexRequest {
    let kind: SecondaryIndex.Kind
    let name: String?
    let keys: [NamedElement]?
    let hasProjection: Bool
    let projectionType: String?
    let nonKeyAttributes: [String]?
    let hasThroughput: Bool
    let read: Int?
    let write: Int?

    init(_ value: JSONValue, kind: SecondaryIndex.Kind, structType: String) throws(DynamoError) {
        let fields = try RequestFields.structure(value, type: structType, asListMember: true)
        self.kind = kind
        name = try fields.string("IndexName")
        keys = try NamedElement.list(try fields.list("KeySchema"), structType: "KeySchemaElement", typeKey: "KeyType")
        let projection = try fields.structure("Projection", type: "Projection")
        hasProjection = projection != nil
        projectionType = try projection?.string("ProjectionType")
        nonKeyAttributes = try projection?.stringList("NonKeyAttributes")
        let throughput = kind == .global ? try fields.structure("ProvisionedThroughput", type: "ProvisionedThroughput") : nil
        hasThroughput = throughput != nil
        read = try throughput?.integer("ReadCapacityUnits", javaType: "Long")
        write = try throughput?.integer("WriteCapacityUnits", javaType: "Long")
    }

    static func list(_ values: [JSONValue]?, kind: SecondaryIndex.Kind) throws(DynamoError) -> [IndexRequest]? {
        guard let values else { return nil }
        let type = kind == .global ? "GlobalSecondaryIndex" : "LocalSecondaryIndex"
        var out: [IndexRequest] = []
        for value in values { out.append(try IndexRequest(value, kind: kind, structType: type)) }
        return out
    }

    /// Shape constraints, under `path` (`globalSecondaryIndexes.1.member`).
    func addConstraints(path: String, to violations: inout ConstraintViolations) {
        if let name {
            violations.checkName(name, path: path + ".indexName", required: true)
        } else {
            violations.add(Constraint.notNull(path + ".indexName"))
        }
        // A global index's longer key schemas are refused by `resolve`, saying why.
        violations.keySchema(keys, path: path + ".keySchema", maxElements: kind == .local ? 2 : nil)
        if !hasProjection { violations.add(Constraint.notNull(path + ".projection")) }
        violations.oneOf(projectionType, path + ".projection.projectionType", ["ALL", "INCLUDE", "KEYS_ONLY"])
        if let nonKeyAttributes {
            let at = path + ".projection.nonKeyAttributes"
            if nonKeyAttributes.isEmpty { violations.add(Constraint.minLength("[]", at, 1)) }
            if nonKeyAttributes.count > 20 { violations.add(Constraint.maxLength("[\(nonKeyAttributes.joined(separator: ", "))]", at, 20)) }
            for (i, attribute) in nonKeyAttributes.enumerated() {
                violations.attributeName(attribute, path: "\(at).\(i + 1).member")
            }
        }
        if hasThroughput { ThroughputRules.collect(read: read, write: write, path: path + ".provisionedThroughput", into: &violations) }
    }

    /// The index, checked against the table (its keys, billing mode and attribute definitions);
    /// DynamoDB's messages, in its order.
    func resolve(definitions: [KeyElement], tableKeys: KeySchema, billing: BillingMode) throws(DynamoError) -> SecondaryIndex {
        let name = self.name ?? ""
        let keys = self.keys ?? []
        if keys.count > 2 {
            throw DynamoError.validation(
                "Trident does not support global secondary indexes with more than one HASH and one RANGE key attribute yet: index \(name)")
        }
        let types = keys.map { $0.type ?? "" }
        if types.first != "HASH" { throw DynamoError.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type") }
        if types.count == 2 && types[1] != "RANGE" {
            throw DynamoError.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
        }
        if keys.count == 2 && keys[0].name == keys[1].name {
            throw DynamoError.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
        }
        func element(_ key: NamedElement) throws(DynamoError) -> KeyElement {
            guard let defined = definitions.first(where: { $0.name == key.name }) else {
                throw DynamoError.invalidParameter(
                    "Some index key attributes are not defined in AttributeDefinitions. Keys: [\(keys.map { $0.name ?? "" }.joined(separator: ", "))], AttributeDefinitions: [\(definitions.map(\.name).joined(separator: ", "))]"
                )
            }
            return defined
        }
        let schema = KeySchema(partition: try element(keys[0]), sort: keys.count == 2 ? try element(keys[1]) : nil)
        if kind == .local {
            guard tableKeys.sort != nil else {
                throw DynamoError.invalidParameter(
                    "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
            }
            guard schema.partition.name == tableKeys.partition.name else {
                throw DynamoError.invalidParameter(
                    "Index KeySchema does not have the same leading hash key as table KeySchema for index: \(name). index hash key: \(schema.partition.name), table hash key: \(tableKeys.partition.name)"
                )
            }
            guard schema.sort != nil else {
                throw DynamoError.invalidParameter("Index KeySchema does not have a range key for index: \(name)")
            }
        }
        guard let projection = projectionType.flatMap(SecondaryIndex.ProjectionType.init(rawValue:)) else {
            throw DynamoError.invalidParameter("Unknown ProjectionType: null")
        }
        switch (projection, nonKeyAttributes) {
        case (.include, nil):
            throw DynamoError.invalidParameter("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
        case (.all, .some), (.keysOnly, .some):
            throw DynamoError.invalidParameter("ProjectionType is \(projection.rawValue), but NonKeyAttributes is specified")
        default:
            break
        }
        var projected = Set<String>()
        for attribute in nonKeyAttributes ?? [] where !projected.insert(attribute).inserted {
            throw DynamoError.invalidParameter("Duplicate element in NonKeyAttributes: \(attribute)")
        }
        var throughput = ProvisionedThroughput(readCapacityUnits: 0, writeCapacityUnits: 0)
        if kind == .global {
            switch billing {
            case .payPerRequest where hasThroughput:
                throw DynamoError.invalidParameter(
                    "ProvisionedThroughput should not be specified for index: \(name) when BillingMode is PAY_PER_REQUEST")
            case .provisioned:
                guard hasThroughput else { throw DynamoError.invalidParameter("ProvisionedThroughput is not specified for index: \(name)") }
                try ThroughputRules.checkBounds(read: read, write: write)
                throughput = ProvisionedThroughput(readCapacityUnits: read ?? 0, writeCapacityUnits: write ?? 0)
            default:
                break
            }
        }
        return SecondaryIndex(
            name: name, kind: kind, keySchema: schema, projectionType: projection, nonKeyAttributes: nonKeyAttributes ?? [],
            throughput: throughput)
    }
}

/// The rules over all of a table's indexes together, checked after each index's shape.
enum IndexRules {
    static let maxGlobalIndexes = 20
    static let maxLocalIndexes = 5
    static let maxProjectedAttributes = 100

    /// CreateTable's indexes, resolved, global ones first.
    static func create(
        global: [IndexRequest]?, local: [IndexRequest]?, definitions: [KeyElement], tableKeys: KeySchema, billing: BillingMode
    ) throws(DynamoError) -> [SecondaryIndex] {
        if let global, global.isEmpty { throw DynamoError.invalidParameter("List of GlobalSecondaryIndexes is empty") }
        if let local, local.isEmpty { throw DynamoError.invalidParameter("List of LocalSecondaryIndexes is empty") }
        let requests = (global ?? []) + (local ?? [])
        let used = Set(tableKeys.elements.map(\.name) + requests.flatMap { ($0.keys ?? []).compactMap(\.name) })
        if definitions.contains(where: { !used.contains($0.name) }) {
            throw DynamoError.invalidParameter(
                "Some AttributeDefinitions are not used. AttributeDefinitions: [\(definitions.map(\.name).sorted().joined(separator: ", "))], keys used: [\(used.sorted().joined(separator: ", "))]"
            )
        }
        if (global?.count ?? 0) > maxGlobalIndexes {
            throw DynamoError.invalidParameter("GlobalSecondaryIndex count exceeds the per-table limit of \(maxGlobalIndexes)")
        }
        if (local?.count ?? 0) > maxLocalIndexes {
            throw DynamoError.invalidParameter("Number of LocalSecondaryIndexes exceeds per-table limit of \(maxLocalIndexes)")
        }
        var indexes: [SecondaryIndex] = []
        for request in requests {
            let index = try request.resolve(definitions: definitions, tableKeys: tableKeys, billing: billing)
            if indexes.contains(where: { $0.name == index.name }) {
                throw DynamoError.invalidParameter("Duplicate index name: \(index.name)")
            }
            indexes.append(index)
        }
        try checkProjectedCount(indexes)
        return indexes
    }

    static func checkProjectedCount(_ indexes: [SecondaryIndex]) throws(DynamoError) {
        let projected = indexes.reduce(0) { $0 + $1.nonKeyAttributes.count }
        if projected > maxProjectedAttributes {
            throw DynamoError.invalidParameter(
                "The number of attributes in NonKeyAttributes summed across all indexes exceeds the limit of \(maxProjectedAttributes): \(projected)")
        }
    }

    /// `Attribute Name is duplicated: x` for an attribute defined twice.
    static func checkDistinct(_ definitions: [NamedElement]) throws(DynamoError) {
        var seen = Set<String>()
        for definition in definitions {
            guard let name = definition.name else { continue }
            if !seen.insert(name).inserted { throw DynamoError.validation("Attribute Name is duplicated: \(name)") }
        }
    }
}
