import DynamoModel
import TridentStorage

/// DescribeStream: the stream's status and view type, its table's key schema, and its shards
/// within the retention period — each closed one with its sequence range and every one after the
/// first with its parent — paged with `Limit` and `ExclusiveStartShardId`.
enum DescribeStream {
    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let arn = try request.string("StreamArn")
        let limit = try request.integer("Limit")
        let start = try request.string("ExclusiveStartShardId")
        var violations = ConstraintViolations()
        violations.notNull(arn != nil, "streamArn")
        if let limit {
            if limit < 1 { violations.add(Constraint.minValue(String(limit), "limit", 1)) }
            if limit > 100 { violations.add(Constraint.maxValue(String(limit), "limit", 100)) }
        }
        try violations.check()
        let located = try engine.stream(arn: arn!)
        let stream = located.stream
        let now = engine.clock.now
        var shards = Array(stream.liveShards(now: now))
        if let start, let k = stream.shardNumber(start), let i = shards.firstIndex(of: k) { shards.removeFirst(i + 1) }
        let page = Array(shards.prefix(limit ?? 100))
        let open = stream.openShard(now: now)
        let ranges = try engine.read(consistent: true, "DescribeStream") { reader in
            try page.map { k -> (start: UInt64, end: UInt64?) in
                let range = try StreamLog.range(reader, stream: stream.number, shard: k)
                let start = try range?.first ?? (StreamLog.lastSequence(before: k, reader, stream: stream.number) + 1)
                return (start, k == open ? nil : range?.last ?? start)
            }
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("StreamDescription")
        w.beginObject()
        w.key("StreamArn"); w.string(located.arn)
        w.key("StreamLabel"); w.string(stream.label)
        w.key("StreamStatus"); w.string(stream.isEnabled ? "ENABLED" : "DISABLED")
        w.key("StreamViewType"); w.string(stream.viewType.rawValue)
        w.key("CreationRequestDateTime"); w.number(stream.created)
        w.key("TableName"); w.string(located.table.name)
        w.key("KeySchema")
        w.beginArray()
        for (element, type) in zip(located.table.keySchema.elements, ["HASH", "RANGE"]) {
            w.beginObject()
            w.key("AttributeName"); w.string(element.name)
            w.key("KeyType"); w.string(type)
            w.endObject()
        }
        w.endArray()
        w.key("Shards")
        w.beginArray()
        for (k, range) in zip(page, ranges) {
            w.beginObject()
            w.key("ShardId"); w.string(stream.shardID(k))
            w.key("SequenceNumberRange")
            w.beginObject()
            w.key("StartingSequenceNumber"); w.string(TableStream.sequenceNumber(range.start))
            if let end = range.end { w.key("EndingSequenceNumber"); w.string(TableStream.sequenceNumber(end)) }
            w.endObject()
            if k > 0 { w.key("ParentShardId"); w.string(stream.shardID(k - 1)) }
            w.endObject()
        }
        w.endArray()
        if page.count < shards.count, let last = page.last {
            w.key("LastEvaluatedShardId"); w.string(stream.shardID(last))
        }
        w.endObject()
        w.endObject()
        reply(.success(w.bytes))
    }
}
