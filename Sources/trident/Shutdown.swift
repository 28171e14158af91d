import Dispatch
import Foundation

/// Waits for a termination signal, so the server can stop cleanly (writers drained, temp data removed).
enum Shutdown {
    static func wait(for signals: [Int32]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once()
            var sources: [any DispatchSourceSignal] = []
            for sig in signals {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    if once.first() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            Keeper.keep(sources)
        }
    }

    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var fired = false

        func first() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if fired { return false }
            fired = true
            return true
        }
    }

    /// Signal sources must stay alive for the process's life.
    private enum Keeper {
        nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
        static func keep(_ s: [any DispatchSourceSignal]) { sources.append(contentsOf: s) }
    }
}
