import CLMDB

/// A named database inside an environment. The handle is a small integer valid for the
/// environment's lifetime once the transaction that opened it has committed.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi

    init(dbi: MDB_dbi) {
        self.dbi = dbi
    }
}

/// Entry counts of a database, as `mdb_stat` reports them.
public struct DatabaseStatistics: Sendable, Equatable {
    public let entries: Int
    public let depth: Int
    public let pages: Int
}
