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
///
/// A client costs bounded time and memory (`ConnectionLimits`): an idle keep-alive connection is
/// closed, a head that does not arrive in time or a body slower than the minimum rate gets 408,
/// and a body the shared budget cannot hold gets 503. A check once a second sees to the clocks;
/// nothing is timed while the server itself works on a request.
final class HTTPConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let router: Router
    private let shared: SharedLimits
    private var decoder: HTTPRequestFramer
    private var input: ByteBuffer?
    private var remoteAddress: SocketAddress?
    private var timer: RepeatedTask?
    /// When the connection last became idle, or when the head being read began.
    private var since = NIODeadline.now()
    /// The body being read: bytes received so far, and at the start of the rate window.
    private var received = 0
    private var window = (start: NIODeadline.now(), received: 0)
    /// Body bytes this connection holds of the shared budget.
    private var reserved = 0

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

    init(router: Router, shared: SharedLimits) {
        self.router = router
        self.shared = shared
        decoder = HTTPRequestFramer(maxBodyBytes: Router.maxBodyBytes, keepsHead: router.signatures != nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        router.metrics?.openConnections.add(1, ordering: .relaxed)
        remoteAddress = context.channel.remoteAddress
        since = .now()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            bound.value.0.checkClocks(context: bound.value.1)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        router.metrics?.openConnections.subtract(1, ordering: .relaxed)
        timer?.cancel()
        timer = nil
        shared.releaseBody(reserved)
        reserved = 0
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        received += chunk.readableBytes
        if input == nil || input!.readableBytes == 0 {
            if !inFlight && !decoder.readingBody { since = .now() }
            input = chunk
        } else {
            input!.writeBuffer(&chunk)
        }
        inRead = true
        decode(context: context)
    }

    // MARK: limits

    /// Once a second: closes what has been idle too long, answers 408 to a head or body too slow.
    private func checkClocks(context: ChannelHandlerContext) {
        guard !inFlight, mode == .open else { return }
        let now = NIODeadline.now()
        let limits = shared.limits
        if decoder.readingBody {
            let elapsed = Double((now - window.start).nanoseconds) / 1e9
            guard elapsed >= limits.headerTimeout else { return }
            if Double(received - window.received) < Double(limits.minBodyRate) * elapsed { return refuse(.requestTimeout, context: context) }
            window = (now, received)
        } else if (input?.readableBytes ?? 0) > 0 {
            if Double((now - since).nanoseconds) / 1e9 > limits.headerTimeout { refuse(.requestTimeout, context: context) }
        } else if Double((now - since).nanoseconds) / 1e9 > limits.idleTimeout {
            mode = .closing
            context.close(promise: nil)
        }
    }

    /// Holds the current body's bytes against the shared budget; false when the budget cannot.
    private func reserveBody() -> Bool {
        let needed = decoder.bodyBytesExpected
        guard needed > reserved else { return true }
        guard shared.reserveBody(needed - reserved) else { return false }
        if reserved == 0 { window = (.now(), received) }
        reserved = needed
        return true
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
            guard reserveBody() else { return refuse(.serviceUnavailable, context: context) }
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
        if pending.response.dropsConnection {
            // What a client sees when a server or a network path dies mid-request.
            inFlight = false
            shared.releaseBody(reserved)
            reserved = 0
            mode = .closing
            context.flush()  // answers to earlier pipelined requests still go out
            context.close(promise: nil)
            return
        }
        write(pending, context: context)
        inFlight = false
        shared.releaseBody(reserved)
        reserved = 0
        since = .now()
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
