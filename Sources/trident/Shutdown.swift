import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Waits for a termination signal, so the server can stop cleanly (writer drained, data flushed).
enum Shutdown {
    static func wait(for signals: [Int32]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once()
            let sources = signals.map { sig -> any DispatchSourceSignal in
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    if once.first() { continuation.resume() }
                }
                source.resume()
                return source
            }
            Keeper.sources.append(contentsOf: sources)
        }
    }

    private final class Once: Sendable {
        private let fired = Atomic(false)
        func first() -> Bool { !fired.exchange(true, ordering: .relaxed) }
    }

    /// Signal sources must stay alive for the process's life (set once, before any signal).
    private enum Keeper {
        nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    }
}
