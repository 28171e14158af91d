import CLMDB
import Synchronization

/// Read transactions kept between uses: `mdb_txn_reset` releases the snapshot but keeps the reader
/// slot, `mdb_txn_renew` takes a fresh snapshot — much cheaper than begin/abort per request.
final class ReaderPool: Sendable {
    private let idle = Mutex<[ReadTransaction]>([])

    func take(from environment: Environment) throws -> ReadTransaction {
        if let txn = idle.withLock({ $0.popLast() }) {
            do {
                try txn.renew()
                return txn
            } catch {
                txn.abort()
                throw error
            }
        }
        return try ReadTransaction(environment: environment)
    }

    func giveBack(_ txn: ReadTransaction) {
        txn.reset()
        idle.withLock { $0.append(txn) }
    }

    func drain() {
        let all = idle.withLock { pool in
            defer { pool.removeAll() }
            return pool
        }
        for txn in all { txn.abort() }
    }
}
