import TridentStorage

/// One write handed to replication: what it changes is decided inside the group's transaction,
/// exactly once; the answer comes once the change is acknowledged or has failed.
public protocol WriteTask: AnyObject, Sendable {
    /// Reads through `reader` (which sees the group's earlier writes) and returns the ops to apply
    /// as one log entry; empty: nothing to write (the task still gets its answer in order). Runs
    /// once. Throwing fails this write alone.
    func prepare(_ reader: StoreReader) throws -> [StorageOp]

    /// Exactly once: `.success` when the write is durable and visible to every read that must see
    /// it (or, for a write that changed nothing, when the writes before it are), else why not.
    func finish(_ result: Result<Void, any Error>)
}

/// Runs work in order on one thread at a time: where the writer runs. The server passes an event
/// loop, so that on one core requests and writes share a thread and nothing waits for the
/// scheduler to switch between them.
public protocol WriterExecutor: Sendable {
    func execute(_ work: @escaping @Sendable () -> Void)
}
