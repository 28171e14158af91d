import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one client may cost the server: how long a connection may sit idle, take to send a head or
/// trickle a body, how many connections there may be, and how many body bytes may be held for
/// requests still arriving. Each has a flag of `trident serve`.
public struct ConnectionLimits: Sendable {
    /// A keep-alive connection with no request in progress is closed after this (`--idle-timeout`).
    public var idleTimeout: Double = 60
    /// A request's head must arrive within this of its first byte (`--header-timeout`).
    public var headerTimeout: Double = 10
    /// A body must arrive at least this fast, in bytes per second, measured over each
    /// `headerTimeout` (`--min-body-rate`).
    public var minBodyRate: Int = 1024
    /// Connections open at once; past it new ones are accepted and closed (`--max-connections`).
    public var maxConnections: Int = 10_000
    /// Bytes of request bodies held at once while they arrive; a body that would pass it is
    /// answered 503 (`--body-memory-mb`).
    public var bodyMemoryBytes: Int = 64 << 20
    /// PEM files of a certificate chain and its private key: serve https (`--tls-cert`, `--tls-key`).
    public var tls: (certificate: String, key: String)?

    public init() {}

    /// Raises the soft limit on open files to the hard one and returns it, so the default number of
    /// connections can be derived from what the process may really open.
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The connections a limit on open files allows, keeping some for the data files and the log.
    public static func connections(forOpenFiles files: Int) -> Int {
        max(16, min(files - 128, 100_000))
    }
}

/// Counts what every connection shares: the connections open and the body bytes held.
final class SharedLimits: Sendable {
    let limits: ConnectionLimits
    private let connections = Atomic(0)
    private let bodyBytes = Atomic(0)

    init(_ limits: ConnectionLimits) {
        self.limits = limits
    }

    /// Takes a connection slot; false at the limit.
    func openConnection() -> Bool {
        if connections.add(1, ordering: .relaxed).newValue <= limits.maxConnections { return true }
        connections.subtract(1, ordering: .relaxed)
        return false
    }

    func closeConnection() {
        connections.subtract(1, ordering: .relaxed)
    }

    /// Takes `bytes` of the body budget; false (nothing taken) if that would pass it.
    func reserveBody(_ bytes: Int) -> Bool {
        if bodyBytes.add(bytes, ordering: .relaxed).newValue <= limits.bodyMemoryBytes { return true }
        bodyBytes.subtract(bytes, ordering: .relaxed)
        return false
    }

    func releaseBody(_ bytes: Int) {
        if bytes > 0 { bodyBytes.subtract(bytes, ordering: .relaxed) }
    }
}
