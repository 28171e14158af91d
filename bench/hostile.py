#!/usr/bin/env python3
"""The hostile-client figures of issue 17, measured on a release build (`make release`):

1. 1,000 connections trickling a byte a second (reconnecting when cut off): the server's CPU,
   and a normal client's GetItem latency meanwhile;
2. a file-descriptor limit of 200 with 400 connections flooding: CPU, and the latency of a
   client already connected;
3. 100 uploads declaring 16 MiB that send 15 MiB and stall: the server's RSS.

Usage: python3 bench/hostile.py [.build/release/trident]. Every server listens on 127.0.0.1 and
is stopped at the end; the whole run takes about a minute.
"""
import os
import shutil
import socket
import sys
import tempfile
import threading
import time

import run as bench


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().split(")")[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_fraction(pid, seconds):
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def get_item_latencies(port, count=2000, pause=0.0):
    client = bench.Client(port)
    latencies = []
    for i in range(count):
        start = time.perf_counter()
        client.post("GetItem", {"TableName": "bench", "Key": {"id": {"S": f"k{i % 1000}"}}, "ConsistentRead": True})
        latencies.append((time.perf_counter() - start) * 1000)
        if pause:
            time.sleep(pause)
    latencies.sort()
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]


def serve(binary, workdir, *flags, prefix=()):
    port = bench.free_port()
    server = bench.Server("trident", [*prefix, binary, "serve", "--port", str(port), "--log-level", "error",
                                      "--data-dir", os.path.join(workdir, f"data-{port}"), *flags], port, 1)
    return server, port


def trickling(binary, workdir):
    server, port = serve(binary, workdir, "--max-connections", "1100")
    bench.create_table(port)
    bench.preload(port, 0, 1000)
    stop = threading.Event()

    def trickle(count):
        held = []
        while not stop.is_set():
            while len(held) < count:
                try:
                    held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
                except OSError:
                    break
            for s in list(held):
                try:
                    s.send(b"G")
                except OSError:
                    held.remove(s)
            stop.wait(1)
        for s in held:
            s.close()

    threads = [threading.Thread(target=trickle, args=(100,), daemon=True) for _ in range(10)]
    for t in threads:
        t.start()
    time.sleep(3)
    busy = busy_fraction(server.proc.pid, 5)
    p50, p99 = get_item_latencies(port, pause=0.002)
    stop.set()
    server.stop()
    print(f"1,000 trickling connections: server CPU {busy * 100:.1f} %; GetItem p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def descriptor_limit(binary, workdir):
    server, port = serve(binary, workdir, "--max-connections", "5000", prefix=("prlimit", "--nofile=200:200"))
    bench.create_table(port)
    bench.preload(port, 0, 1000)
    client = bench.Client(port)
    client.post("GetItem", {"TableName": "bench", "Key": {"id": {"S": "k1"}}})
    flood = []
    for _ in range(400):
        try:
            flood.append(socket.create_connection(("127.0.0.1", port), timeout=1))
        except OSError:
            break
    time.sleep(0.5)
    busy = busy_fraction(server.proc.pid, 5)
    p50, p99 = get_item_latencies(port)
    for s in flood:
        s.close()
    server.stop()
    print(f"fd limit 200, {len(flood)} connections flooding: server CPU {busy * 100:.1f} %; connected client's GetItem p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def stalled_uploads(binary, workdir):
    server, port = serve(binary, workdir, "--header-timeout", "60")
    head = b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: 16777216\r\n\r\n"
    chunk = b"x" * (1 << 20)
    held, refused = [], []

    def upload():
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(head)
        s.settimeout(2)
        try:
            for _ in range(15):
                s.sendall(chunk)
        except OSError:
            refused.append(s)
        held.append(s)

    threads = [threading.Thread(target=upload) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(1)
    print(f"100 uploads stalled after 15 of 16 MiB: server RSS {bench.rss_mb(server.proc.pid):.1f} MB ({len(refused)} turned away)")
    for s in held:
        s.close()
    server.stop()


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(bench.ROOT, ".build/release/trident"))
    workdir = tempfile.mkdtemp(prefix="trident-hostile-")
    try:
        trickling(binary, workdir)
        descriptor_limit(binary, workdir)
        stalled_uploads(binary, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
