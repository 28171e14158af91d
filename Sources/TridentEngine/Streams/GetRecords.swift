import DynamoModel
import TridentStorage

/// GetRecords: up to `Limit` (1,000) records, about 1 MB, from where the iterator points, and the
/// iterator for the next call — none once a closed shard is drained. Iterators expire after 15
/// minutes and records after 24 hours, by Trident's clock.
enum GetRecords {
    static let maxBytes = 1 << 20

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let text = try request.string("ShardIterator")
        let limit = try request.integer("Limit")
        var violations = ConstraintViolations()
        violations.notNull(text != nil, "shardIterator")
        if let text, text.utf8.count > 2048 { violations.add(Constraint.maxLength(text, "shardIterator", 2048)) }
        if let limit {
            if limit < 1 { violations.add(Constraint.minValue(String(limit), "limit", 1)) }
            if limit > 1000 { violations.add(Constraint.maxValue(String(limit), "limit", 1000)) }
        }
        try violations.check()
        guard let iterator = ShardIterator(text!) else { throw DynamoError.validation("Invalid ShardIterator") }
        let now = engine.clock.now
        if now - iterator.issued > ShardIterator.lifetimeSeconds {
            throw DynamoError.expiredIterator
        }
        let located = try engine.stream(arn: iterator.streamArn)
        let stream = located.stream
        let horizon = now - TableStream.retentionSeconds
        let (records, cursor) = try engine.read(consistent: true, "GetRecords") { reader in
            (
                try StreamLog.records(reader, stream: stream.number, shard: iterator.shard, from: iterator.next, limit: limit ?? 1000, maxBytes: maxBytes),
                try StreamLog.cursor(reader, stream: stream.number)
            )
        }
        if !iterator.fromHorizon && iterator.next <= cursor.trimmedThrough { throw DynamoError.trimmedData }
        let kept = records.filter { $0.time >= horizon }
        let next = (records.last?.sequence).map { $0 + 1 } ?? iterator.next
        // A closed shard is drained once a read from its position finds nothing more.
        let closed = stream.openShard(now: now) != iterator.shard
        let drained = closed && records.count < (limit ?? 1000) && (try? engine.read(consistent: true, "GetRecords", { reader in
            try StreamLog.records(reader, stream: stream.number, shard: iterator.shard, from: next, limit: 1, maxBytes: 1).isEmpty
        })) == true
        var w = JSONWriter(capacity: kept.reduce(256) { $0 + $1.json.count + 1 })
        w.beginObject()
        w.key("Records")
        w.beginArray()
        for record in kept { w.raw(record.json) }
        w.endArray()
        if !drained {
            let following = ShardIterator(streamArn: iterator.streamArn, shard: iterator.shard, next: next, issued: now, fromHorizon: iterator.fromHorizon)
            w.key("NextShardIterator"); w.string(following.text)
        }
        w.endObject()
        reply(.success(w.bytes))
    }
}
