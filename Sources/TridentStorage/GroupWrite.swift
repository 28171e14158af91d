import LMDB

/// The writer's side of one group transaction: reads see the group's earlier writes, and each
/// write's ops become the next numbered log entry.
public struct GroupWrite {
    public let reader: StoreReader
    let transaction: WriteTransaction
    let store: Store
    let first: UInt64
    /// The entries' payloads so far, in order.
    private(set) var payloads: [[UInt8]] = []
    private var payloadBytes = 0

    /// Applying ops failed part way: the group's transaction cannot commit.
    public struct Poisoned: Error {
        public let error: any Error
    }

    init(store: Store, transaction: WriteTransaction, first: UInt64) {
        self.store = store
        self.transaction = transaction
        self.first = first
        reader = StoreReader(store: store, transaction: transaction)
    }

    /// Applies one write's ops as the next entry and returns its sequence. Room for it in the log
    /// and the data file is claimed first, so a full disk throws `StorageError.diskFull` with
    /// nothing applied (only this write fails); a failure while applying throws `Poisoned`.
    @discardableResult
    public mutating func append(_ ops: [StorageOp]) throws -> UInt64 {
        let payload = StorageOp.encode(ops)
        let sequence = first + UInt64(payloads.count)
        do {
            try store.log?.reserve(LogFrame.size(payloadSizes: payloadBytes + payload.count, count: payloads.count + 1), first: first)
            try store.reserve.claim(ops)
        } catch let error as StorageError where error.isDiskFull {
            store.noteDiskFull()
            throw error
        }
        do {
            for op in ops { try store.databases.apply(op, in: transaction) }
        } catch {
            throw Poisoned(error: error)
        }
        payloads.append(payload)
        payloadBytes += payload.count
        return sequence
    }
}
