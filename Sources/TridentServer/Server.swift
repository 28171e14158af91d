import Logging
import NIOCore
import NIOPosix
import NIOSSL
import TridentEngine

/// The listening HTTP/1.1 server: SwiftNIO sockets and event loops, one `HTTPConnection` per client.
public final class Server: Sendable {
    private let channel: any Channel
    /// The event loops, when the server made them (else their owner shuts them down).
    private let ownedGroup: MultiThreadedEventLoopGroup?

    /// The address actually bound (port 0 picks a free port).
    public let localAddress: SocketAddress

    public static func start(
        host: String, port: Int, router: Router, limits: ConnectionLimits = ConnectionLimits(), threads: Int = System.coreCount
    ) async throws -> Server {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        do {
            return try await start(host: host, port: port, router: router, limits: limits, on: group, owned: true)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Serves on event loops the caller made (and shuts down after `stop`): the engine's writer
    /// runs on one of them.
    public static func start(host: String, port: Int, router: Router, limits: ConnectionLimits, on loops: EventLoops) async throws -> Server {
        try await start(host: host, port: port, router: router, limits: limits, on: loops.group, owned: false)
    }

    private static func start(
        host: String, port: Int, router: Router, limits: ConnectionLimits, on group: MultiThreadedEventLoopGroup, owned: Bool
    ) async throws -> Server {
        let shared = SharedLimits(limits)
        let tls = try limits.tls.map {
            try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile($0.certificate).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: $0.key, format: .pem))))
        }
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AcceptPause()) }
                }
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    // At the limit a connection is accepted and closed: cheap, and the client learns at once.
                    guard shared.openConnection() else { return channel.close() }
                    channel.closeFuture.whenComplete { _ in shared.closeConnection() }
                    return channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                        try channel.pipeline.syncOperations.addHandler(HTTPConnection(router: router, shared: shared))
                    }
                }
                .bind(to: try Self.address(host: host, port: port))
                .get()
            return Server(channel: channel, group: owned ? group : nil)
        }
    }

    /// An IP address is used as it is (resolving it through the system's resolver costs a start
    /// milliseconds); a name is resolved.
    private static func address(host: String, port: Int) throws -> SocketAddress {
        if let literal = try? SocketAddress(ipAddress: host, port: port) { return literal }
        return try SocketAddress.makeAddressResolvingHost(host, port: port)
    }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup?) {
        self.channel = channel
        self.ownedGroup = group
        self.localAddress = channel.localAddress!
    }

    /// Stops accepting and closes connections (and the event loops, when the server made them).
    public func stop() async {
        try? await channel.close()
        try? await ownedGroup?.shutdownGracefully()
    }
}

/// The server's event loops, made before the engine so its writer can run on one of them too.
public final class EventLoops: Sendable {
    let group: MultiThreadedEventLoopGroup

    public init(threads: Int) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
    }

    /// A loop for the engine's writer (`EngineConfiguration.writerExecutor`).
    public var writerExecutor: any WorkExecutor {
        EventLoopExecutor(loop: group.next())
    }

    public func shutdown() async {
        try? await group.shutdownGracefully()
    }
}

/// The writer on an event loop: its groups run between the loop's reads.
struct EventLoopExecutor: WorkExecutor {
    let loop: any EventLoop

    func execute(_ work: @escaping @Sendable () -> Void) {
        loop.execute(work)
    }
}
