// The wire, in process: every response carries x-amzn-RequestId and a correct x-amz-crc32, errors
// are rendered with DynamoDB's envelope, oversized bodies get 413, and the health line answers GET.
import DynamoModel
import Foundation
import NIOCore
import Testing

@testable import TridentEngine
@testable import TridentServer

struct HTTPTests {
    @Test func crc32MatchesKnownVectors() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array(#"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#.utf8)) == 1_368_724_161)
        #expect(CRC32.checksum(Array(#"{"__type":"com.amazon.coral.service#SerializationException"}"#.utf8)) == 3_948_637_019)
        // Against the bit-at-a-time definition, for every length around the sixteen-byte steps.
        func reference(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        for n in Array(0..<200) + [1023, 1024, 1025, 4099] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
            let expected = reference(bytes)
            // Folded by carry-less multiplication (where the CPU can) and by tables alone.
            #expect(CRC32.checksum(bytes) == expected, "length \(n)")
            #expect(bytes.withUnsafeBytes { CRC32.checksum($0, folding: false) } == expected, "length \(n)")
            // Off the start of an allocation too: the folding reads unaligned.
            #expect(
                bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0.dropFirst(min(3, n)))) }
                    == reference(Array(bytes.dropFirst(3))), "length \(n), offset 3")
        }
    }

    @Test func errorsRenderWithDynamoDBsEnvelope() {
        #expect(
            String(decoding: Router.render(.unknownOperation), as: UTF8.self) == #"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#)
        #expect(
            String(decoding: Router.render(.serialization("NUMBER_VALUE cannot be converted to String")), as: UTF8.self)
                == #"{"__type":"com.amazon.coral.service#SerializationException","Message":"NUMBER_VALUE cannot be converted to String"}"#)
        #expect(
            String(decoding: Router.render(.resourceNotFound), as: UTF8.self)
                == #"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#)
    }

    @Test func requestIDsAreDynamoDBShapedAndUnique() {
        let generator = RequestIDGenerator()
        let ids = (0..<1000).map { _ in generator.next() }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.count == 52 && $0.allSatisfy { $0.isUppercase || $0.isNumber } })
    }

    @Test func contentTypesAcceptedAsDynamoDBDoes() {
        func accepted(_ value: String?) -> String? {
            Router.acceptedContentType(value.map { Array($0.utf8) })
        }
        #expect(accepted("application/x-amz-json-1.0") == "application/x-amz-json-1.0")
        #expect(accepted("  application/json  ;   charset=utf-8") == "application/json")
        #expect(accepted("application/x-amz-json-1.1") == "application/x-amz-json-1.1")
        #expect(accepted("Application/X-Amz-JSON-1.0") == "application/x-amz-json-1.0")
        #expect(accepted(nil) == "application/x-amz-json-1.0")
        #expect(accepted("text/plain") == nil)
    }

    @Test func serverAnswersOverASocket() async throws {
        try await withServer { port in
            let health = try rawRequest(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(health.hasPrefix("HTTP/1.1 200 OK"))
            // The health line names the host the client asked for (HTTP/1.0 may name none).
            #expect(health.hasSuffix("healthy: x "))
            let head = try rawRequest(port: port, "HEAD / HTTP/1.1\r\nHost: localhost:8000\r\n\r\n", closeAfterHead: true)
            #expect(head.hasPrefix("HTTP/1.1 200 OK") && head.contains("Content-Length: 24\r\n") && head.hasSuffix("\r\n\r\n"))
            let old = try rawRequest(port: port, "GET / HTTP/1.0\r\n\r\n")
            #expect(old.hasSuffix("healthy: dynamodb.us-east-1.amazonaws.com "))
            let elsewhere = try rawRequest(port: port, "GET /anything HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(elsewhere.hasPrefix("HTTP/1.1 404"))
            let unknown = try rawRequest(port: port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nX-Amz-Target: Nope\r\n\r\n{}")
            #expect(unknown.hasPrefix("HTTP/1.1 400 Bad Request"))
            #expect(unknown.lowercased().contains("x-amz-crc32: 1368724161"))
            let tooBig = try rawRequest(port: port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 16777217\r\n\r\n", closeAfterHead: true)
            #expect(tooBig.hasPrefix("HTTP/1.1 413"))
            let malformed = try rawRequest(port: port, "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
            #expect(malformed.hasPrefix("HTTP/1.1 400 Bad Request"))
            #expect(malformed.contains("Connection: close"))
        }
    }

    /// An engine on a temporary folder behind a server on a free port, for the duration of `body`.
    private func withServer(_ body: (Int) throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "trident-http-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = EngineConfiguration(dataDirectory: directory)
        configuration.durability = .none
        let engine = try Engine(configuration: configuration)
        let server = try await Server.start(host: "127.0.0.1", port: 0, router: Router(engine: engine, admin: AdminAPI(engine: engine)), threads: 1)
        do {
            try body(server.localAddress.port!)
        } catch {
            await server.stop()
            engine.shutdown()
            throw error
        }
        await server.stop()
        engine.shutdown()
    }

    /// Pipelined requests on one connection are answered in order, each seeing the ones before it:
    /// the GetItem after a PutItem (answered only once durable) finds the item.
    @Test func pipelinedRequestsRunInOrder() async throws {
        try await withServer { port in
            func request(_ operation: String, _ body: String) -> String {
                "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.\(operation)\r\nContent-Type: application/x-amz-json-1.0\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            }
            let create = request(
                "CreateTable",
                #"{"TableName":"pipe","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"#
                    + #""KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#)
            let put = request("PutItem", #"{"TableName":"pipe","Item":{"id":{"S":"a"},"n":{"N":"1"}}}"#)
            let get = request("GetItem", #"{"TableName":"pipe","Key":{"id":{"S":"a"}},"ConsistentRead":true}"#)
            let text = try rawRequest(port: port, create + put + get, responses: 3)
            let bodies = text.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.components(separatedBy: "HTTP/1.1").first ?? "" }
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
            #expect(bodies.count == 3 && bodies[0].hasPrefix(#"{"TableDescription""#) && bodies[1] == "{}")
            #expect(bodies.last.map { $0.contains(#""n":{"N":"1"}"#) && $0.contains(#""id":{"S":"a"}"#) } == true)
        }
    }

    /// One request over a fresh TCP connection; returns everything until the response is complete.
    private func rawRequest(port: Int, _ text: String, closeAfterHead: Bool = false, responses: Int = 1) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(text.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        if closeAfterHead { shutdown(fd, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while completeResponses(String(decoding: received, as: UTF8.self)) < responses {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// How many whole responses (head and Content-Length bytes of body) `text` holds.
    private func completeResponses(_ text: String) -> Int {
        var rest = Substring(text)
        var count = 0
        while let headerEnd = rest.range(of: "\r\n\r\n"),
            let lengthLine = rest[..<headerEnd.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
            rest[headerEnd.upperBound...].utf8.count >= length
        {
            count += 1
            rest = Substring(rest[headerEnd.upperBound...].utf8.dropFirst(length))
        }
        return count
    }
}
