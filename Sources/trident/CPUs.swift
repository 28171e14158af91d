import FoundationEssentials

/// The CPUs this process may run on (`taskset`, cgroup cpusets), not the machine's: two event loops
/// time-sliced on one allowed core add milliseconds to the slowest requests.
enum CPUs {
    static var allowed: Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })
        else { return max(1, ProcessInfo.processInfo.activeProcessorCount) }
        return max(1, count(list: line.dropFirst("Cpus_allowed_list:".count)))
    }

    /// Counts a CPU list such as `1`, `0-3` or `0,2-5`.
    static func count(list: Substring) -> Int {
        list.split(separator: ",").reduce(0) { total, part in
            let bounds = part.split(separator: "-").compactMap { Int($0.filter { !$0.isWhitespace }) }
            switch bounds.count {
            case 1: return total + 1
            case 2: return total + max(0, bounds[1] - bounds[0] + 1)
            default: return total
            }
        }
    }
}
