import Dispatch
import Synchronization

/// The items transactions hold while `--transaction-window-ms` keeps them in flight. DynamoDB
/// applies a transaction over time, and a write that meets one of its items meanwhile fails with
/// TransactionConflictException (a colliding transaction is cancelled); Trident commits at once,
/// so it holds the items for the window on purpose, for tests of the retry paths. Checked and
/// taken on the writer, in the order writes are decided.
final class TransactionHolds: Sendable {
    private let window: UInt64
    /// Held items (`table № ‖ item key`) and when each is let go, in uptime nanoseconds.
    private let held = Mutex<[[UInt8]: UInt64]>([:])

    init(milliseconds: Int) {
        window = UInt64(milliseconds) * 1_000_000
    }

    var milliseconds: Int { Int(window / 1_000_000) }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private static func heldKey(table: UInt32, itemKey: [UInt8]) -> [UInt8] {
        var key = withUnsafeBytes(of: table.bigEndian) { Array($0) }
        key.append(contentsOf: itemKey)
        return key
    }

    func isHeld(table: UInt32, itemKey: [UInt8]) -> Bool {
        let now = Self.now()
        return held.withLock { ($0[Self.heldKey(table: table, itemKey: itemKey)] ?? 0) > now }
    }

    /// Holds the items for the window from now (and forgets holds that ended).
    func hold(_ items: [(table: UInt32, itemKey: [UInt8])]) {
        let now = Self.now()
        held.withLock { held in
            if held.count > 10_000 { held = held.filter { $0.value > now } }
            for item in items { held[Self.heldKey(table: item.table, itemKey: item.itemKey)] = now + window }
        }
    }
}
