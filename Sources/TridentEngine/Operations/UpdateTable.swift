import DynamoModel
import TridentStorage

/// UpdateTable: provisioned throughput and billing mode (PROVISIONED ↔ PAY_PER_REQUEST). The change
/// is in effect when the call returns — the capacity buckets take the new rates at once — so the
/// answer already reports ACTIVE. Secondary indexes and streams are not supported.
/// DynamoDB's limit of four decreases per UTC day is reported (NumberOfDecreasesToday) but not imposed.
enum UpdateTable {
    static let nothingToUpdate =
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try TableNames.validateControlPlane(try request.string("TableName"))
        let billingText = try request.string("BillingMode")
        let throughputFields = try request.structure("ProvisionedThroughput", type: "ProvisionedThroughput")
        let readUnits = try throughputFields?.integer("ReadCapacityUnits", javaType: "Long")
        let writeUnits = try throughputFields?.integer("WriteCapacityUnits", javaType: "Long")
        let indexUpdates = try request.list("GlobalSecondaryIndexUpdates")

        var violations = ConstraintViolations()
        if !TableNames.matchesPattern(name) { violations.add(Constraint.pattern(name, "tableName")) }
        violations.oneOf(billingText, "billingMode", ["PROVISIONED", "PAY_PER_REQUEST"])
        if throughputFields != nil { ThroughputRules.collect(read: readUnits, write: writeUnits, into: &violations) }
        try violations.check()
        if let indexUpdates, !indexUpdates.isEmpty {
            throw DynamoError.validation("Trident does not support secondary indexes yet: remove GlobalSecondaryIndexUpdates from UpdateTable")
        }
        if request.has("StreamSpecification") || request.has("SSESpecification") || request.has("ReplicaUpdates") {
            throw DynamoError.validation("Trident supports only ProvisionedThroughput and BillingMode in UpdateTable")
        }
        guard throughputFields != nil || billingText != nil else { throw DynamoError.validation(nothingToUpdate) }
        try ThroughputRules.checkBounds(read: readUnits, write: writeUnits)
        guard engine.tables.table(name) != nil else { throw DynamoError.tableNotFound(name) }

        let now = (engine.clock.now * 1000).rounded() / 1000
        let requestedBilling = billingText.flatMap(BillingMode.init(rawValue:))
        engine.write("UpdateTable", reply: reply) { draft in
            guard var table = try Catalog.table(draft.reader, name: name) else { throw DynamoError.tableNotFound(name) }
            let target = requestedBilling ?? table.billingMode
            if target == .payPerRequest {
                guard throughputFields == nil else {
                    throw DynamoError.invalidParameter(
                        "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
                }
                if table.billingMode != .payPerRequest {
                    table.billingMode = .payPerRequest
                    table.lastUpdateToPayPerRequestDateTime = now
                    table.throughput.readCapacityUnits = 0
                    table.throughput.writeCapacityUnits = 0
                }
            } else {
                guard let read = readUnits, let write = writeUnits else {
                    throw DynamoError.invalidParameter("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
                }
                let old = table.throughput
                if table.billingMode == .provisioned && old.readCapacityUnits == read && old.writeCapacityUnits == write {
                    throw DynamoError.validation(
                        "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: \(read). Requested ReadCapacityUnits: \(read). Current WriteCapacityUnits provisioned for the table: \(write). Requested WriteCapacityUnits: \(write). Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
                    )
                }
                if table.billingMode == .provisioned {
                    if read > old.readCapacityUnits || write > old.writeCapacityUnits { table.throughput.lastIncreaseDateTime = now }
                    if read < old.readCapacityUnits || write < old.writeCapacityUnits {
                        let sameDay = old.lastDecreaseDateTime.map { Int($0 / 86_400) == Int(now / 86_400) } ?? false
                        table.throughput.numberOfDecreasesToday = (sameDay ? old.numberOfDecreasesToday : 0) + 1
                        table.throughput.lastDecreaseDateTime = now
                    }
                }
                table.billingMode = .provisioned
                table.throughput.readCapacityUnits = read
                table.throughput.writeCapacityUnits = write
            }
            Catalog.save(table, &draft.changes)
            return (table, try Catalog.statistics(draft.reader, table: table.number))
        } respond: { (table, statistics) in
            engine.tables.store(table)
            engine.capacity.tableChanged(table)
            var w = JSONWriter()
            w.beginObject()
            w.key("TableDescription")
            w.tableDescription(table, statistics: statistics)
            w.endObject()
            return w.bytes
        }
    }
}
