#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The writes one journal handed to the disk, numbered in order from 1: which are done (they may
/// finish in any order), which segment each still reads from, and whether one failed. A group of
/// records is durable once every write up to its own is done and its files are flushed: recovery
/// stops at the first missing record, so a later group is never durable before an earlier one.
/// Pure bookkeeping; the journal holds it under its lock.
struct WriteLedger {
    /// The last write handed over.
    private(set) var submitted: UInt64 = 0
    /// Every write up to this one is done.
    private(set) var doneThrough: UInt64 = 0
    /// The first write that failed, with its error number: nothing from it on can become durable.
    private(set) var failure: (write: UInt64, code: Int32)?
    /// Done after a write still pending.
    private var doneEarly: Set<UInt64> = []
    private var pending: [UInt64: (segment: JournalSegment, count: Int)] = [:]

    var inFlight: Int { pending.count }

    /// The number the next write gets.
    var next: UInt64 { submitted + 1 }

    /// Numbers a write of `count` bytes from `segment` (whose in-flight count goes up).
    @discardableResult
    mutating func submit(_ segment: JournalSegment, count: Int) -> UInt64 {
        submitted += 1
        pending[submitted] = (segment, count)
        segment.inFlight += 1
        return submitted
    }

    /// A write finished with `result` (bytes written, or -errno); returns its segment (whose
    /// in-flight count went down), nil for a number it does not know.
    @discardableResult
    mutating func complete(_ write: UInt64, result: Int64) -> JournalSegment? {
        guard let (segment, count) = pending.removeValue(forKey: write) else { return nil }
        segment.inFlight -= 1
        if result != Int64(count), failure.map({ write < $0.write }) ?? true {
            // A short direct write is a failed one: its block holds a torn record.
            failure = (write, result < 0 ? Int32(-result) : EIO)
        }
        if write == doneThrough + 1 {
            doneThrough = write
            while doneEarly.remove(doneThrough + 1) != nil { doneThrough += 1 }
        } else {
            doneEarly.insert(write)
        }
        return segment
    }

    /// Whether every write up to `write` is done.
    func isDone(through write: UInt64) -> Bool { doneThrough >= write }

    /// The error that keeps writes up to `write` from being durable, if any.
    func failure(through write: UInt64) -> Int32? {
        failure.flatMap { $0.write <= write ? $0.code : nil }
    }
}
