// The token bucket with an injected clock: refill at the provisioned rate, at most 300 seconds
// banked, overdrawing requests throttled without taking anything, rate changes taking effect at once.
import Testing

@testable import TridentEngine

struct TokenBucketTests {
    @Test func startsWithItsBurstThenThrottles() {
        var bucket = TokenBucket(rate: 5, now: 0)
        #expect(bucket.tokens == 1500)
        for _ in 0..<1500 { #expect(bucket.consume(1, now: 0) == .admit) }
        #expect(bucket.consume(1, now: 0) == .throttle)
        #expect(bucket.tokens == 0)
    }

    @Test func refillsAtTheRateUpToThreeHundredSeconds() {
        var bucket = TokenBucket(rate: 5, now: 0)
        _ = bucket.consume(1500, now: 0)
        #expect(bucket.consume(1, now: 0.1) == .throttle)
        #expect(bucket.consume(1, now: 0.2) == .admit)
        #expect(bucket.consume(5, now: 1.2) == .admit)
        bucket.refill(now: 10_000)
        #expect(bucket.tokens == 1500)
    }

    @Test func aThrottledRequestTakesNothing() {
        var bucket = TokenBucket(rate: 1, now: 0)
        _ = bucket.consume(299, now: 0)
        #expect(bucket.consume(2, now: 0) == .throttle)
        #expect(bucket.tokens == 1)
        #expect(bucket.consume(1, now: 0) == .admit)
    }

    @Test func rateChangesApplyAtOnce() {
        var bucket = TokenBucket(rate: 10, now: 0)
        bucket.change(rate: 1, now: 0)
        #expect(bucket.tokens == 300)
        _ = bucket.consume(300, now: 0)
        bucket.change(rate: 100, now: 0)
        #expect(bucket.consume(100, now: 1) == .admit)
    }

    @Test func timeNeverRunsBackwards() {
        var bucket = TokenBucket(rate: 5, now: 100)
        _ = bucket.consume(1500, now: 100)
        bucket.refill(now: 50)
        #expect(bucket.tokens == 0)
    }
}
