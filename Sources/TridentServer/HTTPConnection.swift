import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection over raw bytes: decodes requests (`HTTPRequestFramer`), routes each,
/// and writes the answer. Keep-alive by default; pipelined requests are taken one at a time — the
/// next is routed only once the previous one is answered, so a GetItem sent after a PutItem on the
/// same connection sees it — and reading pauses meanwhile, so a pipelining client is held back by
/// TCP instead of by our memory.
///
/// SwiftNIO's HTTP codec is not used: it turns every request into a header dictionary, three
/// wrapped parts and a pipelining handler, which together cost about as much as the whole
/// DynamoDB work of a GetItem on this kind of machine.
final class HTTPConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let router: Router
    private var decoder = HTTPRequestFramer(maxBodyBytes: Router.maxBodyBytes)
    private var input: ByteBuffer?
    private var remoteAddress: SocketAddress?

    /// A request is being answered: nothing more is routed until it is.
    private var inFlight = false

    private enum Mode {
        case open
        /// A 413 went out; the rest of that body is read and dropped, then the connection closes.
        case discardingBody
        /// The last response is queued; nothing more is decoded.
        case closing
    }

    private var mode = Mode.open
    private var inRead = false
    private var decoding = false
    private var needsFlush = false
    private var readPending = false
    private var closeScheduled = false

    private struct Pending {
        var response: Router.Response
        var version: HTTPVersion
        var keepAlive: Bool
        /// A HEAD request: the headers of the answer, without its body.
        var headOnly = false
    }

    init(router: Router) {
        self.router = router
    }

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if input == nil || input!.readableBytes == 0 {
            input = chunk
        } else {
            input!.writeBuffer(&chunk)
        }
        inRead = true
        decode(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inRead = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    /// Withholds reads while a request is in flight (backpressure on a pipelining client).
    func read(context: ChannelHandlerContext) {
        if inFlight {
            readPending = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: decoding

    private func decode(context: ChannelHandlerContext) {
        guard var buffer = input else { return }
        input = nil
        decoding = true
        defer {
            decoding = false
            if buffer.readableBytes == 0 {
                // Keep nothing between requests: the next read brings its own buffer.
                input = nil
            } else {
                buffer.discardReadBytes()
                input = buffer
            }
        }
        while mode != .closing && !inFlight {
            let event: HTTPRequestFramer.Event?
            do {
                event = try decoder.next(&buffer)
            } catch {
                refuse(error == .notImplemented ? .notImplemented : .badRequest, context: context)
                return
            }
            guard let event else { return }
            switch event {
            case let .request(request):
                guard mode == .open else { continue }
                if !request.keepAlive { mode = .closing }
                dispatch(request, context: context)
            case .continueExpected:
                guard mode == .open else { continue }
                var out = context.channel.allocator.buffer(capacity: 32)
                HTTPResponseWriter.writeContinue(into: &out)
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            case let .bodyTooLarge(request):
                guard mode == .open else { continue }
                // Reading the rest keeps the kernel from resetting the connection before the client reads the 413.
                mode = decoder.discardsBody ? .discardingBody : .closing
                inFlight = true
                complete(Pending(response: Router.payloadTooLarge, version: request.version, keepAlive: false), context: context)
            case .discardedBody:
                mode = .closing
                closeWhenWritten(context: context)
            }
        }
    }

    private func dispatch(_ request: HTTPRequest, context: ChannelHandlerContext) {
        inFlight = true
        let version = request.version, keepAlive = request.keepAlive, headOnly = request.method == .HEAD
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: eventLoop)
        router.route(request, remoteAddress: remoteAddress) { response in
            let pending = Pending(response: response, version: version, keepAlive: keepAlive, headOnly: headOnly)
            if eventLoop.inEventLoop {
                bound.value.0.complete(pending, context: bound.value.1)
            } else {
                eventLoop.execute { bound.value.0.complete(pending, context: bound.value.1) }
            }
        }
    }

    /// Malformed framing: answered (nothing is in flight while decoding), then the connection closes.
    private func refuse(_ status: HTTPResponseStatus, context: ChannelHandlerContext) {
        mode = .closing
        inFlight = true
        complete(
            Pending(response: Router.Response(status: status, contentType: nil, body: []), version: .http1_1, keepAlive: false), context: context)
    }

    // MARK: writing

    private func complete(_ pending: Pending, context: ChannelHandlerContext) {
        write(pending, context: context)
        inFlight = false
        if inRead {
            needsFlush = true
        } else {
            context.flush()
        }
        if mode == .closing {
            closeWhenWritten(context: context)
            return
        }
        // Answered later (a write at its quorum): take up pipelined requests, then reading again.
        if !decoding && input != nil { decode(context: context) }
        if readPending && !inFlight {
            readPending = false
            context.read()
        }
    }

    private func write(_ pending: Pending, context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: pending.response.body.count + 200)
        HTTPResponseWriter.write(
            pending.response, version: pending.version, keepAlive: pending.keepAlive, withBody: !pending.headOnly, requestIDs: router.requestIDs,
            into: &out)
        context.write(wrapOutboundOut(out), promise: nil)
    }

    private func closeWhenWritten(context: ChannelHandlerContext) {
        guard !inFlight, !closeScheduled else { return }
        closeScheduled = true
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
