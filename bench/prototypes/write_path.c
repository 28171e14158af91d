// Prototype measurement for issue 16 (the write path rebuilt): the CPU a group of durable writes
// costs under each candidate design, with the HTTP and JSON layers left out.
//
//   replicas  one log and three LMDB environments: the leader applies each write, appends it to
//             the log, and each follower applies the group's ops from the log in a transaction
//   views     one log and one LMDB environment; the zones are snapshots of it
//
// Each write reads the old item, puts a ~1 KB item, rewrites the table's statistics record and
// moves the item's TTL index entry (what a session-store PutItem does). The log is one
// preallocated file, appended with pwrite (buffered) or with O_DIRECT writes of whole blocks,
// and fdatasynced once per group when durable. Prints CPU microseconds per write (user + system)
// and wall time, on one thread: on the server everything shares one core, so CPU per write is
// what bounds throughput.
//
//   cc -O2 -o /tmp/write_path bench/prototypes/write_path.c -llmdb
//   taskset -c 1 /tmp/write_path DIR views|replicas durable|memory writemap|pwrite buffered|direct [GROUP]
#define _GNU_SOURCE
#include <fcntl.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x) do { int rc_ = (x); if (rc_) { fprintf(stderr, "%s: %s\n", #x, mdb_strerror(rc_)); exit(1); } } while (0)

enum { KEYS = 100000, VALUE = 1000, LOGSIZE = 64 << 20 };

typedef struct { MDB_env *env; MDB_dbi items, catalog, expiry; } Store;

