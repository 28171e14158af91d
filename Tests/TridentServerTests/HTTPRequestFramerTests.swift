// HTTP/1.1 framing as the decoder applies it: requests in any pieces, pipelined, chunked or with
// Content-Length; keep-alive rules of 1.0 and 1.1; the body and header limits (16 KB each for the
// request line and the fields, as DynamoDB); and every framing error a smuggling attempt or a
// broken client could send — bare line feeds, controls in values, unknown codings, a missing
// Host — answered before anything is routed.
import NIOCore
import NIOHTTP1
import Testing

@testable import TridentServer

struct HTTPRequestFramerTests {
    typealias Event = HTTPRequestFramer.Event

    /// Feeds `text` in pieces of `piece` bytes and collects every event.
    private func decode(_ text: String, piece: Int = .max, maxBody: Int = 1024) throws(HTTPRequestFramer.Failure) -> [Event] {
        var decoder = HTTPRequestFramer(maxBodyBytes: maxBody)
        var buffer = ByteBuffer()
        var events: [Event] = []
        let bytes = Array(text.utf8)
        var offset = 0
        repeat {
            let end = min(bytes.count, offset + piece)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            while let event = try decoder.next(&buffer) { events.append(event) }
        } while offset < bytes.count
        return events
    }

    private func post(_ body: String, headers: String = "") -> String {
        "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    private func request(_ body: String, target: String? = "DynamoDB_20120810.GetItem", keepAlive: Bool = true) -> HTTPRequest {
        HTTPRequest(
            method: .POST, uri: "/", version: .http1_1, keepAlive: keepAlive, host: "x", target: target, contentType: nil, body: Array(body.utf8))
    }

