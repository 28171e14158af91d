import DynamoModel

/// Byte layout of a replication-log entry's value (its sequence number is the LMDB key):
///
///     varint term │ varint op count │ op × count
///     op = kind (1 put, 2 delete, 3 delete-prefix) │ database │ varint key length │ key
///          │ [put only] varint value length │ value
///
/// Frozen: logs outlive the process that wrote them.
extension LogEntry {
    func encodedOps() -> [UInt8] {
        var out: [UInt8] = []
        Varint.write(Int(term), into: &out)
        Varint.write(ops.count, into: &out)
        for op in ops {
            switch op {
            case let .put(db, key, value):
                out.append(1)
                out.append(db.rawValue)
                Varint.writeBytes(key, into: &out)
                Varint.writeBytes(value, into: &out)
            case let .delete(db, key):
                out.append(2)
                out.append(db.rawValue)
                Varint.writeBytes(key, into: &out)
            case let .deletePrefix(db, prefix):
                out.append(3)
                out.append(db.rawValue)
                Varint.writeBytes(prefix, into: &out)
            }
        }
        return out
    }

    init(sequence: UInt64, encodedOps bytes: UnsafeRawBufferPointer) throws {
        var reader = Varint.Reader(bytes)
        let term = UInt64(try reader.varint())
        let count = try reader.count()
        var ops: [StorageOp] = []
        ops.reserveCapacity(count)
        for _ in 0..<count {
            let kind = try reader.byte()
            guard let db = StoreDatabase(rawValue: try reader.byte()) else { throw Varint.Corrupt("unknown log op") }
            let key = try reader.bytes()
            switch kind {
            case 1: ops.append(.put(db, key: key, value: try reader.bytes()))
            case 2: ops.append(.delete(db, key: key))
            case 3: ops.append(.deletePrefix(db, prefix: key))
            default: throw Varint.Corrupt("unknown log op")
            }
        }
        self.init(sequence: sequence, term: term, ops: ops)
    }
}
