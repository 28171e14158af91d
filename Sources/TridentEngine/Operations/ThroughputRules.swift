import DynamoModel

/// The checks CreateTable and UpdateTable share on a `ProvisionedThroughput` structure, in the order
/// DynamoDB applies them: shape constraints first (collected with the request's others), the upper
/// bound only after the request is otherwise valid.
enum ThroughputRules {
    static let maxCapacityUnits = 1_000_000_000_000

    /// Each unit figure present and at least 1 (write first, as DynamoDB lists them).
    static func collect(read: Int?, write: Int?, path prefix: String = "provisionedThroughput", into violations: inout ConstraintViolations) {
        for (units, path) in [(write, "writeCapacityUnits"), (read, "readCapacityUnits")] {
            let full = prefix + "." + path
            if let units {
                if units < 1 { violations.add(Constraint.minValue(String(units), full, 1)) }
            } else {
                violations.add(Constraint.notNull(full))
            }
        }
    }

    static func checkBounds(read: Int?, write: Int?) throws(DynamoError) {
        for (units, name) in [(read, "ReadCapacityUnits"), (write, "WriteCapacityUnits")] {
            if let units, units > maxCapacityUnits {
                throw DynamoError.validation("Given value \(units) for \(name) is out of bounds")
            }
        }
    }

    /// A provisioned throughput after a change: the rates, and when they last rose or fell (with
    /// the decreases counted per UTC day).
    static func changed(_ old: ProvisionedThroughput, read: Int, write: Int, now: Double) -> ProvisionedThroughput {
        var new = old
        if read > old.readCapacityUnits || write > old.writeCapacityUnits { new.lastIncreaseDateTime = now }
        if read < old.readCapacityUnits || write < old.writeCapacityUnits {
            let sameDay = old.lastDecreaseDateTime.map { Int($0 / 86_400) == Int(now / 86_400) } ?? false
            new.numberOfDecreasesToday = (sameDay ? old.numberOfDecreasesToday : 0) + 1
            new.lastDecreaseDateTime = now
        }
        new.readCapacityUnits = read
        new.writeCapacityUnits = write
        return new
    }
}
