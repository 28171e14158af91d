import DynamoModel

/// UpdateTable's `GlobalSecondaryIndexUpdates`: at most one index created or deleted per call,
/// any number of throughput updates. A created index starts CREATING and is filled in the
/// background (`IndexBackfill`); a deleted one is DELETING until its entries are gone.
struct IndexUpdates {
    enum Action {
        case create(IndexRequest)
        case update(name: String, read: Int?, write: Int?, hasThroughput: Bool)
        case delete(name: String)

        var indexName: String {
            switch self {
            case let .create(request): request.name ?? ""
            case let .update(name, _, _, _), let .delete(name): name
            }
        }
    }

    let actions: [Action]

    static let none = IndexUpdates(actions: [])

    private init(actions: [Action]) {
        self.actions = actions
        unset = false
        several = false
    }

    /// Reads the list and its shape constraints (added to `violations`).
    init(_ list: [JSONValue], violations: inout ConstraintViolations) throws(DynamoError) {
        var actions: [Action] = []
        var unset = false, several = false
        for (i, value) in list.enumerated() {
            let fields = try RequestFields.structure(value, type: "GlobalSecondaryIndexUpdate", asListMember: true)
            let path = "globalSecondaryIndexUpdates.\(i + 1).member"
            let create = try fields.value("Create").map { (v) throws(DynamoError) in
                try IndexRequest(v, kind: .global, structType: "CreateGlobalSecondaryIndexAction")
            }
            let update = try fields.structure("Update", type: "UpdateGlobalSecondaryIndexAction")
            let delete = try fields.structure("Delete", type: "DeleteGlobalSecondaryIndexAction")
            let count = [create != nil, update != nil, delete != nil].filter { $0 }.count
            if count == 0 { unset = true }
            if count > 1 { several = true }
            if let create {
                create.addConstraints(path: path + ".create", to: &violations)
                actions.append(.create(create))
            }
            if let update {
                let name = try update.string("IndexName")
                Self.checkName(name, path: path + ".update.indexName", &violations)
                let throughput = try update.structure("ProvisionedThroughput", type: "ProvisionedThroughput")
                let read = try throughput?.integer("ReadCapacityUnits", javaType: "Long")
                let write = try throughput?.integer("WriteCapacityUnits", javaType: "Long")
                if throughput != nil {
                    ThroughputRules.collect(read: read, write: write, path: path + ".update.provisionedThroughput", into: &violations)
                }
                actions.append(.update(name: name ?? "", read: read, write: write, hasThroughput: throughput != nil))
            }
            if let delete {
                let name = try delete.string("IndexName")
                Self.checkName(name, path: path + ".delete.indexName", &violations)
                actions.append(.delete(name: name ?? ""))
            }
        }
        self.actions = actions
        self.unset = unset
        self.several = several
    }

    private let unset: Bool
    private let several: Bool

    private static func checkName(_ name: String?, path: String, _ violations: inout ConstraintViolations) {
        if let name { violations.checkName(name, path: path, required: true) } else { violations.add(Constraint.notNull(path)) }
    }

