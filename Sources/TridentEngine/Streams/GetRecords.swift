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
        engine.capacity.ledger.addStreamRead(table: located.table.name)
        let stream = located.stream
        let horizon = now - TableStream.retentionSeconds
        let maxRecords = limit ?? 1000
        let region = engine.configuration.region
        var w = JSONWriter(capacity: 64 * 1024)
        w.beginObject()
        w.key("Records")
        w.beginArray()
        // Records are written as JSON straight from the read snapshot.
        let (_, next, more, trimmed) = try engine.read(consistent: true, "GetRecords") { reader in
            var count = 0
            var next = iterator.next
            var more = false
            try StreamLog.walk(reader, stream: stream.number, shard: iterator.shard, from: iterator.next) { sequence, time, record in
                guard count < maxRecords, w.bytes.count < maxBytes else {
                    more = true
                    return false
                }
                if time >= horizon { try StreamRecord.writeJSON(record, time: time, sequence: sequence, stream: stream, region: region, to: &w) }
                count += 1
                next = sequence + 1
                return true
            }
            return (count, next, more, try StreamLog.cursor(reader, stream: stream.number).trimmedThrough)
        }
        if !iterator.fromHorizon && iterator.next <= trimmed { throw DynamoError.trimmedData }
        w.endArray()
        // A closed shard is drained once a read finds nothing more in it.
        let drained = stream.openShard(now: now) != iterator.shard && !more
        if !drained {
            let following = ShardIterator(streamArn: iterator.streamArn, shard: iterator.shard, next: next, issued: now, fromHorizon: iterator.fromHorizon)
            w.key("NextShardIterator"); w.string(following.text)
        }
        w.endObject()
        reply(.success(w.bytes))
    }
}
