#ifndef TRIDENT_CLMDB_SHIM_H
#define TRIDENT_CLMDB_SHIM_H
#define _GNU_SOURCE
#include <fcntl.h>
#include <lmdb.h>

/// Starts writing a file's dirty pages without waiting for them (Swift's Glibc module does not
/// export sync_file_range).
static inline int trident_start_writeback(int fd) {
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}
#endif
