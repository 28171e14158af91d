import FoundationEssentials
import Synchronization

/// The one clock everything time-based reads (TTL expiry, capacity refill, table timestamps).
/// In `controlled` mode it starts at the real time and moves only when a test tells it to.
public final class Clock: Sendable {
    public enum Mode: String, Sendable {
        case system
        case controlled
    }

    public let mode: Mode
    /// Seconds since the epoch, used only in controlled mode.
    private let controlled: Mutex<Double>

    public init(mode: Mode, start: Double = Date().timeIntervalSince1970) {
        self.mode = mode
        controlled = Mutex(start)
    }

    /// Seconds since the epoch.
    public var now: Double {
        switch mode {
        case .system: Date().timeIntervalSince1970
        case .controlled: controlled.withLock { $0 }
        }
    }

    public enum ChangeError: Error, Equatable {
        case systemClock
        case backwards
    }

    /// Moves a controlled clock forward by `seconds`.
    public func advance(by seconds: Double) throws(ChangeError) -> Double {
        guard mode == .controlled else { throw .systemClock }
        guard seconds >= 0 else { throw .backwards }
        return controlled.withLock { value in
            value += seconds
            return value
        }
    }

    /// Sets a controlled clock to `epochSeconds`; time never runs backwards.
    public func set(to epochSeconds: Double) throws(ChangeError) -> Double {
        guard mode == .controlled else { throw .systemClock }
        return try controlled.withLock { (value: inout Double) throws(ChangeError) -> Double in
            guard epochSeconds >= value else { throw .backwards }
            value = epochSeconds
            return value
        }
    }
}
