import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opening the log after a stop or a crash: the entries the data file lacks, and the proof that
/// none is missing. The log must be one chain from the segment the data file names — frames
/// numbered without a gap, each full segment sealed with the name of the next — up to a clean end.
///
/// - A frame cut short at the very end, with nothing valid after it, is a write a crash interrupted
///   before it was acknowledged: dropped, and said so.
/// - Anything else that breaks the chain — a named segment missing, a damaged frame with valid
///   frames after it, a gap — is damage. If the frames after the break show (by their
///   `durable through`) that acknowledged entries the data file lacks are gone, or nothing can show
///   it (a missing segment), the start is refused with the file and the sequence numbers that would
///   be lost, unless the operator accepts the loss. If the data file holds everything they show,
///   the log is cut at the break and the repair is reported.
extension Log {
    public struct Recovery: Sendable {
        public let log: Log
        /// Entries after the data file's position, in order.
        public let entries: [(sequence: UInt64, payload: [UInt8])]
        /// What was found and repaired, for the operator's log.
        public let notes: [String]
    }

    /// Opens the log in `directory` for a data file whose last applied entry is `applied` and which
    /// names `segment` (0: none, e.g. after a clean stop) as the segment its replay starts in.
    public static func recover(
        directory: String, applied: UInt64, segment named: UInt64, segmentCapacity: Int = defaultSegmentCapacity, acceptLoss: Bool = false
    ) throws -> Recovery {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [UInt64: String] = [:]
        var spares: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            if let first = LogSegment.first(fromFileName: name) {
                files[first] = directory + "/" + name
            } else if name.hasPrefix("spare-") {
                spares.append(directory + "/" + name)
            }
        }
        let firsts = files.keys.sorted()
        var scan = ChainScan(applied: applied)
        func missing(_ first: UInt64) -> String { "log segment \(directory)/\(LogSegment.fileName(first: first)) is missing" }

        var next: UInt64?
        if named == 0 {
            // No chain expected (a clean stop, or nothing logged yet): replay only what follows on.
            next = firsts.last { $0 <= applied + 1 }
        } else if files[named] != nil {
            next = named
        } else if let later = firsts.first(where: { $0 > named }), later <= applied + 1 {
            next = later  // the data file holds every entry the missing segment had
        } else {
            scan.damage = Damage(what: missing(named), after: applied, through: nil)
        }
        var chain: [LogSegment] = []
        while let first = next, scan.damage == nil {
            guard let path = files[first] else {
                scan.damage = Damage(what: missing(first), after: scan.end, through: nil)
                break
            }
            let segment = try LogSegment(path: path, first: first)
            chain.append(segment)
            next = try scan.read(segment)
            if next == nil, scan.damage == nil, let following = firsts.first(where: { $0 > first }), following <= scan.end + 1 {
                next = following  // its seal was lost in a crash, or the data file covers the gap
            }
        }
        if scan.damage == nil, let lastFirst = chain.last?.first {
            // Segments past the chain's end are leftovers, unless their frames show acknowledged entries.
            for first in firsts where first > lastFirst {
                let segment = try LogSegment(path: files[first]!, first: first)
                if let shown = try scan.acknowledged(in: segment.contents(), from: 0, segmentFirst: first), shown > scan.end {
                    scan.damage = Damage(
                        what: "log segment \(segment.path) does not follow on from entry \(scan.end)", after: scan.end, through: shown)
                    break
                }
            }
        }

        var notes = scan.notes
        if let damage = scan.damage {
            if damage.losesAcknowledged(applied: applied) {
                guard acceptLoss else {
                    throw StorageError.refused(
                        damage.message(applied: applied) + " Restore the file, or start with --accept-log-loss to continue without them.")
                }
                notes.append(damage.message(applied: applied) + " Continuing without them (--accept-log-loss).")
            } else {
                notes.append("\(damage.what); the data file holds every acknowledged entry: the log continues after entry \(scan.end)")
            }
        }
        // Spare files from segments left out of the chain; the rest go.
        let kept = Set(chain.map(\.path))
        for (first, path) in files where !kept.contains(path) {
            let spare = directory + "/spare-" + LogSegment.fileName(first: first)
            if spares.count < maxSpares, rename(path, spare) == 0 { spares.append(spare) } else { unlink(path) }
        }
        // Appending goes on in the last segment only when it ends cleanly at the chain's end and
        // the data file is not ahead of it; otherwise the next write starts a new segment.
        let continues = scan.damage == nil && scan.cleanEnd && scan.last > 0 && scan.last >= applied
        let log = Log(
            directory: directory, segmentCapacity: segmentCapacity, segments: chain, end: continues ? scan.segmentEnd : nil, last: scan.last,
            spares: spares)
        return Recovery(log: log, entries: scan.entries, notes: notes)
    }
}

