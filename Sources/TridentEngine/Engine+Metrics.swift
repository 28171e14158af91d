import TridentStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Figures the metrics endpoint reads when scraped.
extension Engine {
    /// Every `X-Amz-Target` the engine answers.
    public static var targetNames: [String] { Array(targets.keys) }

    /// The operation a known `X-Amz-Target` names (nil for anything else).
    public static func operationName(target: String) -> String? {
        guard targets[target] != nil, let dot = target.lastIndex(of: ".") else { return nil }
        return String(target[target.index(after: dot)...])
    }

    public struct StorageFigures: Sendable {
        public let lastSequence: UInt64
        /// Blocks the data file holds on disk (it is sparse: its map is much larger).
        public let dataFileBytes: Int
        public let diskFull: Bool
    }

    public var storageFigures: StorageFigures {
        var info = stat()
        let allocated = stat(store.path + "/data.mdb", &info) == 0 ? Int(info.st_blocks) * 512 : 0
        let diskFull = if case .diskFull = store.health { true } else { false }
        return StorageFigures(lastSequence: store.lastSequence, dataFileBytes: allocated, diskFull: diskFull)
    }

    /// Items the TTL sweeper has deleted since start.
    public var ttlDeletions: Int { ttlDeleted.load(ordering: .relaxed) }
}
