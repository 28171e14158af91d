import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One HTTP/1.1 request as the router needs it: only the headers DynamoDB's protocol looks at are
/// kept, so no header dictionary is built per request.
struct HTTPRequest: Sendable, Equatable {
    var method: HTTPMethod
    var uri: String
    var version: HTTPVersion
    var keepAlive: Bool
    /// The Host field (required in HTTP/1.1).
    var host: String? = nil
    var target: String?
    /// The raw Content-Type value (the router decides what it means).
    var contentType: [UInt8]?
    var body: [UInt8] = []
    /// The whole head, kept only when signatures are checked (they sign fields nothing else reads).
    var head: [UInt8]? = nil
    /// A browser's `Origin`, and what a CORS preflight asks to send.
    var origin: String? = nil
    var requestedHeaders: String? = nil
}

/// An incremental HTTP/1.1 request framer over the bytes of one connection, as a small state
/// machine: feed it the connection's buffer, take events until it asks for more bytes. It frames
/// requests (Content-Length or chunked), bounds the header section and the body, and never
/// allocates for headers it does not keep. Pure: no I/O, so every framing rule is unit-tested.
///
/// Requests are answered in order by the connection, so pipelined requests decode one after another.
struct HTTPRequestFramer {
    /// DynamoDB answers 400 to a request line over 16 KB, and to header fields over 16 KB.
    static let maxRequestLineBytes = 16 * 1024
    static let maxHeaderBytes = 16 * 1024

    enum Event: Equatable {
        /// A whole request, body included.
        case request(HTTPRequest)
        /// The client waits for `100 Continue` before sending the body.
        case continueExpected
        /// The declared or received body is over the limit: answer 413 now. The decoder then drops
        /// the rest of that body and reports `.discardedBody`, after which the connection closes.
        case bodyTooLarge(HTTPRequest)
        case discardedBody
    }

    enum Failure: Error, Equatable {
        /// Malformed or oversized framing: answer 400 and close.
        case badRequest
        /// A transfer coding other than chunked: answer 501 and close (RFC 9112 §6.1).
        case notImplemented
    }

    private enum State {
        case head
        /// Waiting for `remaining` body bytes (Content-Length).
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case done
    }

    private var state = State.head
    private var request: HTTPRequest?
    private var body: [UInt8] = []
    private var discarding = false
    /// After `.bodyTooLarge`: whether the rest of the body is still to come (and be dropped).
    var discardsBody: Bool { discarding }

    /// Whether a body is arriving (its head is read): the phase a minimum rate applies to.
    var readingBody: Bool {
        switch state {
        case .fixedBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers: true
        case .head, .done: false
        }
    }

    /// The body bytes the request being read holds or has declared it will send (what the
    /// connection counts against the shared budget); 0 when none are kept.
    var bodyBytesExpected: Int {
        guard !discarding else { return 0 }
        switch state {
        case let .fixedBody(remaining): return body.count + remaining
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers: return body.count
        case .head, .done: return 0
        }
    }
    /// How far the current header section has been searched for its end, so a head arriving in
    /// small pieces is scanned once.
    private var scanned = 0
    let maxBodyBytes: Int
    /// Keep each request's raw head (`HTTPRequest.head`).
    let keepsHead: Bool

    init(maxBodyBytes: Int, keepsHead: Bool = false) {
        self.maxBodyBytes = maxBodyBytes
        self.keepsHead = keepsHead
    }