static Store open_store(const char *dir, int writemap) {
    Store s;
    mkdir(dir, 0755);
    CHECK(mdb_env_create(&s.env));
    CHECK(mdb_env_set_mapsize(s.env, (size_t)1 << 34));
    CHECK(mdb_env_set_maxdbs(s.env, 8));
    CHECK(mdb_env_open(s.env, dir, MDB_NOSYNC | MDB_NOTLS | MDB_NORDAHEAD | (writemap ? MDB_WRITEMAP : 0), 0644));
    MDB_txn *t;
    CHECK(mdb_txn_begin(s.env, NULL, 0, &t));
    CHECK(mdb_dbi_open(t, "items", MDB_CREATE, &s.items));
    CHECK(mdb_dbi_open(t, "catalog", MDB_CREATE, &s.catalog));
    CHECK(mdb_dbi_open(t, "expiry", MDB_CREATE, &s.expiry));
    CHECK(mdb_txn_commit(t));
    return s;
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static double wall_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

// One op in the log: kind (1 put, 2 delete) | dbi | key length | value length | key | value.
static size_t encode(uint8_t *out, int kind, MDB_dbi dbi, const void *k, uint32_t kl, const void *v, uint32_t vl) {
    out[0] = kind;
    out[1] = dbi;
    memcpy(out + 2, &kl, 4);
    memcpy(out + 6, &vl, 4);
    memcpy(out + 10, k, kl);
    memcpy(out + 10 + kl, v, vl);
    return 10 + kl + vl;
}

static void apply_ops(Store *s, const uint8_t *ops, size_t len) {
    MDB_txn *t;
    CHECK(mdb_txn_begin(s->env, NULL, 0, &t));
    for (size_t at = 0; at < len;) {
        uint32_t kl, vl;
        memcpy(&kl, ops + at + 2, 4);
        memcpy(&vl, ops + at + 6, 4);
        MDB_val k = {kl, (void *)(ops + at + 10)}, v = {vl, (void *)(ops + at + 10 + kl)};
        MDB_dbi dbi = ops[at + 1];
        if (ops[at] == 1) CHECK(mdb_put(t, dbi, &k, &v, 0));
        else { int rc = mdb_del(t, dbi, &k, NULL); if (rc && rc != MDB_NOTFOUND) CHECK(rc); }
        at += 10 + kl + vl;
    }
    CHECK(mdb_txn_commit(t));
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s DIR views|replicas durable|memory writemap|pwrite buffered|direct [GROUP]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    int replicas = strcmp(argv[2], "replicas") == 0, durable = strcmp(argv[3], "durable") == 0;
    int writemap = strcmp(argv[4], "writemap") == 0, direct = strcmp(argv[5], "direct") == 0;
    int group = argc > 6 ? atoi(argv[6]) : 12;
    char path[4096];
    mkdir(dir, 0755);
    Store zones[3];
    int nzones = replicas ? 3 : 1;
    for (int z = 0; z < nzones; z++) {
        snprintf(path, sizeof path, "%s/zone%d", dir, z);
        zones[z] = open_store(path, writemap);
    }
    snprintf(path, sizeof path, "%s/log", dir);
    int logfd = open(path, O_RDWR | O_CREAT | (direct ? O_DIRECT : 0), 0644);
    if (logfd < 0 || posix_fallocate(logfd, 0, LOGSIZE)) { perror("log"); return 1; }
    uint8_t *logbuf;
    if (posix_memalign((void **)&logbuf, 4096, 4 << 20)) return 1;
    uint8_t *ops = malloc(4 << 20);
    char value[VALUE];
    memset(value, 'x', sizeof value);

    // Preload every zone with the key space so writes replace items, as in the bench.
    for (int z = 0; z < nzones; z++) {
        MDB_txn *t;
        CHECK(mdb_txn_begin(zones[z].env, NULL, 0, &t));
        for (int i = 0; i < KEYS; i++) {
            char key[16];
            int kl = snprintf(key, sizeof key, "k%07d", i);
            MDB_val k = {kl, key}, v = {VALUE, value};
            CHECK(mdb_put(t, zones[z].items, &k, &v, 0));
        }
        CHECK(mdb_txn_commit(t));
        mdb_env_sync(zones[z].env, 1);
    }

    long writes = 0, logoff = 0;
    unsigned seed = 1;
    double cpu0 = cpu_seconds(), wall0 = wall_seconds();
    uint32_t count = 0;
    while (wall_seconds() - wall0 < 5) {
        size_t oplen = 0;
        Store *leader = &zones[0];
        MDB_txn *t;
        CHECK(mdb_txn_begin(leader->env, NULL, 0, &t));
        for (int g = 0; g < group; g++) {
            char key[16];
            int kl = snprintf(key, sizeof key, "k%07d", rand_r(&seed) % KEYS);
            MDB_val k = {kl, key}, old;
            int rc = mdb_get(t, leader->items, &k, &old);
            if (rc && rc != MDB_NOTFOUND) CHECK(rc);
            value[0] = (char)g;
            MDB_val v = {VALUE, value};
            CHECK(mdb_put(t, leader->items, &k, &v, 0));
            oplen += encode(ops + oplen, 1, leader->items, key, kl, value, VALUE);
            count++;
            MDB_val sk = {2, "s1"}, sv = {4, &count};
            CHECK(mdb_put(t, leader->catalog, &sk, &sv, 0));
            oplen += encode(ops + oplen, 1, leader->catalog, "s1", 2, &count, 4);
            char ek[32];
            int el = snprintf(ek, sizeof ek, "%08u%s", count, key);
            MDB_val ekv = {el, ek}, empty = {0, ""};
            CHECK(mdb_put(t, leader->expiry, &ekv, &empty, 0));
            oplen += encode(ops + oplen, 1, leader->expiry, ek, el, "", 0);
        }
        // The log record (a 24-byte header per write in the real format; the ops dominate).
        size_t reclen = oplen + 24 * group;
        size_t len = direct ? (reclen + 4095) & ~(size_t)4095 : reclen;
        memcpy(logbuf, ops, oplen);
        if (logoff + len > LOGSIZE) logoff = 0;
        if (pwrite(logfd, logbuf, len, logoff) != (ssize_t)len) { perror("pwrite"); return 1; }
        logoff += len;
        CHECK(mdb_txn_commit(t));
        for (int z = 1; z < nzones; z++) apply_ops(&zones[z], ops, oplen);
        if (durable) fdatasync(logfd);
        writes += group;
    }
    double cpu = cpu_seconds() - cpu0, wall = wall_seconds() - wall0;
    printf("%-8s %-7s %-8s %-8s group %2d: %6.1f us CPU per write, %6.1f us wall, %7.0f writes/s on one thread\n", argv[2], argv[3],
           argv[4], argv[5], group, cpu / writes * 1e6, wall / writes * 1e6, writes / wall);
    return 0;
}
