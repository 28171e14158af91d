// The lexer and parser: exact token lists, DynamoDB's precedence, and syntax errors that name the
// same offending token and `near` text as the service (the cases below are DynamoDB's own answers).
import DynamoModel
import Testing

@testable import DynamoExpressions

struct LexerTests {
    @Test func tokenKindsAndKeywordsInAnyCase() {
        let tokens = Lexer.tokens(Array("set a.#b[10] = :v, c <> d and Not x >= y".utf8))
        #expect(tokens.map(\.text) == ["set", "a", ".", "#b", "[", "10", "]", "=", ":v", ",", "c", "<>", "d", "and", "Not", "x", ">=", "y", "<EOF>"])
        #expect(tokens[0].kind == .keyword(.set) && tokens[13].kind == .keyword(.and) && tokens[14].kind == .keyword(.not))
        #expect(tokens[3].kind == .nameReference && tokens[8].kind == .valueReference && tokens[5].kind == .index)
    }

    @Test func leadingZeroAndUnderscoreAreSeparateTokens() {
        #expect(Lexer.tokens(Array("a[01]".utf8)).map(\.text) == ["a", "[", "0", "1", "]", "<EOF>"])
        let underscore = Lexer.tokens(Array("_123 ü".utf8))
        #expect(underscore.map(\.text) == ["_", "123", "ü", "<EOF>"])
        #expect(underscore[0].kind == .unknown && underscore[2].kind == .unknown)
    }
}

struct ParserTests {
    private func updateError(_ text: String) -> String? {
        do {
            _ = try Parser.update(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test(arguments: [
        ("SET attrName = 3", "3", "= 3"),
        ("SET MyStr[ 3", "<EOF>", "3"),
        ("SET MyStr[ 3 ", "<EOF>", "3 "),
        ("SET MyStr[3)", ")", "3)"),
        ("SET 2", "2", "SET 2"),
        ("SET ) 3", ")", "SET ) 3"),
        ("  RESET NonExistent value", "RESET", "  RESET NonExistent"),
        ("SET MyStr = NoExist + + :_val ", "+", "+ + :_val"),
        ("SET #a a = 5", "a", "#a a ="),
        ("SET a [  [2] ]. b = 5", "[", "[  [2"),
        ("SET a [2 1]. b = 5", "1", "2 1]"),
        ("ADD attr :val foobar", "foobar", ":val foobar"),
        ("REMOVE if_not_exists(a,b)", "(", "if_not_exists(a"),
        ("SET _123 = :v", "_", "SET _123"),
        ("SET a = b + c + d", "+", "c + d"),
        ("SET :a = :b", ":a", "SET :a ="),
    ])
    func updateSyntaxErrors(text: String, token: String, near: String) {
        #expect(updateError(text) == "Invalid UpdateExpression: Syntax error; token: \"\(token)\", near: \"\(near)\"")
    }

    @Test func conditionSyntaxErrors() {
        func error(_ text: String, _ kind: ExpressionKind = .condition) -> String? {
            do {
                _ = try Parser.condition(text, kind: kind)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(error("foo") == "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"foo\"")
        #expect(error(":hashId a", .keyCondition) == "Invalid KeyConditionExpression: Syntax error; token: \"a\", near: \":hashId a\"")
        #expect(error("a in b") == "Invalid ConditionExpression: Syntax error; token: \"b\", near: \"in b\"")
        #expect(error("a in (b,c,)") == "Invalid ConditionExpression: Syntax error; token: \")\", near: \",)\"")
        #expect(error("((a = :v))") == "Invalid ConditionExpression: The expression has redundant parentheses;")
        #expect(error("a > ((b))") == "Invalid ConditionExpression: The expression has redundant parentheses;")
        #expect(error("   ") == "Invalid ConditionExpression: The expression can not be empty;")
        #expect(error("a = \"x\"") == "Invalid ConditionExpression: Syntax error; token: \"\"x\"\", near: \"= \"x\"\"")
    }

    @Test func precedenceIsOrThenAndThenNot() throws {
        let parsed = try Parser.condition("NOT a = :x AND b = :y OR c = :z", kind: .condition)
        guard case let .or(left, _) = parsed, case let .and(not, _) = left, case .not = not else {
            Issue.record("wrong tree: \(parsed)")
            return
        }
    }

    @Test func parenthesesGroupConditionsAndOperands() throws {
        _ = try Parser.condition("(a = :x OR b = :y) AND (c) = :z", kind: .condition)
        _ = try Parser.condition("attribute_not_exists (#0) AND (size(x) > :v)", kind: .condition)
        _ = try Parser.update("SET a = (b + c), d = list_append (#2, :2) ADD n :one")
    }
}
