import DynamoModel

/// The checks CreateTable and UpdateTable share on a `ProvisionedThroughput` structure, in the order
/// DynamoDB applies them: shape constraints first (collected with the request's others), the upper
/// bound only after the request is otherwise valid.
enum ThroughputRules {
    static let maxCapacityUnits = 1_000_000_000_000

    /// Each unit figure present and at least 1 (write first, as DynamoDB lists them).
    static func collect(read: Int?, write: Int?, into violations: inout ConstraintViolations) {
        for (units, path) in [(write, "writeCapacityUnits"), (read, "readCapacityUnits")] {
            let full = "provisionedThroughput." + path
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
}
