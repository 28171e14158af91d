/// PartiQL's tokens as DynamoDB's dialect uses them: identifiers bare or in double quotes, strings
/// in single quotes (`''` escapes a quote), numbers, `?` parameters, the set brackets `<<` `>>`,
/// keywords in any case.
struct PartiQLToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word  // a bare identifier or keyword
        case quotedName
        case string
        case number
        case parameter
        case symbol  // = <> != < <= > >= ( ) [ ] { } << >> , . : * + -
        case end
    }

    let kind: Kind
    let text: String
    /// 1-based line and column, for syntax errors.
    let line: Int
    let column: Int

    func isKeyword(_ word: String) -> Bool {
        kind == .word && text.uppercased() == word
    }
}

enum PartiQLLexer {
    static func tokens(_ source: String) throws(PartiQLError) -> [PartiQLToken] {
        let bytes = Array(source.utf8)
        var tokens: [PartiQLToken] = []
        var i = 0, line = 1, lineStart = 0
        func text(_ a: Int, _ b: Int) -> String { String(decoding: bytes[a..<b], as: UTF8.self) }
        func isWordByte(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                lineStart = i + 1
                i += 1
                continue
            }
            if b == 0x20 || b == 0x09 || b == 0x0D {
                i += 1
                continue
            }
            let start = i, column = i - lineStart + 1
            func add(_ kind: PartiQLToken.Kind, _ value: String) { tokens.append(PartiQLToken(kind: kind, text: value, line: line, column: column)) }
            switch b {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                var value: [UInt8] = []
                i += 1
                var closed = false
                while i < bytes.count {
                    if bytes[i] == b {
                        if i + 1 < bytes.count && bytes[i + 1] == b {
                            value.append(b)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    value.append(bytes[i])
                    i += 1
                }
                guard closed else { throw .syntax("Unexpected end of statement: unterminated \(b == 0x27 ? "string" : "quoted identifier")", line, column) }
                add(b == 0x27 ? .string : .quotedName, String(decoding: value, as: UTF8.self))
            case _ where b >= 0x30 && b <= 0x39:
                while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2E { i += 1 }
                if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
                    i += 1
                    if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
                    while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
                }
                add(.number, text(start, i))
            case _ where isWordByte(b):
                while i < bytes.count && isWordByte(bytes[i]) { i += 1 }
                add(.word, text(start, i))
            case UInt8(ascii: "?"):
                i += 1
                add(.parameter, "?")
            default:
                let two = i + 1 < bytes.count ? text(i, i + 2) : ""
                if ["<>", "!=", "<=", ">=", "<<", ">>"].contains(two) {
                    i += 2
                    add(.symbol, two)
                } else if "=<>()[]{},.:*+-;".utf8.contains(b) {
                    i += 1
                    add(.symbol, text(start, i))
                } else {
                    throw .syntax("Unexpected character '\(text(start, start + 1))'", line, column)
                }
            }
        }
        tokens.append(PartiQLToken(kind: .end, text: "", line: line, column: bytes.count - lineStart + 1))
        return tokens
    }
}
