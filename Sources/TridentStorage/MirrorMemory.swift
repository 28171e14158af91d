#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The anonymous memory a direct segment's records are written into before their direct write
/// (`JournalSegment`). A journal hands a finished segment's mirror to its next segment instead of
/// unmapping it: in fresh memory every group's first byte on a page faults the page in, zeroed, and
/// groups start on a new block, so a group cost each zone a fault. (UpdateItem at one connection:
/// ~40 % of the server's page faults, 4.5 % of its CPU; the session mix at 16 connections: ~30 % and
/// 1.8 %.) Recycled memory holds old records, so an append zeroes the padding it writes
/// (`Journal.writeBatch`); nothing reads a mirror past the journal's end.
final class MirrorMemory: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let size: Int

    init(base: UnsafeMutableRawPointer, size: Int) {
        self.base = base
        self.size = size
    }

    /// Fresh zeroed memory of `size` bytes, or MAP_FAILED / nil.
    static func map(_ size: Int) -> UnsafeMutableRawPointer? {
        mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    }

    deinit { munmap(base, size) }
}
