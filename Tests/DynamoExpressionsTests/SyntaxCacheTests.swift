// The parsed-expression cache: a repeated expression resolves as the first did, with this request's
// placeholders; what fails to parse or walk is never kept and fails the same way each time.
import DynamoModel
import Testing

@testable import DynamoExpressions

struct SyntaxCacheTests {
    @Test func aRepeatedUpdateResolvesWithEachRequestsPlaceholders() throws {
        let text = "SET #d = :d, expires = :e"
        var results: [Update] = []
        for data in ["first", "second"] {
            var resolver = ExpressionResolver(names: ["#d": "data"], values: [":d": .string(data), ":e": .number(DynamoNumber(7))])
            results.append(try resolver.update(text))
            try resolver.checkUnused()
        }
        let key: Item = ["id": .string("k")]
        let updated = try results.map { update in try UpdateApplier.apply(update, to: key, key: key)?["data"] }
        #expect(updated == [.string("first"), .string("second")])

        // Names come from the request too: a cached expression with a placeholder this one lacks fails.
        var missing = ExpressionResolver(names: [:], values: [":d": .string("x"), ":e": .number(DynamoNumber(1))])
        #expect(throws: DynamoError.self) { try missing.update(text) }
    }

    @Test func failuresAreNotKeptAndRepeatTheirMessage() {
        let messages = (0..<2).map { _ -> String? in
            var resolver = ExpressionResolver(names: nil, values: [":n": .number(DynamoNumber(1))])
            do throws(DynamoError) {
                _ = try resolver.update("SET status = :n")
                return nil
            } catch {
                return error.message
            }
        }
        #expect(messages == Array(repeating: "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status", count: 2))
    }

    @Test func aFullCacheStartsOver() throws {
        let cache = SyntaxCache<Int>()
        for i in 0..<SyntaxCache<Int>.capacity { _ = try cache.syntax(.update, "SET a\(i) = :v") { i } }
        #expect(cache.count == SyntaxCache<Int>.capacity)
        #expect(try cache.syntax(.update, "SET a0 = :v") { -1 } == 0)
        _ = try cache.syntax(.update, "SET new = :v") { 0 }
        #expect(cache.count == 1)
    }
}