    /// The next event from the bytes in `buffer` (consuming what it used), or nil when it needs more.
    mutating func next(_ buffer: inout ByteBuffer) throws(Failure) -> Event? {
        while true {
            switch state {
            case .done:
                return nil
            case .head:
                guard let end = try headEnd(buffer) else { return nil }
                var head = try buffer.withUnsafeReadableBytes { (raw) throws(Failure) in
                    try Self.parseHead(UnsafeRawBufferPointer(rebasing: raw[..<end]))
                }
                if keepsHead { head.request.head = buffer.getBytes(at: buffer.readerIndex, length: end) }
                buffer.moveReaderIndex(forwardBy: end)
                scanned = 0
                let framing = head.framing
                request = head.request
                body = []
                discarding = false
                switch framing {
                case let .length(n) where n > maxBodyBytes:
                    discarding = !head.expectsContinue
                    if discarding { state = .fixedBody(remaining: n) } else { state = .done }
                    return .bodyTooLarge(head.request)
                case let .length(n):
                    body.reserveCapacity(n)
                    state = .fixedBody(remaining: n)
                case .chunked:
                    state = .chunkSize
                }
                if head.expectsContinue && head.request.version.major == 1 && head.request.version.minor >= 1 && buffer.readableBytes == 0 {
                    if case .fixedBody(0) = state {} else { return .continueExpected }
                }
            case let .fixedBody(remaining):
                let n = min(remaining, buffer.readableBytes)
                take(n, from: &buffer)
                guard n == remaining else {
                    state = .fixedBody(remaining: remaining - n)
                    return nil
                }
                return finish()
            case .chunkSize:
                guard let line = try Self.line(in: buffer, limit: 1024) else { return nil }
                let size = try buffer.withUnsafeReadableBytes { (raw) throws(Failure) in try Self.chunkSize(raw[..<line.content]) }
                buffer.moveReaderIndex(forwardBy: line.next)
                if size == 0 {
                    state = .trailers
                } else {
                    state = .chunkData(remaining: size)
                    if !discarding && body.count + size > maxBodyBytes {
                        discarding = true
                        body = []
                        return .bodyTooLarge(request!)
                    }
                }
            case let .chunkData(remaining):
                let n = min(remaining, buffer.readableBytes)
                take(n, from: &buffer)
                guard n == remaining else {
                    state = .chunkData(remaining: remaining - n)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard let line = try Self.line(in: buffer, limit: 2) else { return nil }
                guard line.content == 0 else { throw .badRequest }
                buffer.moveReaderIndex(forwardBy: line.next)
                state = .chunkSize
            case .trailers:
                // Trailer fields are read and ignored; an empty line ends the request.
                guard let line = try Self.line(in: buffer, limit: Self.maxHeaderBytes) else { return nil }
                buffer.moveReaderIndex(forwardBy: line.next)
                if line.content == 0 { return finish() }
            }
        }
    }

    private mutating func take(_ n: Int, from buffer: inout ByteBuffer) {
        if !discarding {
            buffer.withUnsafeReadableBytes { raw in body.append(contentsOf: raw.prefix(n)) }
        }
        buffer.moveReaderIndex(forwardBy: n)
    }

    private mutating func finish() -> Event {
        if discarding {
            state = .done
            return .discardedBody
        }
        state = .head
        var finished = request!
        finished.body = body
        body = []
        request = nil
        return .request(finished)
    }

    // MARK: the head

    /// The length of the header section including its blank line (CR LF CR LF), once it is all in
    /// `buffer`. A line feed without its carriage return is refused at once (RFC 9112 §2.2 lets a
    /// server reject it: two parsers splitting lines differently is how requests get smuggled).
    private mutating func headEnd(_ buffer: ByteBuffer) throws(Failure) -> Int? {
        let limit = Self.maxRequestLineBytes + Self.maxHeaderBytes + 4
        let found: Int? = try buffer.withUnsafeReadableBytes { (raw) throws(Failure) -> Int? in
            // Resume a little before where the last search stopped: the blank line may straddle it.
            var i = max(0, scanned - 3)
            let n = min(raw.count, limit)
            while i < n, let lf = Self.find(0x0A, in: raw[i..<n]) {
                guard lf > 0, raw[lf - 1] == 0x0D else { throw .badRequest }
                if lf + 2 < raw.count && raw[lf + 1] == 0x0D && raw[lf + 2] == 0x0A { return lf + 3 }
                i = lf + 1
            }
            // Without a line end in the first 16 KB the request line is too long.
            if raw.count > Self.maxRequestLineBytes + 2, Self.find(0x0A, in: raw[0..<(Self.maxRequestLineBytes + 2)]) == nil { throw .badRequest }
            return nil
        }
        if let found { return found }
        if buffer.readableBytes >= limit { throw .badRequest }
        scanned = buffer.readableBytes
        return nil
    }

    enum Framing: Equatable {
        case length(Int)
        case chunked
    }

    struct Head {
        var request: HTTPRequest
        var framing: Framing
        var expectsContinue: Bool
    }

    /// Parses a complete header section (request line, fields, blank line).
    static func parseHead(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Head {
        // Controls other than HTAB and the CR LF ending each line (NUL, a stray CR, DEL) are refused
        // anywhere in the head (RFC 9110 §5.5): checked in one pass before any line is looked at.
        guard onlyLineEndsAndTabs(bytes) else { throw .badRequest }
        var lines = LineReader(bytes)
        var requestLine = lines.next()
        while let line = requestLine, line.isEmpty { requestLine = lines.next() }
        guard let requestLine, requestLine.count <= maxRequestLineBytes else { throw .badRequest }
        let fieldsStart = requestLine.endIndex
        let (method, uri, version) = try Self.requestLine(requestLine)
        var request = HTTPRequest(method: method, uri: uri, version: version, keepAlive: version.minor >= 1)
        var length: Int?
        var codings: [Bytes] = []
        var expectsContinue = false
        var hosts = 0
        while let line = lines.next(), !line.isEmpty {
            guard line.endIndex - fieldsStart <= maxHeaderBytes else { throw .badRequest }
            guard let colon = find(UInt8(ascii: ":"), in: line), colon > line.startIndex else { throw .badRequest }
            let name = line[line.startIndex..<colon]
            // A field name is a token: no whitespace (so no obsolete line folding either).
            guard !name.contains(where: { $0 == 0x20 || $0 == 0x09 }) else { throw .badRequest }
            let value = trimmed(line[line.index(after: colon)...])
            switch name.count {
            case 14 where equalsIgnoringCase(name, "content-length"):
                guard let n = decimal(value) else { throw .badRequest }
                // Two different lengths are a request-smuggling attempt, never a client's mistake.
                if let length, length != n { throw .badRequest }
                length = n
            case 17 where equalsIgnoringCase(name, "transfer-encoding"):
                forEachToken(value) { codings.append($0) }
            case 4 where equalsIgnoringCase(name, "host"):
                hosts += 1
                request.host = string(value)
            case 12 where equalsIgnoringCase(name, "x-amz-target"):
                request.target = string(value)
            case 12 where equalsIgnoringCase(name, "content-type"):
                request.contentType = Array(value)
            case 10 where equalsIgnoringCase(name, "connection"):
                forEachToken(value) { token in
                    if equalsIgnoringCase(token, "close") { request.keepAlive = false }
                    if equalsIgnoringCase(token, "keep-alive") && version.minor == 0 { request.keepAlive = true }
                }
            case 6 where equalsIgnoringCase(name, "expect"):
                expectsContinue = equalsIgnoringCase(value, "100-continue")
            case 6 where equalsIgnoringCase(name, "origin"):
                request.origin = string(value)
            case 30 where equalsIgnoringCase(name, "access-control-request-headers"):
                request.requestedHeaders = string(value)
            default:
                continue
            }
        }
        // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2).
        if version.minor >= 1 && hosts != 1 { throw .badRequest }
        if hosts > 1 { throw .badRequest }
        guard !codings.isEmpty else { return Head(request: request, framing: .length(length ?? 0), expectsContinue: expectsContinue) }
        // Chunked is the only coding understood, once, and only in HTTP/1.1; a length cannot be
        // trusted beside it.
        if codings.contains(where: { !equalsIgnoringCase($0, "chunked") }) { throw .notImplemented }
        guard codings.count == 1, version.minor >= 1, length == nil else { throw .badRequest }
        return Head(request: request, framing: .chunked, expectsContinue: expectsContinue)
    }

    /// Whether every control byte is HTAB or part of a CR LF, sixteen bytes at a time: a head is
    /// mostly printable text, so the scan stops only at line ends.
    static func onlyLineEndsAndTabs(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        var i = 0
        let space = SIMD16<UInt8>(repeating: 0x20), delete = SIMD16<UInt8>(repeating: 0x7F)
        while i < n {
            if i + 16 <= n {
                let v = bytes.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                if !any((v .< space) .| (v .== delete)) {
                    i += 16
                    continue
                }
            }
            switch bytes[i] {
            case 0x09: break
            case 0x0D: if i + 1 >= n || bytes[i + 1] != 0x0A { return false }
            case 0x0A: if i == 0 || bytes[i - 1] != 0x0D { return false }
            case let b where b < 0x20 || b == 0x7F: return false
            default: break
            }
            i += 1
        }
        return true
    }

    /// `METHOD SP request-target SP HTTP-version`, each part visible ASCII.
    private static func requestLine(_ line: Bytes) throws(Failure) -> (HTTPMethod, String, HTTPVersion) {
        guard let firstSpace = find(0x20, in: line) else { throw .badRequest }
        let methodBytes = line[..<firstSpace]
        let afterMethod = line[(firstSpace + 1)...]
        guard let secondSpace = find(0x20, in: afterMethod) else { throw .badRequest }
        let uriBytes = afterMethod[..<secondSpace]
        let versionBytes = afterMethod[(secondSpace + 1)...]
        let visible = { (b: UInt8) in b > 0x20 && b < 0x7F }
        guard !methodBytes.isEmpty, !uriBytes.isEmpty, methodBytes.allSatisfy(visible), uriBytes.allSatisfy(visible) else { throw .badRequest }
        let version: HTTPVersion
        if versionBytes.elementsEqual("HTTP/1.1".utf8) {
            version = .http1_1
        } else if versionBytes.elementsEqual("HTTP/1.0".utf8) {
            version = .http1_0
        } else {
            throw .badRequest
        }
        let method: HTTPMethod =
            switch string(methodBytes) {
            case "POST": .POST
            case "GET": .GET
            case "PUT": .PUT
            case "DELETE": .DELETE
            case "HEAD": .HEAD
            case "OPTIONS": .OPTIONS
            case "PATCH": .PATCH
            case let other: .RAW(value: other)
            }
        return (method, string(uriBytes), version)
    }

    // MARK: chunks and lines

    /// A line at the front of `buffer`: the length of its content (without CR LF) and where the next
    /// line starts; nil until the line is complete.
    private static func line(in buffer: ByteBuffer, limit: Int) throws(Failure) -> (content: Int, next: Int)? {
        let found: (Int, Int)? = try buffer.withUnsafeReadableBytes { (raw) throws(Failure) -> (Int, Int)? in
            guard let lf = raw.prefix(limit + 2).firstIndex(of: 0x0A) else { return nil }
            guard lf > 0, raw[lf - 1] == 0x0D else { throw .badRequest }
            return (lf - 1, lf + 1)
        }
        if found == nil && buffer.readableBytes > limit + 1 { throw .badRequest }
        return found
    }

    private static func chunkSize(_ line: Bytes) throws(Failure) -> Int {
        // Chunk extensions (after `;`) are allowed and ignored.
        let digits = trimmed(line.prefix { $0 != UInt8(ascii: ";") })
        guard !digits.isEmpty, digits.count <= 8 else { throw .badRequest }
        var size = 0
        for b in digits {
            let v: Int
            switch b {
            case 0x30...0x39: v = Int(b - 0x30)
            case 0x41...0x46: v = Int(b - 0x41 + 10)
            case 0x61...0x66: v = Int(b - 0x61 + 10)
            default: throw .badRequest
            }
            size = size << 4 | v
        }
        return size
    }

    /// The index of the first `byte` in `bytes` (memchr: header lines are scanned for every request).
    static func find(_ byte: UInt8, in bytes: Bytes) -> Int? {
        guard !bytes.isEmpty, let base = bytes.base.baseAddress else { return nil }
        guard let hit = memchr(base + bytes.startIndex, Int32(byte), bytes.count) else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    private static func string(_ bytes: Bytes) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes).bindMemory(to: UInt8.self), as: UTF8.self)
    }

