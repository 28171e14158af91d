import Foundation

/// A FIFO a dedicated thread drains: `takeAll` blocks until something arrives, then hands over
/// everything queued at once (which is what lets the writer commit a whole group in one transaction).
final class BlockingQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var elements: [Element] = []
    private var closed = false

    /// Queues `element`; false (and nothing queued) once the queue is closed. `signal: false` leaves
    /// a waiting taker asleep until `signal()`.
    @discardableResult
    func append(_ element: Element, signal: Bool = true) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        elements.append(element)
        if signal { condition.signal() }
        return true
    }

    /// Wakes a waiting taker.
    func signal() {
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    /// Everything queued, oldest first; empty only once the queue is closed and drained.
    func takeAll() -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        while elements.isEmpty && !closed { condition.wait() }
        let taken = elements
        elements.removeAll(keepingCapacity: true)
        return taken
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
