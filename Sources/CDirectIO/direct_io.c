#define _GNU_SOURCE
#include "direct_io.h"

#include <errno.h>

#ifdef __linux__
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int trident_open_direct(const char *path) {
    int fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int trident_direct_alignment(int fd) {
#if defined(STATX_DIOALIGN)
    struct statx info;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &info) != 0) return -errno;
    if (!(info.stx_mask & STATX_DIOALIGN) || info.stx_dio_offset_align == 0) return 0;
    unsigned alignment = info.stx_dio_offset_align;
    if (info.stx_dio_mem_align > alignment) alignment = info.stx_dio_mem_align;
    return (int)alignment;
#else
    (void)fd;
    return 0;
#endif
}

int64_t trident_filesystem_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -errno;
    return (int64_t)info.f_type;
}

int trident_aio_setup(unsigned capacity, uint64_t *context) {
    aio_context_t ctx = 0;
    if (syscall(SYS_io_setup, capacity, &ctx) != 0) return -errno;
    *context = (uint64_t)ctx;
    return 0;
}

int trident_aio_destroy(uint64_t context) {
    return syscall(SYS_io_destroy, (aio_context_t)context) == 0 ? 0 : -errno;
}

int trident_aio_write(uint64_t context, int fd, const void *buffer, size_t count, int64_t offset, uint64_t token) {
    struct iocb request;
    memset(&request, 0, sizeof request);
    request.aio_data = token;
    request.aio_lio_opcode = IOCB_CMD_PWRITE;
    request.aio_fildes = (uint32_t)fd;
    request.aio_buf = (uint64_t)(uintptr_t)buffer;
    request.aio_nbytes = count;
    request.aio_offset = offset;
    struct iocb *requests[1] = {&request};
    long submitted;
    do {
        submitted = syscall(SYS_io_submit, (aio_context_t)context, 1L, requests);
    } while (submitted < 0 && errno == EINTR);
    if (submitted < 0) return -errno;
    return submitted == 1 ? 0 : -EAGAIN;
}

int trident_aio_reap(uint64_t context, int minimum, int maximum, int64_t timeout_ns, uint64_t *tokens, int64_t *results) {
    struct io_event events[64];
    if (maximum > 64) maximum = 64;
    struct timespec limit = {.tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
    long taken;
    do {
        taken = syscall(SYS_io_getevents, (aio_context_t)context, (long)minimum, (long)maximum, events, timeout_ns < 0 ? NULL : &limit);
    } while (taken < 0 && errno == EINTR);
    if (taken < 0) return -errno;
    for (long i = 0; i < taken; i++) {
        tokens[i] = events[i].data;
        results[i] = events[i].res;
    }
    return (int)taken;
}

#else

int trident_open_direct(const char *path) { (void)path; return -ENOSYS; }
int trident_direct_alignment(int fd) { (void)fd; return 0; }
int64_t trident_filesystem_type(const char *path) { (void)path; return -ENOSYS; }
int trident_aio_setup(unsigned capacity, uint64_t *context) { (void)capacity; (void)context; return -ENOSYS; }
int trident_aio_destroy(uint64_t context) { (void)context; return -ENOSYS; }
int trident_aio_write(uint64_t context, int fd, const void *buffer, size_t count, int64_t offset, uint64_t token) {
    (void)context; (void)fd; (void)buffer; (void)count; (void)offset; (void)token;
    return -ENOSYS;
}
int trident_aio_reap(uint64_t context, int minimum, int maximum, int64_t timeout_ns, uint64_t *tokens, int64_t *results) {
    (void)context; (void)minimum; (void)maximum; (void)timeout_ns; (void)tokens; (void)results;
    return -ENOSYS;
}

#endif
