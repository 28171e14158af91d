// Index entry keys: entries sort by index sort value whatever bytes the value holds (0x00 and 0x01
// are escaped so a value ends where its terminator is), equal values group by table key, and values
// too long to store whole keep their order up to the stored prefix and group after it.
import Testing

@testable import DynamoModel

struct IndexKeyEncodingTests {
    private let tableKeyA: [UInt8] = [1, 2, 3]
    private let tableKeyB: [UInt8] = [9, 9, 9]

    private func key(_ sort: AttributeValue, table: [UInt8]? = nil) -> [UInt8] {
        IndexKeyEncoding.entryKey(index: 7, partition: .string("p"), sort: sort, tableItemKey: table ?? tableKeyA)
    }

    @Test func bytesThatLookLikeTerminatorsKeepValueOrder() {
        let values: [[UInt8]] = [[], [0], [0, 0], [0, 1], [0, 2], [1], [1, 0], [1, 1], [2], [2, 0], [0xFF], [0xFF, 0], [0xFF, 0xFF]]
        for a in values {
            for b in values {
                // Whatever the table keys' digests are, the value decides first.
                let ka = key(.binary(a), table: tableKeyB), kb = key(.binary(b), table: tableKeyA)
                if a.lexicographicallyPrecedes(b) { #expect(ka.lexicographicallyPrecedes(kb), "\(a) < \(b)") }
                if b.lexicographicallyPrecedes(a) { #expect(kb.lexicographicallyPrecedes(ka), "\(b) < \(a)") }
            }
        }
    }

    @Test func stringsAndNumbersSortAsDynamoDBSortsThem() throws {
        let strings = ["", "a", "a\u{0}", "a\u{1}b", "aa", "ab", "b", "é"]
        for (i, a) in strings.enumerated() {
            for b in strings[(i + 1)...] {
                #expect(key(.string(a)).lexicographicallyPrecedes(key(.string(b))), "\(a) < \(b)")
            }
        }
        let numbers = try ["-100", "-1.5", "-1", "0", "0.001", "1", "1.5", "10", "1E+20"].map { try DynamoNumber(parsing: $0) }
        for (i, a) in numbers.enumerated() {
            for b in numbers[(i + 1)...] {
                #expect(key(.number(a)).lexicographicallyPrecedes(key(.number(b))), "\(a) < \(b)")
            }
        }
    }

    @Test func equalValuesAreDistinctEntriesByTableKey() {
        let a = key(.string("same"), table: tableKeyA), b = key(.string("same"), table: tableKeyB)
        #expect(a != b)
        #expect(a.count == b.count)
        #expect(a.dropLast(IndexKeyEncoding.tableKeyDigestLength).elementsEqual(b.dropLast(IndexKeyEncoding.tableKeyDigestLength)))
    }

    @Test func longValuesAreTruncatedAfterEveryShorterValueWithTheirPrefix() {
        let head = String(repeating: "x", count: IndexKeyEncoding.maxEscapedSortLength)
        let longA = key(.string(head + "a")), longB = key(.string(head + "b"))
        #expect(longA.count == IndexKeyEncoding.fullSortedKeyLength && longA.count <= 511)
        longA.withUnsafeBytes { #expect(IndexKeyEncoding.isTruncated(entryKey: $0)) }
        // Both long values share the stored prefix: they are told apart by the reader, not the key.
        #expect(longA.dropLast(16).elementsEqual(longB.dropLast(16)))
        let shorter = key(.string(String(head.dropLast())), table: tableKeyB)
        let exact = key(.string(head), table: tableKeyB)
        #expect(shorter.lexicographicallyPrecedes(longA) && exact.lexicographicallyPrecedes(longA))
        exact.withUnsafeBytes { #expect(!IndexKeyEncoding.isTruncated(entryKey: $0)) }
        #expect(longA.lexicographicallyPrecedes(key(.string("y"))))
        // A value of escaped bytes reaches the limit sooner.
        let zeros = key(.binary([UInt8](repeating: 0, count: 231)))
        zeros.withUnsafeBytes { #expect(IndexKeyEncoding.isTruncated(entryKey: $0)) }
    }

    @Test func seeksBoundEveryEntryOfAValue() {
        let prefix = IndexKeyEncoding.partitionPrefix(index: 7, partition: .string("p"))
        for value in ["m", "m\u{0}", String(repeating: "m", count: 600)] {
            let entry = key(.string(value), table: tableKeyB)
            #expect(!entry.lexicographicallyPrecedes(IndexKeyEncoding.lowerSeek(prefix, .string(value))))
            #expect(!IndexKeyEncoding.upperSeek(prefix, .string(value)).lexicographicallyPrecedes(entry))
        }
        #expect(key(.string("l")).lexicographicallyPrecedes(IndexKeyEncoding.lowerSeek(prefix, .string("m"))))
        #expect(IndexKeyEncoding.upperSeek(prefix, .string("m")).lexicographicallyPrecedes(key(.string("n"))))
    }
}
