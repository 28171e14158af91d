import DynamoModel
import TridentStorage

/// GetShardIterator: where a consumer starts reading a shard — its oldest record still kept
/// (TRIM_HORIZON), after its newest (LATEST), at or after a sequence number.
enum GetShardIterator {
    static let types = ["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"]

    static func run(_ engine: Engine, _ request: RequestFields, _ reply: @escaping Reply) throws(DynamoError) {
        let arn = try request.string("StreamArn")
        let shardID = try request.string("ShardId")
        let type = try request.string("ShardIteratorType")
        let sequenceText = try request.string("SequenceNumber")
        var violations = ConstraintViolations()
        violations.notNull(arn != nil, "streamArn")
        violations.notNull(shardID != nil, "shardId")
        violations.notNull(type != nil, "shardIteratorType")
        violations.oneOf(type, "shardIteratorType", types)
        try violations.check()
        let bySequence = type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER"
        if bySequence && sequenceText == nil {
            throw DynamoError.validation("SequenceNumber is required for ShardIteratorType \(type!)")
        }
        let located = try engine.stream(arn: arn!)
        let stream = located.stream
        let now = engine.clock.now
        guard let shard = stream.shardNumber(shardID!), stream.liveShards(now: now).contains(shard) else {
            throw DynamoError.shardNotFound(shardID!, arn: located.arn)
        }
        let (range, cursor) = try engine.read(consistent: true, "GetShardIterator") { reader in
            (try StreamLog.range(reader, stream: stream.number, shard: shard), try StreamLog.cursor(reader, stream: stream.number))
        }
        let next: UInt64
        switch type! {
        case "TRIM_HORIZON":
            next = 0
        case "LATEST":
            next = (range?.last ?? cursor.lastSequence) + 1
        default:
            guard let sequence = UInt64(sequenceText!), sequenceText!.allSatisfy(\.isASCII) else {
                throw DynamoError.validation("Invalid SequenceNumber: \(sequenceText!)")
            }
            if sequence <= cursor.trimmedThrough { throw DynamoError.trimmedData }
            let first = range?.first ?? cursor.lastSequence + 1
            let last = stream.openShard(now: now) == shard ? UInt64.max : (range?.last ?? 0)
            guard sequence >= first, sequence <= last else {
                throw DynamoError.validation("Invalid SequenceNumber for the shard")
            }
            next = type == "AT_SEQUENCE_NUMBER" ? sequence : sequence + 1
        }
        let iterator = ShardIterator(streamArn: located.arn, shard: shard, next: next, issued: now, fromHorizon: type == "TRIM_HORIZON")
        var w = JSONWriter()
        w.beginObject()
        w.key("ShardIterator"); w.string(iterator.text)
        w.endObject()
        reply(.success(w.bytes))
    }
}
