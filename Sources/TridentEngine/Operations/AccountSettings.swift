import DynamoModel
import TridentStorage

/// The account and table settings tools read on every run: DescribeLimits (the service's default
/// quotas), and point-in-time recovery kept as a table setting (Trident restores nothing).
enum AccountSettings {
    static func describeLimits(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        reply(
            .success(
                Array(
                    #"{"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,"TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000}"#
                        .utf8)))
    }

    static func describeContinuousBackups(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try TableNames.validateControlPlane(try request.string("TableName"))
        guard let table = engine.tables.table(name) else { throw DynamoError.tableNotFoundForBackups(name) }
        reply(.success(answer(table, now: engine.clock.now)))
    }

    static func updateContinuousBackups(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let name = try TableNames.validateControlPlane(try request.string("TableName"))
        let specification = try request.structure("PointInTimeRecoverySpecification", type: "PointInTimeRecoverySpecification")
        let enabled = try specification?.bool("PointInTimeRecoveryEnabled")
        var violations = ConstraintViolations()
        violations.notNull(specification != nil, "pointInTimeRecoverySpecification")
        if specification != nil { violations.notNull(enabled != nil, "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled") }
        try violations.check()
        if enabled == false, specification?.has("RecoveryPeriodInDays") == true {
            throw DynamoError.validation("Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.")
        }
        guard engine.tables.table(name) != nil else { throw DynamoError.tableNotFoundForBackups(name) }
        let now = engine.clock.now
        engine.write("UpdateContinuousBackups", reply: reply) { draft in
            guard var table = try Catalog.table(draft.reader, name: name) else { throw DynamoError.tableNotFoundForBackups(name) }
            table.pointInTimeRecovery = enabled!
            Catalog.save(table, &draft.changes)
            return table
        } respond: { table in
            engine.tables.store(table)
            return answer(table, now: now)
        }
    }

    private static func answer(_ table: TableDefinition, now: Double) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("ContinuousBackupsDescription")
        w.beginObject()
        w.key("ContinuousBackupsStatus"); w.string("ENABLED")
        w.key("PointInTimeRecoveryDescription")
        w.beginObject()
        w.key("PointInTimeRecoveryStatus"); w.string(table.pointInTimeRecovery ? "ENABLED" : "DISABLED")
        if table.pointInTimeRecovery {
            w.key("RecoveryPeriodInDays"); w.number(35)
            w.key("EarliestRestorableDateTime"); w.number(max(table.creationDateTime, now - 35 * 86_400).rounded(.down))
            w.key("LatestRestorableDateTime"); w.number((now - 300).rounded(.down))
        }
        w.endObject()
        w.endObject()
        w.endObject()
        return w.bytes
    }
}
