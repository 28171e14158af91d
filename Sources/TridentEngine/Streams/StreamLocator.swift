import DynamoModel

/// A stream found by its ARN (`<table ARN>/stream/<label>`): the table that has it, and it.
struct LocatedStream {
    let table: TableDefinition
    let stream: TableStream

    var arn: String { table.streamArn(stream) }
}

extension Engine {
    /// The stream an ARN names, if its table still has it within the retention period.
    func stream(arn: String) throws(DynamoError) -> LocatedStream {
        guard let range = arn.range(of: "/stream/"), let slash = arn[..<range.lowerBound].range(of: ":table/") else {
            throw DynamoError.validation("Invalid StreamArn")
        }
        let tableName = String(arn[slash.upperBound..<range.lowerBound])
        let label = String(arn[range.upperBound...])
        guard let table = tables.table(tableName), arn.hasPrefix(table.arn + "/stream/"),
            let stream = table.streams.first(where: { $0.label == label }), isReadable(stream)
        else {
            throw DynamoError.streamNotFound(arn)
        }
        return LocatedStream(table: table, stream: stream)
    }

    /// Whether a stream is still readable: enabled, or disabled for less than the retention period.
    func isReadable(_ stream: TableStream) -> Bool {
        guard let disabled = stream.disabledAt else { return true }
        return clock.now - disabled < TableStream.retentionSeconds
    }
}