    /// The rules that need no table: one action per entry, one entry per index, one create or delete.
    func checkShape(alsoChangingThroughput: Bool) throws(DynamoError) {
        if unset {
            throw DynamoError.invalidParameter(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null")
        }
        if several {
            throw DynamoError.invalidParameter("Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object")
        }
        var seen = Set<String>()
        for action in actions where !seen.insert(action.indexName).inserted {
            throw DynamoError.invalidParameter(
                "Only one global secondary index update per index is allowed simultaneously. Index: \(action.indexName)")
        }
        let structural = actions.filter { if case .update = $0 { false } else { true } }
        if structural.count > 1 {
            throw DynamoError.limitExceeded("Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
        }
        if !structural.isEmpty && alsoChangingThroughput {
            throw DynamoError.invalidParameter("You cannot create or delete index while updating table IOPS")
        }
    }

    /// Applies the actions to `table` (already in its new billing mode); `definitions` are the
    /// request's AttributeDefinitions. New indexes get `number`. Returns the index created, if any.
    func apply(to table: inout TableDefinition, definitions: [KeyElement], number: () throws -> UInt32, now: Double) throws
        -> SecondaryIndex?
    {
        var created: SecondaryIndex?
        for action in actions {
            switch action {
            case let .create(request):
                created = try Self.create(request, in: &table, definitions: definitions, number: number())
            case let .update(name, read, write, hasThroughput):
                try Self.update(name, read: read, write: write, hasThroughput: hasThroughput, in: &table, now: now)
            case let .delete(name):
                guard let i = table.indexes.firstIndex(where: { $0.name == name }) else { throw Self.missing(name, table) }
                guard table.indexes[i].kind == .global else {
                    throw DynamoError.validation("Cannot delete an index that is not a GlobalSecondaryIndex: \(name)")
                }
                if table.indexes.contains(where: { $0.status != .active }) { throw Self.busy }
                table.indexes[i].status = .deleting
            }
        }
        return created
    }

    private static let busy = DynamoError.limitExceeded(
        "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")

    private static func missing(_ name: String, _ table: TableDefinition) -> DynamoError {
        DynamoError.indexNotFound(name, table: table.name)
    }

    private static func create(_ request: IndexRequest, in table: inout TableDefinition, definitions: [KeyElement], number: UInt32) throws
        -> SecondaryIndex
    {
        let name = request.name ?? ""
        if table.index(named: name) != nil { throw DynamoError.validation("Attempting to create an index which already exists") }
        if table.indexes.contains(where: { $0.status != .active }) { throw busy }
        if table.indexes.filter({ $0.kind == .global }).count >= IndexRules.maxGlobalIndexes {
            throw DynamoError.limitExceeded(
                "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of \(IndexRules.maxGlobalIndexes)")
        }
        let keyNames = (request.keys ?? []).compactMap(\.name)
        guard keyNames.allSatisfy({ name in definitions.contains { $0.name == name } }) else {
            throw DynamoError.invalidParameter("AttributeDefinitions is not specified for index: \(name)")
        }
        for key in keyNames {
            let requested = definitions.first { $0.name == key }!
            if let existing = table.attributeDefinitions.first(where: { $0.name == key }), existing.type != requested.type {
                throw DynamoError.invalidParameter(
                    "Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. Existing schema: Schema:[SchemaElement: key{\(key):\(existing.type.rawValue)}] New schema: Schema:[SchemaElement: key{\(key):\(requested.type.rawValue)}]"
                )
            }
        }
        if table.billingMode == .provisioned && !request.hasThroughput {
            throw DynamoError.invalidParameter("Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: \(name)")
        }
        var index = try request.resolve(definitions: definitions, tableKeys: table.keySchema, billing: table.billingMode)
        index.number = number
        index.status = .creating
        try IndexRules.checkProjectedCount(table.indexes + [index])
        for key in index.keySchema.elements where !table.attributeDefinitions.contains(where: { $0.name == key.name }) {
            table.attributeDefinitions.append(key)
        }
        // Global indexes are listed before local ones.
        let at = table.indexes.lastIndex { $0.kind == .global }.map { $0 + 1 } ?? 0
        table.indexes.insert(index, at: at)
        return index
    }

    private static func update(_ name: String, read: Int?, write: Int?, hasThroughput: Bool, in table: inout TableDefinition, now: Double)
        throws
    {
        guard let i = table.indexes.firstIndex(where: { $0.name == name }) else { throw missing(name, table) }
        guard table.indexes[i].kind == .global else {
            throw DynamoError.validation("Cannot update an index that is not a GlobalSecondaryIndex: \(name)")
        }
        guard table.billingMode == .provisioned else {
            throw DynamoError.invalidParameter(
                "The only Updates for index: \(name) when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput")
        }
        guard hasThroughput, let read, let write else {
            throw DynamoError.invalidParameter("ProvisionedThroughput must be specified for index: \(name)")
        }
        try ThroughputRules.checkBounds(read: read, write: write)
        let old = table.indexes[i].throughput
        if old.readCapacityUnits == read && old.writeCapacityUnits == write {
            throw DynamoError.validation(
                "The provisioned throughput for the index \(name) will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for index \(name): \(read). Requested ReadCapacityUnits: \(read). Current WriteCapacityUnits provisioned for index \(name): \(write). Requested WriteCapacityUnits: \(write). Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
            )
        }
        table.indexes[i].throughput = ThroughputRules.changed(old, read: read, write: write, now: now)
    }

    /// Switching a table with global indexes to PROVISIONED needs a throughput for each.
    func checkProvisioning(_ table: TableDefinition) throws(DynamoError) {
        for index in table.indexes where index.kind == .global && index.status != .deleting {
            let given = actions.contains {
                if case let .update(name, _, _, has) = $0 { return name == index.name && has }
                return false
            }
            if !given { throw DynamoError.invalidParameter("ProvisionedThroughput must be specified for index: \(index.name)") }
        }
    }
}
