import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Data folders written before the single log (one LMDB environment and journal per zone, in
/// `<region><a|b|c>/`). Their journals may hold acknowledged writes the environments lack, which
/// only the server that wrote them replays; opening such a folder as a new one would start empty.
enum LegacyLayout {
    static func check(folder: String) throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: folder + "/data.mdb"), let names = try? fm.contentsOfDirectory(atPath: folder) else { return }
        let zones = names.filter { fm.fileExists(atPath: folder + "/" + $0 + "/journal") && fm.fileExists(atPath: folder + "/" + $0 + "/data.mdb") }
        guard let zone = zones.sorted().first else { return }
        throw StorageError.refused(
            "\(folder) holds data in the earlier layout (one copy per zone, e.g. \(folder)/\(zone)). This version keeps one copy and one log: "
                + "move \(folder)/\(zone)/data.mdb to \(folder)/data.mdb after stopping the earlier version cleanly (SIGTERM: its copies then hold every write), "
                + "then remove the zone folders.")
    }
}
