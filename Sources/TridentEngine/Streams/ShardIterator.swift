import DynamoModel

/// A shard iterator: where in which shard the next GetRecords reads, and when the iterator was
/// made (it expires 15 minutes later, by Trident's clock). Written as
/// `<stream ARN>|<shard number>|<next sequence>|<issued, ms>|<h if from the trim horizon>`.
struct ShardIterator: Equatable {
    let streamArn: String
    let shard: UInt32
    /// The first sequence the next read may return.
    let next: UInt64
    let issued: Double
    /// Started at TRIM_HORIZON: records trimmed meanwhile are skipped, not an error.
    let fromHorizon: Bool

    static let lifetimeSeconds = 900.0

    var text: String {
        "\(streamArn)|\(shard)|\(next)|\(Int64((issued * 1000).rounded()))|\(fromHorizon ? "h" : "s")"
    }

    init(streamArn: String, shard: UInt32, next: UInt64, issued: Double, fromHorizon: Bool) {
        self.streamArn = streamArn
        self.shard = shard
        self.next = next
        self.issued = issued
        self.fromHorizon = fromHorizon
    }

    init?(_ text: String) {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 5, let shard = UInt32(parts[1]), let next = UInt64(parts[2]), let issued = Int64(parts[3]),
            parts[4] == "h" || parts[4] == "s"
        else { return nil }
        self.init(streamArn: String(parts[0]), shard: shard, next: next, issued: Double(issued) / 1000, fromHorizon: parts[4] == "h")
    }
}
