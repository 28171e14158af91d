#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One round of making journals durable, flushing the disk as few times as it can: it waits until
/// every journal's writes are done, fdatasyncs the segments that need one of their own, and then,
/// on each device where none of those ran, fdatasyncs one segment more — its flush of the device
/// persists every write already done there, every journal's at once. (On the development VM an
/// fdatasync that only flushes costs ~20 µs of CPU and ~60 µs; three per round were the largest
/// share of a durable write's cost after the direct writes.)
enum SyncRound {
    /// Each journal's failure, nil where everything it had appended is durable now.
    static func run(_ journals: [Journal]) -> [(any Error)?] {
        var failures = [(any Error)?](repeating: nil, count: journals.count)
        var points: [Journal.SyncPoint?] = journals.map { $0.syncPoint() }
        for (i, point) in points.enumerated() {
            do {
                try journals[i].awaitWrites(point!)
            } catch {
                failures[i] = error
                points[i] = nil
            }
        }
        // Every write is done now: an fdatasync from here on flushes all of them on its device.
        var flushed: Set<UInt64> = []
        var needFlush: [UInt64: (segment: JournalSegment, journals: [Int])] = [:]
        for (i, point) in points.enumerated() {
            guard let point else { continue }
            for (segment, ownSync, _) in point.segments {
                if ownSync || journals[i].flushDomain == nil {
                    do {
                        try segment.sync()
                        if let domain = journals[i].flushDomain { flushed.insert(domain) }
                    } catch {
                        failures[i] = error
                    }
                } else if let domain = journals[i].flushDomain {
                    needFlush[domain, default: (segment, [])].journals.append(i)
                }
            }
        }
        for (domain, (segment, dependents)) in needFlush where !flushed.contains(domain) {
            do {
                try segment.sync()
            } catch {
                for i in dependents { failures[i] = error }
            }
        }
        for (i, point) in points.enumerated() {
            guard let point, failures[i] == nil else { continue }
            if point.directoryChanged {
                // A new segment's name must survive a power loss too.
                let fd = open(journals[i].directory, O_RDONLY | O_CLOEXEC)
                let synced = fd >= 0 && fsync(fd) == 0
                let code = errno
                if fd >= 0 { close(fd) }
                guard synced else {
                    failures[i] = JournalSegment.IOError(operation: "fsync", path: journals[i].directory, code: code)
                    continue
                }
            }
            journals[i].didSync(point)
        }
        points.removeAll()
        return failures
    }
}
