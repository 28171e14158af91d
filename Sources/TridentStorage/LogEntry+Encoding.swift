import DynamoModel

/// Byte layout of a replication-log entry's value (its sequence number is the LMDB key):
///
///     varint term │ varint op count │ op × count
///     op = kind (1 put, 2 delete, 3 delete-prefix) │ database │ varint key length │ key
///          │ [put only] varint value length │ value
///
/// Frozen: logs outlive the process that wrote them.
/// An entry's ops as encoded, and the hash of sequence and ops that its journal records' checksums
/// are finished from.
struct EncodedOps: Sendable {
    let bytes: [UInt8]
    let hash: UInt64

    init(sequence: UInt64, term: UInt64, ops: [StorageOp]) {
        bytes = LogEntry.encode(term: term, ops: ops)
        hash = bytes.withUnsafeBytes { JournalRecord.opsHash(sequence: sequence, ops: $0) }
    }

    init(bytes: [UInt8], hash: UInt64) {
        self.bytes = bytes
        self.hash = hash
    }
}

extension LogEntry {
    func encodedOps() -> [UInt8] { encoded.bytes }

    static func encode(term: UInt64, ops: [StorageOp]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(
            8
                + ops.reduce(0) { total, op in
                    switch op {
                    case let .put(_, key, value): total + 12 + key.count + value.count
                    case let .delete(_, key), let .deletePrefix(_, key): total + 8 + key.count
                    }
                })
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

    /// Decodes a journal record's ops; `hash` is the record's ops hash (already verified).
    init(sequence: UInt64, encodedOps bytes: UnsafeRawBufferPointer, hash: UInt64) throws {
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
        self.init(sequence: sequence, term: term, ops: ops, encoded: EncodedOps(bytes: Array(bytes), hash: hash))
    }
}
