import DynamoModel

/// Byte layout of one log entry's payload — the ops of one write:
///
///     varint op count │ op × count
///     op = kind (1 put, 2 delete, 3 delete-prefix) │ database │ varint key length │ key
///          │ [put only] varint value length │ value
///
/// Frozen: logs outlive the process that wrote them.
extension StorageOp {
    static func encode(_ ops: [StorageOp]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(
            4
                + ops.reduce(0) { total, op in
                    switch op {
                    case let .put(_, key, value): total + 12 + key.count + value.count
                    case let .delete(_, key), let .deletePrefix(_, key): total + 8 + key.count
                    }
                })
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

    static func decode(_ bytes: [UInt8]) throws -> [StorageOp] {
        try bytes.withUnsafeBytes { raw in
            var reader = Varint.Reader(raw)
            let count = try reader.count()
            var ops: [StorageOp] = []
            ops.reserveCapacity(count)
            for _ in 0..<count {
                let kind = try reader.byte()
                guard let db = StoreDatabase(rawValue: try reader.byte()) else { throw Varint.Corrupt("unknown database in a log entry") }
                let key = try reader.bytes()
                switch kind {
                case 1: ops.append(.put(db, key: key, value: try reader.bytes()))
                case 2: ops.append(.delete(db, key: key))
                case 3: ops.append(.deletePrefix(db, prefix: key))
                default: throw Varint.Corrupt("unknown op in a log entry")
                }
            }
            guard reader.isAtEnd else { throw Varint.Corrupt("log entry longer than its ops") }
            return ops
        }
    }
}