    /// Calls `body` with each comma-separated token of a field value, trimmed.
    private static func forEachToken(_ value: Bytes, _ body: (Bytes) -> Void) {
        var rest = value
        while !rest.isEmpty {
            let comma = rest.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
            body(trimmed(rest[..<comma]))
            rest = comma == rest.endIndex ? rest[rest.endIndex...] : rest[(comma + 1)...]
        }
    }

    private static func decimal(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 15 else { return nil }
        var n = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            n = n * 10 + Int(b - 0x30)
        }
        return n
    }

    private static func trimmed(_ bytes: Bytes) -> Bytes {
        let isSpace = { (b: UInt8) in b == 0x20 || b == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return bytes[bytes.endIndex...]
        }
        return bytes[first...last]
    }

    static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { b, e in (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) == e }
        }
    }
}

/// Bytes of a header section, borrowed from the connection's buffer while it is parsed.
typealias Bytes = Slice<UnsafeRawBufferPointer>

/// Splits a header section into lines (each ends in CR LF: `headEnd` has checked).
private struct LineReader {
    private var rest: Bytes

    init(_ bytes: UnsafeRawBufferPointer) {
        rest = bytes[...]
    }

    mutating func next() -> Bytes? {
        guard !rest.isEmpty else { return nil }
        guard let lf = HTTPRequestFramer.find(0x0A, in: rest) else {
            defer { rest = rest[rest.endIndex...] }
            return rest
        }
        var line = rest[rest.startIndex..<lf]
        if line.last == 0x0D { line = line.dropLast() }
        rest = rest[rest.index(after: lf)...]
        return line
    }
}
