import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The home of `--in-memory` data: a fresh folder under the temporary directory whose files are
/// unlinked as soon as they are open, so the data lives exactly as long as the process — a
/// `kill -9` leaves nothing behind. Folders of dead processes (killed in the moment between
/// making and unlinking) are removed at the next start.
extension Store {
    static let temporaryPrefix = "trident-memory-"

    /// Opens a store in a new temporary folder and unlinks the folder. Nothing is flushed and there
    /// is no log: nothing of it can outlive the process anyway.
    public static func temporary(options: Options) throws -> Store {
        var options = options
        options.log = false
        options.flushEachCommit = false
        let base = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        removeAbandoned(in: base)
        let path = base + "/" + temporaryPrefix + "\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let store = try Store(path: path, options: options)
        try? FileManager.default.removeItem(atPath: path)
        return store
    }

    /// Removes temporary folders whose process is gone.
    static func removeAbandoned(in base: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasPrefix(temporaryPrefix) {
            let pid = name.dropFirst(temporaryPrefix.count).prefix { $0 != "-" }
            guard let pid = Int32(pid), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: base + "/" + name)
        }
    }
}
