// LMDB's contract as Trident relies on it: committed writes are visible to later readers,
// aborted writes leave nothing behind, cursors walk keys in byte order.
import Foundation
import Testing

@testable import LMDB

struct EnvironmentTests {
    private func temporaryEnvironment() throws -> (Environment, String) {
        let dir = NSTemporaryDirectory() + "lmdb-test-" + UUID().uuidString
        return (try Environment(path: dir, options: .init(mapSize: 1 << 26, noSync: true)), dir)
    }

    @Test func committedWriteIsVisibleToReaders() throws {
        let (env, dir) = try temporaryEnvironment()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try env.openDatabase("items")
        try env.write { txn in try txn.put(db, Array("k".utf8), Array("v".utf8)) }
        let value = try env.read { txn in try txn.getBytes(db, Array("k".utf8)) }
        #expect(value == Array("v".utf8))
    }

    @Test func throwingWriteIsRolledBack() throws {
        struct Boom: Error {}
        let (env, dir) = try temporaryEnvironment()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try env.openDatabase("items")
        #expect(throws: Boom.self) {
            try env.write { txn in
                try txn.put(db, Array("k".utf8), Array("v".utf8))
                throw Boom()
            }
        }
        let value = try env.read { txn in try txn.getBytes(db, Array("k".utf8)) }
        #expect(value == nil)
    }

    @Test func checkpointInTwoStepsLeavesTheDataForTheNextOpen() throws {
        let dir = NSTemporaryDirectory() + "lmdb-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let env = try Environment(path: dir, options: .init(mapSize: 1 << 26, noSync: true))
            let db = try env.openDatabase("items")
            try env.write { txn in try txn.put(db, Array("k".utf8), Array(repeating: 7, count: 10_000)) }
            // The background start may return before a byte is written; the sync then finishes.
            try env.startWriteback()
            try env.sync()
        }
        let reopened = try Environment(path: dir, options: .init(mapSize: 1 << 26, noSync: true))
        let db = try reopened.openDatabase("items")
        #expect(try reopened.read { txn in try txn.getBytes(db, Array("k".utf8)) } == Array(repeating: 7, count: 10_000))
    }

    @Test func cursorWalksInByteOrderFromSeekPoint() throws {
        let (env, dir) = try temporaryEnvironment()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try env.openDatabase("items")
        let keys: [[UInt8]] = [[0x02], [0x00, 0xFF], [0x01], [0x00]]
        try env.write { txn in
            for key in keys { try txn.put(db, key, [1]) }
        }
        let walked: [[UInt8]] = try env.read { txn in
            try txn.withCursor(db) { cursor in
                var out: [[UInt8]] = []
                var entry = try cursor.seek(atLeast: [0x00, 0x01])
                while let e = entry {
                    out.append(Array(e.key))
                    entry = try cursor.next()
                }
                return out
            }
        }
        #expect(walked == [[0x00, 0xFF], [0x01], [0x02]])
    }

    @Test func pooledReadTransactionsSeeNewCommits() throws {
        let (env, dir) = try temporaryEnvironment()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try env.openDatabase("items")
        for i in 0..<3 {
            try env.write { txn in try txn.put(db, [UInt8(i)], [UInt8(i)]) }
            let count = try env.read { txn in try txn.statistics(db).entries }
            #expect(count == i + 1)
        }
    }
}

struct CursorDeleteTests {
    /// The idiom NodeStore relies on: after `deleteCurrent`, `next()` yields the entry that followed.
    @Test func deletingARangeLeavesTheRest() throws {
        let dir = NSTemporaryDirectory() + "lmdb-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = try Environment(path: dir, options: .init(mapSize: 1 << 26, noSync: true))
        let db = try env.openDatabase("items")
        try env.write { txn in
            for i in 0..<2000 { try txn.put(db, [UInt8(i / 256), UInt8(i % 256)], [UInt8](repeating: 7, count: 100)) }
        }
        for prefix in [[UInt8(3)], [UInt8(7)], [UInt8(0)]] {
            try env.write { txn in
                try txn.withCursor(db) { cursor in
                    var entry = try cursor.seek(atLeast: prefix)
                    while let e = entry, e.key.starts(with: prefix) {
                        try cursor.deleteCurrent()
                        entry = try cursor.next()
                    }
                }
            }
        }
        let remaining = try env.read { txn in
            try txn.withCursor(db) { cursor in
                var keys: [[UInt8]] = []
                var entry = try cursor.first()
                while let e = entry {
                    keys.append(Array(e.key))
                    entry = try cursor.next()
                }
                return keys
            }
        }
        let expected = (0..<2000).map { [UInt8($0 / 256), UInt8($0 % 256)] }.filter { ![0, 3, 7].contains($0[0]) }
        #expect(remaining == expected)
    }
}
