// Streams as values: labels are UTC times to the millisecond, shards are periods from the stream's
// creation with IDs that name them back, and sequence numbers are 21 digits.
import Testing

@testable import DynamoModel

struct TableStreamTests {
    private let stream = TableStream(number: 7, label: "x", viewType: .newImage, created: 1_764_000_000.25, shardSeconds: 60)

    @Test func labelsAreUTCTimesToTheMillisecond() {
        #expect(TableStream.label(for: 0) == "1970-01-01T00:00:00.000")
        #expect(TableStream.label(for: 1_764_000_000.25) == "2025-11-24T16:00:00.250")
        #expect(TableStream.label(for: 951_782_400.007) == "2000-02-29T00:00:00.007")
    }

    @Test func shardsArePeriodsFromCreation() {
        #expect(stream.shard(at: stream.created) == 0)
        #expect(stream.shard(at: stream.created + 59.9) == 0)
        #expect(stream.shard(at: stream.created + 60) == 1)
        #expect(stream.shard(at: stream.created - 5) == 0)
        #expect(stream.openShard(now: stream.created + 130) == 2)
        // A day of retention at one shard a minute: the oldest live shard is a day back.
        #expect(stream.liveShards(now: stream.created + 86_400 + 120) == 2...1442)
        var disabled = stream
        disabled.disabledAt = stream.created + 61
        #expect(disabled.openShard(now: stream.created + 500) == nil)
        #expect(disabled.liveShards(now: stream.created + 500) == 0...1)
    }

    @Test func shardIDsNameTheirShard() {
        let id = stream.shardID(3)
        #expect(id == "shardId-00000001764000180250-00000003")
        #expect(stream.shardNumber(id) == 3)
        #expect(stream.shardNumber("shardId-00000001764000180250-00000004") == nil)
        #expect(stream.shardNumber("nonsense") == nil)
        #expect(TableStream.sequenceNumber(42) == "000000000000000000042")
    }
}
