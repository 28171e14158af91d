#ifndef TRIDENT_CLMDB_SHIM_H
#define TRIDENT_CLMDB_SHIM_H
#include <stdint.h>
#include <lmdb.h>

/// glibc's sync_file_range. <fcntl.h> declares it only under _GNU_SOURCE, and a module header
/// cannot define that without changing the system structs every other module sees.
int sync_file_range(int fd, int64_t offset, int64_t count, unsigned int flags);

/// Starts writing a file's dirty pages without waiting for them (SYNC_FILE_RANGE_WRITE).
static inline int trident_start_writeback(int fd) {
    return sync_file_range(fd, 0, 0, 2);
}
#endif
