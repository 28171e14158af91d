import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Out of file descriptors (EMFILE, ENFILE), accepting again at once only fails again: the listening
/// socket stays readable and the loop spins. This stops reading from it for a moment, then tries
/// again — existing connections are served meanwhile, and accepting resumes by itself once
/// descriptors are free. (NIO's own AcceptBackoffHandler waits for a `read` that never comes after
/// a failed accept, so it cannot stop the spin.)
final class AcceptPause: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    static let pause = TimeAmount.milliseconds(100)
    private var paused = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let io = error as? IOError, io.errnoCode == EMFILE || io.errnoCode == ENFILE else {
            return context.fireErrorCaught(error)
        }
        guard !paused else { return }
        paused = true
        let channel = context.channel
        channel.setOption(.autoRead, value: false).whenComplete { _ in
            channel.eventLoop.scheduleTask(in: Self.pause) {
                channel.setOption(.autoRead, value: true).whenComplete { _ in channel.eventLoop.execute { self.resumed() } }
            }
        }
    }

    private func resumed() {
        paused = false
    }
}