/// What broke the chain and what it shows about lost entries.
private struct Damage {
    let what: String
    /// The last entry recovered before the break (or the data file's, if later).
    let after: UInt64
    /// The last entry that frames after the break show acknowledged; nil: nothing can tell.
    let through: UInt64?

    func losesAcknowledged(applied: UInt64) -> Bool {
        through.map { $0 > after } ?? true
    }

    func message(applied: UInt64) -> String {
        let lost =
            through.map { "entries \(after + 1) to \($0) were acknowledged and would be lost" } ?? "acknowledged entries after \(after) would be lost"
        return "The log cannot give back every acknowledged write: \(what). The data file holds entries up to \(applied); \(lost)."
    }
}

/// Reads a chain of segments frame by frame.
private struct ChainScan {
    let applied: UInt64
    var entries: [(sequence: UInt64, payload: [UInt8])] = []
    /// The chain's last sequence (0: none).
    var last: UInt64 = 0
    /// The higher of the chain's last sequence and the data file's.
    var end: UInt64 { max(last, applied) }
    /// Where the last segment read ends, and whether it ends cleanly (zeros, a seal, or stale frames).
    var segmentEnd = 0
    var cleanEnd = true
    var damage: Damage?
    var notes: [String] = []

    init(applied: UInt64) {
        self.applied = applied
    }

    /// Reads one segment; returns the next segment's first sequence when it is sealed.
    mutating func read(_ segment: LogSegment) throws -> UInt64? {
        let bytes = try segment.contents()
        var expected = max(segment.first, last + 1)
        var offset = 0
        var sealed: UInt64?
        try bytes.withUnsafeBytes { raw in
            while offset + LogFrame.headerSize <= raw.count, let h = LogFrame.validFrame(UnsafeRawBufferPointer(rebasing: raw[offset...])) {
                if h.isSeal {
                    sealed = h.first
                    break
                }
                guard h.first == expected || (offset == 0 && h.first == segment.first) else { break }
                let payloads = try LogFrame.payloads(UnsafeRawBufferPointer(rebasing: raw[offset...]), h)
                for (i, payload) in payloads.enumerated() where h.first + UInt64(i) > max(applied, last) {
                    entries.append((h.first + UInt64(i), payload))
                }
                last = max(last, h.last)
                expected = h.last + 1
                offset += h.size
            }
            segmentEnd = offset
            cleanEnd = sealed != nil || Self.endsCleanly(raw, at: offset, segmentFirst: segment.first)
        }
        if !cleanEnd {
            if let shown = acknowledged(in: bytes, from: offset + 8, segmentFirst: segment.first) {
                damage = Damage(what: "\(segment.path) is damaged at byte \(offset)", after: end, through: shown)
            } else {
                notes.append("dropped the end of \(segment.path) from byte \(offset): a write cut short by a crash, never acknowledged")
            }
        }
        return sealed
    }

    /// Zeros, a stale frame left from the file's earlier use (a recycled segment), or too few bytes
    /// for a frame: the chain ends here without damage.
    static func endsCleanly(_ raw: UnsafeRawBufferPointer, at offset: Int, segmentFirst: UInt64) -> Bool {
        guard offset + LogFrame.headerSize <= raw.count else { return true }
        let next = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + LogFrame.headerSize)])
        if next.allSatisfy({ $0 == 0 }) { return true }
        if let h = LogFrame.validFrame(UnsafeRawBufferPointer(rebasing: raw[offset...])), h.first < segmentFirst { return true }
        return false
    }

    /// The highest `durable through` among valid frames of this segment's life past the chain's
    /// end, from `offset` on (frames are 8-byte aligned, so a damaged length cannot hide them);
    /// nil when there are none.
    func acknowledged(in bytes: [UInt8], from offset: Int, segmentFirst: UInt64) -> UInt64? {
        var shown: UInt64?
        bytes.withUnsafeBytes { raw in
            var at = offset & ~7
            while at + LogFrame.headerSize <= raw.count {
                if raw.loadUnaligned(fromByteOffset: at, as: UInt32.self) == LogFrame.magic.littleEndian,
                    let h = LogFrame.validFrame(UnsafeRawBufferPointer(rebasing: raw[at...])), h.first >= segmentFirst, h.first > last
                {
                    shown = max(shown ?? 0, h.durableThrough)
                    at += h.size
                } else {
                    at += 8
                }
            }
        }
        return shown
    }
}
