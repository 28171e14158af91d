// Linux asynchronous direct writes (AIO over O_DIRECT files) for the journal, as plain C: the
// system calls have no libc wrappers, and O_DIRECT and statx's alignment fields are behind
// _GNU_SOURCE, which must not leak into the module header (clang would see two `fd_set`s).
// Every function returns 0 or a count on success and -errno on failure; elsewhere than Linux
// they return -ENOSYS, and callers write through the page cache instead.
#ifndef TRIDENT_DIRECT_IO_H
#define TRIDENT_DIRECT_IO_H

#include <stddef.h>
#include <stdint.h>

/// Opens `path` read-write with O_DIRECT (and O_CLOEXEC); the descriptor, or -errno.
int trident_open_direct(const char *path);

/// The offset and length alignment O_DIRECT needs on `fd` (statx's STATX_DIOALIGN, the larger of
/// the memory and offset alignments), 0 when the file system does not support direct I/O there,
/// or -errno.
int trident_direct_alignment(int fd);

/// The magic number of the file system holding `path` (statfs's f_type), or -errno.
int64_t trident_filesystem_type(const char *path);

/// Creates an AIO context for up to `capacity` writes in flight; its id goes to `context`.
int trident_aio_setup(unsigned capacity, uint64_t *context);

/// Destroys a context, after waiting for the writes still in flight.
int trident_aio_destroy(uint64_t context);

/// Queues one write of `count` bytes at `offset`; `token` comes back with its completion.
/// -EAGAIN when the context is full (reap first).
int trident_aio_write(uint64_t context, int fd, const void *buffer, size_t count, int64_t offset, uint64_t token);

/// Waits up to `timeout_ns` (negative: without limit) for at least `minimum` completions and takes
/// up to `maximum`: their tokens and results (bytes written, or -errno). Returns how many were taken.
int trident_aio_reap(uint64_t context, int minimum, int maximum, int64_t timeout_ns, uint64_t *tokens, int64_t *results);

#endif
