import NIOCore
import NIOHTTP1

/// Writes an HTTP/1.1 response straight into the connection's buffer — status line, DynamoDB's
/// headers (`x-amzn-RequestId`, `x-amz-crc32` of the body), Content-Length, body — with no header
/// dictionary or per-header strings in between: it runs for every request.
enum HTTPResponseWriter {
    /// `withBody` false: the answer to a HEAD request, its headers (Content-Length included) alone.
    static func write(
        _ response: Router.Response, version: HTTPVersion, keepAlive: Bool, withBody: Bool = true, requestIDs: RequestIDGenerator,
        into buffer: inout ByteBuffer
    ) {
        statusLine(response.status, version: version, into: &buffer)
        if let contentType = response.contentType {
            buffer.writeStaticString("Content-Type: ")
            buffer.writeString(contentType)
            buffer.writeStaticString("\r\n")
        }
        for header in response.headers {
            buffer.writeString(header)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("x-amzn-RequestId: ")
        requestIDs.write(into: &buffer)
        buffer.writeStaticString("\r\nx-amz-crc32: ")
        writeDecimal(Int(CRC32.checksum(response.body)), into: &buffer)
        buffer.writeStaticString("\r\nContent-Length: ")
        writeDecimal(response.body.count, into: &buffer)
        if !keepAlive {
            buffer.writeStaticString("\r\nConnection: close")
        } else if version.minor == 0 {
            buffer.writeStaticString("\r\nConnection: keep-alive")
        }
        buffer.writeStaticString("\r\n\r\n")
        if withBody { buffer.writeBytes(response.body) }
    }

    static func writeContinue(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
    }

    private static func statusLine(_ status: HTTPResponseStatus, version: HTTPVersion, into buffer: inout ByteBuffer) {
        switch (status, version.minor) {
        case (.ok, 1): buffer.writeStaticString("HTTP/1.1 200 OK\r\n")
        case (.badRequest, 1): buffer.writeStaticString("HTTP/1.1 400 Bad Request\r\n")
        default:
            buffer.writeStaticString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
            writeDecimal(Int(status.code), into: &buffer)
            buffer.writeStaticString(" ")
            buffer.writeString(status.reasonPhrase)
            buffer.writeStaticString("\r\n")
        }
    }

    static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        precondition(value >= 0)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var n = value
        withUnsafeMutableBytes(of: &digits) { out in
            repeat {
                out[23 - count] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: out[(24 - count)...]))
        }
    }
}
