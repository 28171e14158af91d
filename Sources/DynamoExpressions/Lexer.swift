/// The token rules DynamoDB's expression grammar uses for every kind of expression:
///
///     ID         [a-zA-Z][a-zA-Z0-9_]*        (a keyword when it spells one, in any case)
///     #name      #[a-zA-Z0-9_]+               :value   :[a-zA-Z0-9_]+
///     INDEX      0 | [1-9][0-9]*              so "01" is two tokens
///     = <> < <= > >= + - ( ) [ ] . ,          whitespace: space, tab, CR, LF
///
/// Any other character is a token of its own that no rule accepts, so it becomes the offending
/// token of a syntax error — as do quoted strings, which DynamoDB lexes but never parses.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case identifier
        case keyword(Keyword)
        case nameReference
        case valueReference
        case index
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case plus, minus
        case leftParen, rightParen, leftBracket, rightBracket, dot, comma
        case unknown
        case end
    }

    public let kind: Kind
    public let text: String
    /// Byte offsets into the expression, for syntax errors' `near` text.
    public let start: Int
    public let end: Int
}

public enum Keyword: String, Sendable, Equatable, CaseIterable {
    case `in` = "IN", between = "BETWEEN", not = "NOT", and = "AND", or = "OR"
    case set = "SET", add = "ADD", delete = "DELETE", remove = "REMOVE"
}

public enum Lexer {
    public static func tokens(_ source: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        func text(_ a: Int, _ b: Int) -> String { String(decoding: source[a..<b], as: UTF8.self) }
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isWord(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) || b == 0x5F }

        while i < source.count {
            let b = source[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                i += 1
                continue
            }
            let start = i
            var kind: Token.Kind
            switch b {
            case _ where isLetter(b):
                while i < source.count && isWord(source[i]) { i += 1 }
                let word = text(start, i)
                kind = Keyword(rawValue: word.uppercased()).map { .keyword($0) } ?? .identifier
            case UInt8(ascii: "#"), UInt8(ascii: ":"):
                i += 1
                while i < source.count && isWord(source[i]) { i += 1 }
                kind = i - start > 1 ? (b == UInt8(ascii: "#") ? .nameReference : .valueReference) : .unknown
            case UInt8(ascii: "0"):
                i += 1
                kind = .index
            case _ where isDigit(b):
                while i < source.count && isDigit(source[i]) { i += 1 }
                kind = .index
            case UInt8(ascii: "="): i += 1; kind = .equal
            case UInt8(ascii: "<"):
                i += 1
                if i < source.count && source[i] == UInt8(ascii: ">") {
                    i += 1; kind = .notEqual
                } else if i < source.count && source[i] == UInt8(ascii: "=") {
                    i += 1; kind = .lessOrEqual
                } else {
                    kind = .less
                }
            case UInt8(ascii: ">"):
                i += 1
                if i < source.count && source[i] == UInt8(ascii: "=") {
                    i += 1; kind = .greaterOrEqual
                } else {
                    kind = .greater
                }
            case UInt8(ascii: "+"): i += 1; kind = .plus
            case UInt8(ascii: "-"): i += 1; kind = .minus
            case UInt8(ascii: "("): i += 1; kind = .leftParen
            case UInt8(ascii: ")"): i += 1; kind = .rightParen
            case UInt8(ascii: "["): i += 1; kind = .leftBracket
            case UInt8(ascii: "]"): i += 1; kind = .rightBracket
            case UInt8(ascii: "."): i += 1; kind = .dot
            case UInt8(ascii: ","): i += 1; kind = .comma
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                // A string literal: one token up to the closing quote (or the end).
                i += 1
                while i < source.count && source[i] != b { i += 1 }
                if i < source.count { i += 1 }
                kind = .unknown
            default:
                // One Unicode scalar (UTF-8 continuation bytes belong to it).
                i += 1
                while i < source.count && source[i] & 0xC0 == 0x80 { i += 1 }
                kind = .unknown
            }
            tokens.append(Token(kind: kind, text: text(start, i), start: start, end: i))
        }
        tokens.append(Token(kind: .end, text: "<EOF>", start: source.count, end: source.count))
        return tokens
    }
}
