import Foundation

/// Every `interval`, flushes the data file and drops the log behind it, so the log holds about an
/// interval of writes and a restart replays little. The changed pages are first handed to the
/// kernel's background writeback for a moment (they yield to the log's flushes there), then the
/// rest is flushed. Its own thread: a flush blocks until the disk has every page.
public final class Checkpointer: Sendable {
    private let stopRequested = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    public init(store: Store, interval: Double, failed: @escaping @Sendable (any Error) -> Void) {
        let lead = min(1, interval / 10)
        let thread = Thread { [stopRequested, stopped] in
            while stopRequested.wait(timeout: .now() + interval) == .timedOut {
                do {
                    try store.startCheckpoint()
                    let stopping = stopRequested.wait(timeout: .now() + lead) == .success
                    try store.checkpoint()
                    if stopping { break }
                } catch {
                    failed(error)
                }
            }
            stopped.signal()
        }
        thread.name = "trident-checkpoint"
        thread.start()
    }

    /// Stops the loop, waiting for a checkpoint in progress. Once only.
    public func stop() {
        stopRequested.signal()
        stopped.wait()
    }
}
