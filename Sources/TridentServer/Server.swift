import Logging
import NIOCore
import NIOPosix
import TridentEngine

/// The listening HTTP/1.1 server: SwiftNIO sockets and event loops, one `HTTPConnection` per client.
public final class Server: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    /// The address actually bound (port 0 picks a free port).
    public let localAddress: SocketAddress

    public static func start(host: String, port: Int, router: Router, threads: Int = System.coreCount) async throws -> Server {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTPConnection(router: router))
                    }
                }
                .bind(host: host, port: port)
                .get()
            return Server(channel: channel, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.channel = channel
        self.group = group
        self.localAddress = channel.localAddress!
    }

    /// Stops accepting, closes connections and the event loops.
    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}
