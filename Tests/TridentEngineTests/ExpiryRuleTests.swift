// DynamoDB's TTL rule as a pure function of the clock: due at or after the expiry second, never when
// more than five years old, later by the grace period when one is set.
import Testing

@testable import TridentEngine

struct ExpiryRuleTests {
    let now = 1_700_000_000.5

    @Test func dueAtOrBeforeNowButNotAncient() {
        let rule = ExpiryRule()
        #expect(rule.isDue(1_700_000_000, now: now))
        #expect(!rule.isDue(1_700_000_001, now: now))
        #expect(rule.isDue(1_700_000_000 - ExpiryRule.maxAgeSeconds + 1, now: now))
        #expect(!rule.isDue(1_700_000_000 - ExpiryRule.maxAgeSeconds, now: now))
        #expect(!rule.isDue(0, now: now))
    }

    @Test func graceDefersDeletion() {
        let rule = ExpiryRule(graceSeconds: 60)
        #expect(!rule.isDue(1_699_999_990, now: now))
        #expect(rule.isDue(1_699_999_940, now: now))
        #expect(ExpiryRule(graceSeconds: -5) == ExpiryRule())
    }

    @Test func nothingIsDueBeforeTheEpoch() {
        #expect(ExpiryRule().dueRange(now: -1) == nil)
        #expect(ExpiryRule(graceSeconds: 10).dueRange(now: 5) == nil)
        #expect(ExpiryRule().dueRange(now: 5) == 0...5)
    }
}