    @Test func aRequestArrivingByteByByteDecodesOnce() throws {
        let text = post(#"{"TableName":"t"}"#, headers: "Content-Type: application/x-amz-json-1.0\r\n")
        var expected = request(#"{"TableName":"t"}"#)
        expected.contentType = Array("application/x-amz-json-1.0".utf8)
        #expect(try decode(text) == [.request(expected)])
        #expect(try decode(text, piece: 1) == [.request(expected)])
        #expect(try decode(text, piece: 7) == [.request(expected)])
    }

    @Test func pipelinedRequestsComeOutInOrder() throws {
        let text = post("{}") + post(#"{"a":1}"#) + "GET /health HTTP/1.1\r\nHost: y\r\n\r\n"
        let events = try decode(text, piece: 13)
        try #require(events.count == 3)
        #expect(events[0] == .request(request("{}")) && events[1] == .request(request(#"{"a":1}"#)))
        guard case let .request(get) = events[2] else { return #expect(Bool(false)) }
        #expect(get.method == .GET && get.uri == "/health" && get.body.isEmpty && get.target == nil && get.host == "y")
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let text = "POST /x?y=1 HTTP/1.1\r\nhOST: h\r\ncontent-LENGTH:  2 \r\nx-amz-TARGET:T\r\n\r\n{}"
        #expect(
            try decode(text) == [
                .request(
                    HTTPRequest(method: .POST, uri: "/x?y=1", version: .http1_1, keepAlive: true, host: "h", target: "T", body: Array("{}".utf8)))
            ])
    }

    @Test func chunkedBodiesAreJoinedWithExtensionsAndTrailersIgnored() throws {
        let text =
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"a\"\r\nA\r\n:123456789\r\n1\r\n}\r\n0\r\nTrailer: x\r\n\r\n"
        let expected = HTTPRequest(method: .POST, uri: "/", version: .http1_1, keepAlive: true, host: "x", body: Array(#"{"a":123456789}"#.utf8))
        #expect(try decode(text) == [.request(expected)])
        #expect(try decode(text, piece: 3) == [.request(expected)])
    }

    @Test func keepAliveFollowsTheVersionAndConnectionHeader() throws {
        func keepAlive(_ head: String) throws -> Bool? {
            guard case let .request(r)? = try decode(head + "\r\n").first else { return nil }
            return r.keepAlive
        }
        #expect(try keepAlive("GET / HTTP/1.1\r\nHost: x\r\n") == true)
        #expect(try keepAlive("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n") == false)
        #expect(try keepAlive("GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade, close\r\n") == false)
        #expect(try keepAlive("GET / HTTP/1.0\r\n") == false)
        #expect(try keepAlive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n") == true)
    }

    @Test func malformedFramingIsABadRequest() {
        let bad = [
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",  // two lengths
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}",  // length beside chunked
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",  // chunked twice
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",  // chunked is HTTP/1.1's
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -2\r\n\r\n{}",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 2\r\n\r\n{}",  // space before the colon
            "POST / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",  // obsolete line folding
            "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",  // HTTP/1.1 without Host
            "POST / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",  // two Hosts
            "POST / HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n",  // NUL in a value
            "POST / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",  // a stray CR in a value
            "POST / HTTP/1.1\r\nHost: x\r\nX-A: a\u{7F}\r\n\r\n",  // DEL
            "POST / HTTP/1.1\nHost: x\n\n",  // line feeds without carriage returns
            "POST / HTTP/1.1\r\nHost: x\nContent-Length: 0\r\n\r\n",  // one of them
            "POST / HTTP/2.0\r\n\r\n",
            "POST /\r\n\r\n",
            "POST  / HTTP/1.1\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  // not a hex size
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}xx0\r\n\r\n",  // data longer than its size
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\n{}\r\n0\r\n\r\n",  // a chunk line without CR
        ]
        for text in bad {
            #expect(throws: HTTPRequestFramer.Failure.badRequest, "\(text.debugDescription)") { try decode(text) }
        }
    }

    @Test func transferCodingsOtherThanChunkedAreNotImplemented() {
        for coding in ["gzip", "gzip, chunked", "chunked, gzip", "identity"] {
            let text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \(coding)\r\n\r\n0\r\n\r\n"
            #expect(throws: HTTPRequestFramer.Failure.notImplemented, "\(coding)") { try decode(text) }
        }
    }

    @Test func requestLinesAndHeaderFieldsOver16KBAreRefused() throws {
        let longTarget = "GET /" + String(repeating: "a", count: HTTPRequestFramer.maxRequestLineBytes) + " HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(throws: HTTPRequestFramer.Failure.badRequest) { try decode(longTarget, piece: 4096) }
        // Refused before the end of the head arrives, however slowly it comes.
        #expect(throws: HTTPRequestFramer.Failure.badRequest) { try decode(String(repeating: "G", count: 20_000), piece: 1000) }
        let longFields = "GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + String(repeating: "a", count: HTTPRequestFramer.maxHeaderBytes) + "\r\n\r\n"
        #expect(throws: HTTPRequestFramer.Failure.badRequest) { try decode(longFields, piece: 4096) }
        // Just under both limits is fine.
        let target = "/" + String(repeating: "a", count: 16_000)
        let fields = "X-Long: " + String(repeating: "b", count: 16_000) + "\r\n"
        let events = try decode("GET \(target) HTTP/1.1\r\nHost: x\r\n\(fields)\r\n", piece: 4096)
        #expect(events.count == 1)
    }

    @Test func aDeclaredBodyOverTheLimitIsRefusedThenDropped() throws {
        let text = post(String(repeating: "a", count: 2000)) + post("{}")
        let events = try decode(text, piece: 100)
        try #require(events.count == 2)
        guard case .bodyTooLarge = events[0] else { return #expect(Bool(false)) }
        // The connection closes after the dropped body: nothing behind it is decoded.
        #expect(events[1] == .discardedBody)
    }

    @Test func aChunkedBodyGrowingOverTheLimitIsRefused() throws {
        let chunk = String(repeating: "a", count: 600)
        let text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n"
        let events = try decode(text, piece: 50)
        try #require(events.count == 2)
        guard case .bodyTooLarge = events[0] else { return #expect(Bool(false)) }
        #expect(events[1] == .discardedBody)
    }

    @Test func expectContinueIsAnnouncedBeforeTheBody() throws {
        var decoder = HTTPRequestFramer(maxBodyBytes: 1024)
        var buffer = ByteBuffer(string: "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        #expect(try decoder.next(&buffer) == .continueExpected)
        #expect(try decoder.next(&buffer) == nil)
        buffer.writeString("{}")
        guard case let .request(r)? = try decoder.next(&buffer) else { return #expect(Bool(false)) }
        #expect(r.body == Array("{}".utf8))

        // Over the limit, the client is told before it sends anything; there is nothing to drop.
        var refusing = HTTPRequestFramer(maxBodyBytes: 1)
        var head = ByteBuffer(string: "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        guard case .bodyTooLarge? = try refusing.next(&head) else { return #expect(Bool(false)) }
        #expect(!refusing.discardsBody)
    }
}
