import DynamoModel
import NIOCore
import NIOHTTP1
import TridentEngine

/// One HTTP/1.1 connection: gathers a request (bounded), routes it — DynamoDB API, admin API, health —
/// and writes the answer with DynamoDB's headers. Keep-alive is NIO's default for HTTP/1.1.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: Router
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    /// The request is over the size limit: its body is read and dropped, then the connection closes.
    private var discarding = false

    init(router: Router) {
        self.router = router
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(requestHead):
            body = nil
            if let length = requestHead.headers.first(name: "content-length").flatMap(Int.init), length > Router.maxBodyBytes {
                // Answer before the body arrives: nobody should have to upload 16 MB to learn it is refused.
                discarding = true
                respond(to: requestHead, body: [], tooLarge: true, context: context)
            } else {
                head = requestHead
            }
        case var .body(chunk):
            guard !discarding else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > Router.maxBodyBytes {
                // A chunked body that grew past the limit.
                discarding = true
                body = nil
                if let requestHead = head { respond(to: requestHead, body: [], tooLarge: true, context: context) }
                head = nil
                return
            }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            if discarding {
                context.close(promise: nil)
                return
            }
            guard let requestHead = head else { return }
            head = nil
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            respond(to: requestHead, body: bytes, tooLarge: false, context: context)
        }
    }

    private func respond(to requestHead: HTTPRequestHead, body bytes: [UInt8], tooLarge: Bool, context: ChannelHandlerContext) {
        let request = Router.Request(
            method: requestHead.method, uri: requestHead.uri, headers: requestHead.headers,
            body: bytes, tooLarge: tooLarge, remoteAddress: context.channel.remoteAddress
        )
        let keepAlive = requestHead.isKeepAlive && !tooLarge
        let version = requestHead.version
        let promise = context.eventLoop.makePromise(of: Router.Response.self)
        router.route(request) { promise.succeed($0) }
        promise.futureResult.assumeIsolated().whenSuccess { response in
            self.write(response, version: version, keepAlive: keepAlive, context: context)
        }
    }

    private func write(_ response: Router.Response, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = response.headers
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        if !keepAlive && !discarding {
            promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Malformed HTTP: answer nothing more on this connection.
        context.close(promise: nil)
    }
}
