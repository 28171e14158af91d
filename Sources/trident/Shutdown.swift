import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Catches termination signals so the server can stop cleanly (writer drained, data flushed).
/// Made before the server says it is listening: a signal sent the moment after is not lost.
final class Shutdown: @unchecked Sendable {
    private let received = Received()
    /// Kept alive with the object; set once in `init`, never touched again.
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let received = received
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { received.fire() }
            source.resume()
            return source
        }
    }

    /// Returns once a signal has come (at once if one already has).
    func wait() async {
        await received.wait()
    }

    private final class Received: Sendable {
        private enum State {
            case waiting
            case awaited(CheckedContinuation<Void, Never>)
            case fired
        }

        private let state = Mutex(State.waiting)

        func fire() {
            let continuation = state.withLock { s -> CheckedContinuation<Void, Never>? in
                defer { s = .fired }
                if case let .awaited(c) = s { return c }
                return nil
            }
            continuation?.resume()
        }

        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let fired = state.withLock { s -> Bool in
                    if case .fired = s { return true }
                    s = .awaited(continuation)
                    return false
                }
                if fired { continuation.resume() }
            }
        }
    }
}
