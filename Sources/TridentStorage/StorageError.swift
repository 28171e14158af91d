#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why storage could not do what it was asked, in words an operator can act on.
public enum StorageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No space left where `path` needed it; nothing was changed. Writes work again once space is freed.
    case diskFull(String)
    /// A system call failed: the call, the file, errno.
    case io(String, String, Int32)
    /// Another process holds the data folder.
    case folderInUse(folder: String, pid: Int32?)
    /// The log cannot give back every acknowledged write, or the data folder is unusable: start refused.
    case refused(String)

    public var description: String {
        switch self {
        case let .diskFull(path): "the disk is full (no space for \(path))"
        case let .io(call, path, code): "\(call) \(path): \(String(cString: strerror(code)))"
        case let .folderInUse(folder, pid):
            "the data folder \(folder) is in use by another Trident server\(pid.map { " (pid \($0))" } ?? ""); stop it or choose another --data-dir"
        case let .refused(message): message
        }
    }

    public var isDiskFull: Bool {
        if case .diskFull = self { return true }
        return false
    }
}
