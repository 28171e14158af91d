import DynamoModel
import TridentStorage

/// UpdateTable: provisioned throughput, billing mode (PROVISIONED ↔ PAY_PER_REQUEST) and global
/// secondary indexes. Throughput and billing changes are in effect when the call returns — the
/// capacity buckets take the new rates at once — so the answer reports ACTIVE; an index created or
/// deleted makes it UPDATING, and the index CREATING (backfilled in the background) or DELETING.
/// Streams are not supported. DynamoDB's limit of four decreases per UTC day is reported
/// (NumberOfDecreasesToday) but not imposed.
enum UpdateTable {
    static let nothingToUpdate =
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try TableNames.validateControlPlane(try request.string("TableName"))
        let billingText = try request.string("BillingMode")
        let throughputFields = try request.structure("ProvisionedThroughput", type: "ProvisionedThroughput")
        let readUnits = try throughputFields?.integer("ReadCapacityUnits", javaType: "Long")
        let writeUnits = try throughputFields?.integer("WriteCapacityUnits", javaType: "Long")
        let updateList = try request.list("GlobalSecondaryIndexUpdates")
        let definitionList = try NamedElement.list(
            try request.list("AttributeDefinitions"), structType: "AttributeDefinition", typeKey: "AttributeType")

        let deletionProtection = try request.bool("DeletionProtectionEnabled")
        let tableClass = try request.string("TableClass")
        var violations = ConstraintViolations()
        let stream = try StreamSettings.read(request, violations: &violations)
        if !TableNames.matchesPattern(name) { violations.add(Constraint.pattern(name, "tableName")) }
        violations.oneOf(billingText, "billingMode", ["PROVISIONED", "PAY_PER_REQUEST"])
        if throughputFields != nil { ThroughputRules.collect(read: readUnits, write: writeUnits, into: &violations) }
        for (i, d) in (definitionList ?? []).enumerated() {
            let path = "attributeDefinitions.\(i + 1).member"
            violations.attributeName(d.name, path: path + ".attributeName")
            violations.notNull(d.type != nil, path + ".attributeType")
            violations.oneOf(d.type, path + ".attributeType", ["B", "N", "S"])
        }
        let updates = try updateList.map { (list) throws(DynamoError) in try IndexUpdates(list, violations: &violations) }
        try violations.check()
        if request.has("SSESpecification") || request.has("ReplicaUpdates") {
            throw DynamoError.validation(
                "Trident does not support SSESpecification or ReplicaUpdates in UpdateTable (encryption and global tables are the service's)")
        }
        let changesTable = throughputFields != nil || billingText != nil
        let changesSettings = stream != nil || deletionProtection != nil || tableClass != nil
        if let updateList, updateList.isEmpty {
            throw changesTable || changesSettings
                ? DynamoError.invalidParameter("List of GlobalSecondaryIndexUpdates is empty") : DynamoError.validation(nothingToUpdate)
        }
        guard changesTable || changesSettings || updates != nil else { throw DynamoError.validation(nothingToUpdate) }
        try stream?.check(creating: false)
        try TableClasses.check(tableClass)
        try updates?.checkShape(alsoChangingThroughput: throughputFields != nil)
        try ThroughputRules.checkBounds(read: readUnits, write: writeUnits)
        guard engine.tables.table(name) != nil else { throw DynamoError.tableNotFound(name) }
        try engine.transient?.checkChangeable(name)

