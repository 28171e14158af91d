// Evaluation on in-memory items: conditions never fail on gone attributes or type mismatches,
// updates compute from the old item and apply together, projections keep nesting.
import DynamoModel
import Testing

@testable import DynamoExpressions

struct EvaluationTests {
    static let item: Item = [
        "id": .string("k"), "n": .number(DynamoNumber(5)), "s": .string("hello"),
        "l": .list([
            .number(DynamoNumber(2)), .number(DynamoNumber(3)), .number(DynamoNumber(4)), .number(DynamoNumber(5)), .number(DynamoNumber(6)),
            .number(DynamoNumber(7)),
        ]),
        "m": .map(["x": .map(["y": .string("deep")]), "z": .bool(true)]), "ss": .stringSet(["a", "b"]), "bin": .binary([1, 2, 3]),
    ]

    private func holds(_ text: String, _ values: [String: AttributeValue] = [:]) throws -> Bool {
        var r = ExpressionResolver(names: nil, values: values)
        return Evaluator.evaluate(try r.condition(text, kind: .condition), on: Self.item)
    }

    private func updated(_ text: String, _ values: [String: AttributeValue] = [:], on item: Item? = item) throws -> Item? {
        var r = ExpressionResolver(names: nil, values: values)
        return try UpdateApplier.apply(try r.update(text), to: item, key: ["id": .string("k")])
    }

    @Test func comparisonsAndFunctions() throws {
        let five = AttributeValue.number(DynamoNumber(5)), s = AttributeValue.string("he")
        #expect(try holds("n = :v", [":v": five]))
        #expect(try !holds("gone = :v", [":v": five]))
        #expect(try holds("gone <> :v", [":v": five]))
        #expect(try !holds("s > :v", [":v": five]))
        #expect(try holds("begins_with(s, :v) AND contains(s, :w)", [":v": s, ":w": .string("ll")]))
        #expect(try holds("contains(ss, :v) AND NOT contains(ss, :w)", [":v": .string("a"), ":w": .string("c")]))
        #expect(try holds("size(l) = :six AND size(m.x) < :six", [":six": .number(DynamoNumber(6))]))
        #expect(try holds("attribute_exists(m.x.y) AND attribute_not_exists(m.q) AND attribute_exists(l[5]) AND attribute_not_exists(l[6])"))
        #expect(try holds("attribute_type(bin, :t)", [":t": .string("B")]))
        #expect(try holds("n BETWEEN :a AND :b", [":a": .number(DynamoNumber(5)), ":b": .number(DynamoNumber(9))]))
        #expect(try holds("n IN (:a, :b)", [":a": .string("5"), ":b": five]))
        #expect(try holds("s < :v", [":v": .string("help")]))
        // Byte order, not Unicode collation: "Z" (0x5A) < "a" (0x61) < "é" (0xC3 …).
        #expect(try holds("s > :v AND s < :w", [":v": .string("Zz"), ":w": .string("é")]))
        #expect(try holds("size(gone) < :v OR n = :v", [":v": five]))
    }

    @Test func listIndexesReferToTheOriginalList() throws {
        let result = try updated("REMOVE l[1] SET l[3] = :v", [":v": .number(DynamoNumber(17))])
        #expect(result?["l"] == .list([2, 4, 17, 6, 7].map { .number(DynamoNumber($0)) }))
        let appended = try updated("SET l[84] = :a, l[37] = :b, l[17] = :c", [":a": .string("a"), ":b": .string("b"), ":c": .string("c")])
        guard case let .list(l)? = appended?["l"] else {
            Issue.record("no list")
            return
        }
        #expect(Array(l.suffix(3)) == [.string("c"), .string("b"), .string("a")])
    }

    @Test func rightHandSidesSeeTheOldItem() throws {
        let result = try updated("REMOVE n SET copied = n, n2 = n + :one", [":one": .number(DynamoNumber(1))])
        #expect(result?["n"] == nil && result?["copied"] == .number(DynamoNumber(5)) && result?["n2"] == .number(DynamoNumber(6)))
        #expect(throws: ExpressionError.missingAttribute) { try updated("SET a = gone + :one", [":one": .number(DynamoNumber(1))]) }
        #expect(throws: ExpressionError.incorrectDataType) { try updated("SET a = s + :one", [":one": .number(DynamoNumber(1))]) }
        #expect(throws: ExpressionError.invalidPathForUpdate) { try updated("SET gone.x = :one", [":one": .number(DynamoNumber(1))]) }
        #expect(throws: ExpressionError.invalidPathForUpdate) { try updated("SET s[1] = :one", [":one": .number(DynamoNumber(1))]) }
    }

    @Test func addAndDelete() throws {
        let result = try updated(
            "ADD n :two, ss :more, fresh :two DELETE bin_set :x",
            [
                ":two": .number(DynamoNumber(2)), ":more": .stringSet(["b", "c"]), ":x": .binarySet([[9]]),
            ])
        #expect(result?["n"] == .number(DynamoNumber(7)) && result?["fresh"] == .number(DynamoNumber(2)))
        #expect(result?["ss"] == .stringSet(["a", "b", "c"]))
        let emptied = try updated("DELETE ss :all", [":all": .stringSet(["a", "b"])])
        #expect(emptied?["ss"] == nil)
        #expect(throws: ExpressionError.incorrectDataType) { try updated("ADD s :two", [":two": .number(DynamoNumber(2))]) }
    }

    @Test func upsertRules() throws {
        #expect(try updated("SET a = :v", [":v": .bool(true)], on: nil) == ["id": .string("k"), "a": .bool(true)])
        #expect(try updated("REMOVE a, b.c", on: nil) == nil)
        #expect(throws: ExpressionError.invalidPathForUpdate) { try updated("SET a.b = :v", [":v": .bool(true)], on: nil) }
    }

    @Test func projectionsKeepNesting() {
        let p = Projection.project(
            Self.item,
            [
                DocumentPath([.attribute("m"), .attribute("x"), .attribute("y")]), DocumentPath([.attribute("l"), .index(4)]),
                DocumentPath([.attribute("l"), .index(1)]), DocumentPath([.attribute("l"), .index(99)]), DocumentPath(attribute: "nope"),
            ])
        #expect(p == ["m": .map(["x": .map(["y": .string("deep")])]), "l": .list([.number(DynamoNumber(3)), .number(DynamoNumber(6))])])
    }
}
