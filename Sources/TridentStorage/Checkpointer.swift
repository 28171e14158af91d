import Dispatch
import Synchronization

/// Every `interval`, flushes the data file and drops the log behind it, so the log holds about an
/// interval of writes and a restart replays little. The changed pages are first handed to the
/// kernel's background writeback for a moment (they yield to the log's flushes there), then the
/// rest is flushed. In between, whenever the log takes its last spare segment, it writes the next
/// one (`Log.prepareSpare`). On a serial queue of its own: a flush blocks until the disk has every
/// page, which must not hold up an event loop.
public final class Checkpointer: Sendable {
    private let queue = DispatchQueue(label: "trident-checkpoint")
    private let store: Store
    private let interval: Double
    private let failed: @Sendable (any Error) -> Void
    private let stopped = Atomic(false)

    public init(store: Store, interval: Double, failed: @escaping @Sendable (any Error) -> Void) {
        self.store = store
        self.interval = interval
        self.failed = failed
        let queue = queue
        store.log?.onSpareTaken { queue.async { store.log?.prepareSpare() } }
        // Not at once: the zeros would compete with the start for the disk.
        queue.asyncAfter(deadline: .now() + 1) { store.log?.prepareSpare() }
        schedule()
    }

    private func schedule() {
        queue.asyncAfter(deadline: .now() + interval) { [self] in
            guard !stopped.load(ordering: .acquiring) else { return }
            do {
                try store.startCheckpoint()
            } catch {
                failed(error)
            }
            queue.asyncAfter(deadline: .now() + min(1, interval / 10)) { [self] in
                guard !stopped.load(ordering: .acquiring) else { return }
                do {
                    try store.checkpoint()
                } catch {
                    failed(error)
                }
                store.log?.prepareSpare()
                schedule()
            }
        }
    }

    /// Stops, waiting for a checkpoint in progress.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        queue.sync {}
    }
}