        let definitions = (definitionList ?? []).map {
            KeyElement(name: $0.name ?? "", type: ScalarAttributeType(rawValue: $0.type ?? "S") ?? .string)
        }
        let now = (engine.clock.now * 1000).rounded() / 1000
        let requestedBilling = billingText.flatMap(BillingMode.init(rawValue:))
        let shardSeconds = engine.configuration.streamShardSeconds
        engine.write("UpdateTable", reply: reply) { draft in
            guard var table = try Catalog.table(draft.reader, name: name) else { throw DynamoError.tableNotFound(name) }
            if changesTable {
                try changeThroughput(
                    &table, billing: requestedBilling, read: readUnits, write: writeUnits, hasThroughput: throughputFields != nil,
                    indexUpdates: updates, now: now)
            }
            if let stream {
                let number = stream.enabled ? try Catalog.allocateNumbers(1, draft.reader, &draft.changes)[0] : 0
                try changeStream(&table, to: stream, number: number, now: now, shardSeconds: shardSeconds)
            }
            if let deletionProtection { table.deletionProtection = deletionProtection }
            if let tableClass, tableClass != (table.tableClass ?? "STANDARD") {
                table.tableClass = tableClass
                table.tableClassUpdated = now
            }
            var created: SecondaryIndex?
            if let updates {
                let reader = draft.reader
                var changes = draft.changes
                created = try updates.apply(to: &table, definitions: definitions, number: { try Catalog.allocateNumbers(1, reader, &changes)[0] }, now: now)
                draft.changes = changes
            }
            Catalog.save(table, &draft.changes)
            return (table, try TableFigures.read(draft.reader, table), created)
        } respond: { (table, figures, created) in
            engine.tables.store(table)
            engine.capacity.tableChanged(table)
            if let created { engine.backfill(created, of: table) }
            if table.indexes.contains(where: { $0.status == .deleting }) { engine.dropDeletingIndexes(of: table) }
            let structural = updates?.actions.contains { if case .update = $0 { false } else { true } } ?? false
            engine.transient?.begin(.updating, table: table.name, creatingIndexes: Set([created?.name].compactMap { $0 }))
            var w = JSONWriter()
            w.beginObject()
            w.key("TableDescription")
            w.tableDescription(table, figures: figures, status: structural || engine.transient != nil ? "UPDATING" : "ACTIVE")
            w.endObject()
            return w.bytes
        }
    }

    /// The billing mode and the table's provisioned throughput, with DynamoDB's rules.
    private static func changeThroughput(
        _ table: inout TableDefinition, billing: BillingMode?, read: Int?, write: Int?, hasThroughput: Bool, indexUpdates: IndexUpdates?,
        now: Double
    ) throws {
        let target = billing ?? table.billingMode
        if target == .payPerRequest {
            guard !hasThroughput else {
                throw DynamoError.invalidParameter(
                    "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
            }
            if table.billingMode != .payPerRequest {
                table.billingMode = .payPerRequest
                table.lastUpdateToPayPerRequestDateTime = now
                table.throughput.readCapacityUnits = 0
                table.throughput.writeCapacityUnits = 0
                for i in table.indexes.indices where table.indexes[i].kind == .global {
                    table.indexes[i].throughput.readCapacityUnits = 0
                    table.indexes[i].throughput.writeCapacityUnits = 0
                }
            }
            return
        }
        guard let read, let write else {
            throw DynamoError.invalidParameter("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
        }
        let old = table.throughput
        if table.billingMode == .provisioned && old.readCapacityUnits == read && old.writeCapacityUnits == write {
            throw DynamoError.validation(
                "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: \(read). Requested ReadCapacityUnits: \(read). Current WriteCapacityUnits provisioned for the table: \(write). Requested WriteCapacityUnits: \(write). Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
            )
        }
        if table.billingMode == .payPerRequest {
            try (indexUpdates ?? IndexUpdates.none).checkProvisioning(table)
            table.throughput.readCapacityUnits = read
            table.throughput.writeCapacityUnits = write
        } else {
            table.throughput = ThroughputRules.changed(old, read: read, write: write, now: now)
        }
        table.billingMode = .provisioned
    }

    /// Enables a new stream (a new label) or disables the enabled one, which stays readable for
    /// its retention period.
    static func changeStream(_ table: inout TableDefinition, to settings: StreamSettings, number: UInt32, now: Double, shardSeconds: Double)
        throws(DynamoError)
    {
        if settings.enabled, let viewType = settings.viewType {
            if table.enabledStream != nil {
                throw DynamoError.validation("Table already has an enabled stream: TableName: \(table.name)")
            }
            table.streams.append(StreamSettings.newStream(viewType, number: number, now: now, shardSeconds: shardSeconds))
        } else {
            guard let i = table.streams.indices.last, table.streams[i].isEnabled else {
                throw DynamoError.validation("Table has no stream to disable: TableName: \(table.name)")
            }
            table.streams[i].disabledAt = now
        }
    }
}
