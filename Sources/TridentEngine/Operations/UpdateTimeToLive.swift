import DynamoModel
import TridentStorage

/// UpdateTimeToLive: enables TTL on an attribute (building the expiry index from the items already
/// stored) or disables it. The setting lives in the catalog and replicates like any table change.
/// DynamoDB's hour-long cooldown between changes is not imposed: tests change it freely.
enum UpdateTimeToLive {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try TableNames.validateControlPlane(try request.string("TableName"))
        let specification = try request.structure("TimeToLiveSpecification", type: "TimeToLiveSpecification")
        let enabled = try specification?.bool("Enabled")
        let attribute = try specification?.string("AttributeName")

        var violations = ConstraintViolations()
        if !TableNames.matchesPattern(name) { violations.add(Constraint.pattern(name, "tableName")) }
        if specification != nil {
            violations.notNull(enabled != nil, "timeToLiveSpecification.enabled")
            if let attribute {
                if attribute.isEmpty { violations.add(Constraint.minLength(attribute, "timeToLiveSpecification.attributeName", 1)) }
                if attribute.utf8.count > 255 { violations.add(Constraint.maxLength(attribute, "timeToLiveSpecification.attributeName", 255)) }
            } else {
                violations.add(Constraint.notNull("timeToLiveSpecification.attributeName"))
            }
        } else {
            violations.add(Constraint.notNull("timeToLiveSpecification"))
        }
        try violations.check()
        guard engine.tables.table(name) != nil, let enabled, let attribute else { throw DynamoError.tableNotFound(name) }
        try engine.transient?.checkChangeable(name)

        engine.write("UpdateTimeToLive", reply: reply) { draft in
            guard var table = try Catalog.table(draft.reader, name: name) else { throw DynamoError.tableNotFound(name) }
            let current = table.ttlAttribute
            if enabled {
                if current == attribute { throw DynamoError.validation("TimeToLive is already enabled") }
                if let current {
                    throw DynamoError.validation("TimeToLive is active on a different AttributeName: current AttributeName is \(current)")
                }
            } else {
                guard let current else { throw DynamoError.validation("TimeToLive is already disabled") }
                if current != attribute {
                    throw DynamoError.validation("TimeToLive is active on a different AttributeName: current AttributeName is \(current)")
                }
            }
            table.timeToLive = TimeToLiveSetting(attributeName: attribute, enabled: enabled)
            Catalog.save(table, &draft.changes)
            try ExpiryIndex.rebuild(table: table, attribute: enabled ? attribute : nil, reader: draft.reader, into: &draft.changes)
            return table
        } respond: { table in
            engine.tables.store(table)
            var w = JSONWriter()
            w.beginObject()
            w.key("TimeToLiveSpecification")
            w.beginObject()
            w.key("AttributeName"); w.string(attribute)
            w.key("Enabled"); w.bool(enabled)
            w.endObject()
            w.endObject()
            return w.bytes
        }
    }
}

/// DescribeTimeToLive: ENABLED with the attribute, or DISABLED (never configured looks the same).
enum DescribeTimeToLive {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try controlPlaneTableName(request)
        guard let table = engine.tables.table(name) else { throw DynamoError.tableNotFound(name) }
        var w = JSONWriter()
        w.beginObject()
        w.key("TimeToLiveDescription")
        w.beginObject()
        w.key("TimeToLiveStatus"); w.string(table.ttlAttribute == nil ? "DISABLED" : "ENABLED")
        if let attribute = table.ttlAttribute { w.key("AttributeName"); w.string(attribute) }
        w.endObject()
        w.endObject()
        reply(.success(w.bytes))
    }
}
