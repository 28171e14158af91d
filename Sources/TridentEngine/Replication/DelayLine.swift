import Foundation

/// Hands work to a zone after a delay, in the order it was scheduled: the lagging copy of an
/// asynchronous follower. One thread per line, idle unless a lag is set.
final class DelayLine: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(due: Date, work: @Sendable () -> Void)] = []
    private var started = false
    private var closed = false
    private let name: String

    init(name: String) {
        self.name = name
    }

    func schedule(after milliseconds: Int, _ work: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return }
        queue.append((Date(timeIntervalSinceNow: Double(milliseconds) / 1000), work))
        if !started {
            started = true
            let thread = Thread { [self] in loop() }
            thread.name = "trident-lag-\(name)"
            thread.start()
        }
        condition.signal()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while !closed {
            guard let head = queue.first else {
                condition.wait()
                continue
            }
            if head.due > Date() {
                _ = condition.wait(until: head.due)
                continue
            }
            queue.removeFirst()
            condition.unlock()
            head.work()
            condition.lock()
        }
        // Closing runs what is still waiting at once, so the acknowledgements it carries resolve.
        let dropped = queue
        queue.removeAll()
        condition.unlock()
        for item in dropped { item.work() }
    }
}
