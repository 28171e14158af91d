#!/usr/bin/env python3
"""`make bench`: Trident against its own ceiling, side by side in one run.

Starts a release `trident serve` and `trident serve --null-backend` (the same SwiftNIO HTTP stack
answering every request with a fixed ~1 KB body), each pinned alone to one CPU, preloads a table of
session-like items, and drives both with wrk (one thread, pinned to the other CPU) on each workload
and connection count. Prints one table with requests/s, p50, p99, errors and the Trident/ceiling
ratio, then start-up time and memory. Every server runs on 127.0.0.1 and is stopped at the end.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(endpoint, op, body):
    req = urllib.request.Request(endpoint + "/", data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810." + op})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"{}")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, binary, cpu, *args):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        cmd = ["taskset", "-c", str(cpu), binary, "serve", "--port", str(self.port), "--log-level", "error", *args]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.startup_ms = self._wait_ready()

    def _wait_ready(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                post(self.endpoint, "ListTables", {})
                return (time.perf_counter() - self.started) * 1000
            except OSError:
                time.sleep(0.001)
        raise RuntimeError("server did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def preload(endpoint, items, threads=8):
    post(endpoint, "CreateTable", {
        "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]})
    expires = str(int(time.time()) + 86400)
    batches = [range(i, min(i + 25, items)) for i in range(0, items, 25)]

    def work(part):
        for batch in part:
            pending = {"bench": [{"PutRequest": {"Item": {"id": {"S": f"k{j}"}, "data": {"S": "x" * 900}, "expires": {"N": expires}}}}
                                 for j in batch]}
            while pending:
                pending = post(endpoint, "BatchWriteItem", {"RequestItems": pending}).get("UnprocessedItems")

    workers = [threading.Thread(target=work, args=(batches[t::threads],)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def wrk(endpoint, workload, connections, seconds, cpu, items):
    env = dict(os.environ, BENCH_DIR=HERE, BENCH_ITEMS=str(items))
    out = subprocess.run(["taskset", "-c", str(cpu), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", os.path.join(HERE, workload + ".lua"),
                          endpoint + "/"], capture_output=True, text=True, env=env, timeout=seconds + 60)
    line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT")), None)
    if not line:
        return {"rps": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "errors": -1}
    fields = dict(kv.split("=") for kv in line.split()[1:])
    return {"rps": float(fields["rps"]), "p50_ms": float(fields["p50_ms"]), "p99_ms": float(fields["p99_ms"]),
            "errors": int(fields["non200"]) + int(fields["socket_errors"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/trident"))
    parser.add_argument("--items", type=int, default=int(os.environ.get("BENCH_ITEMS", 100000)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--connections", default=os.environ.get("BENCH_CONNECTIONS", "1,16,64"))
    parser.add_argument("--workloads", default=os.environ.get("BENCH_WORKLOADS", "getitem,getitem-eventual,putitem,updateitem,mixed"))
    parser.add_argument("--server-cpu", type=int, default=1)
    parser.add_argument("--client-cpu", type=int, default=0)
    parser.add_argument("--zones", default="3")
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"bench needs {tool} (make bench installs wrk)")

    data = tempfile.mkdtemp(prefix="trident-bench-")
    servers = []
    try:
        ceiling = Server(args.binary, args.server_cpu, "--null-backend")
        servers.append(ceiling)
        trident = Server(args.binary, args.server_cpu, "--data-dir", data, "--zones", args.zones)
        servers.append(trident)
        idle_rss = rss_mb(trident.proc.pid)
        started = time.time()
        preload(trident.endpoint, args.items)
        print(f"preloaded {args.items} items in {time.time() - started:.1f} s", file=sys.stderr)
        # Servers alternate on the same core, so neither runs beside the other's load.
        ceiling.proc.send_signal(signal.SIGSTOP)

        peak_rss = [idle_rss]
        stop_sampling = threading.Event()

        def sample():
            while not stop_sampling.wait(0.2):
                peak_rss[0] = max(peak_rss[0], rss_mb(trident.proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        rows = []
        for workload in args.workloads.split(","):
            for c in [int(x) for x in args.connections.split(",")]:
                ceiling.proc.send_signal(signal.SIGCONT)
                trident.proc.send_signal(signal.SIGSTOP)
                ceil = wrk(ceiling.endpoint, workload, c, args.seconds, args.client_cpu, args.items)
                trident.proc.send_signal(signal.SIGCONT)
                ceiling.proc.send_signal(signal.SIGSTOP)
                real = wrk(trident.endpoint, workload, c, args.seconds, args.client_cpu, args.items)
                rows.append((workload, c, real, ceil))
                print(f"  {workload} c={c}: {real['rps']:.0f} req/s (ceiling {ceil['rps']:.0f})", file=sys.stderr)
        stop_sampling.set()
        ceiling.proc.send_signal(signal.SIGCONT)

        print()
        print(f"{'workload':17} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'ceiling':>9} {'ratio':>6}")
        for workload, c, real, ceil in rows:
            ratio = real["rps"] / ceil["rps"] if ceil["rps"] else 0
            print(f"{workload:17} {c:5d} {real['rps']:9.0f} {real['p50_ms']:8.3f} {real['p99_ms']:8.3f} {real['errors']:6d} {ceil['rps']:9.0f} {ratio:6.2f}")
        print()
        print(f"start-up (process start to first served request): {trident.startup_ms:.1f} ms")
        print(f"RSS: idle {idle_rss:.1f} MB, under load up to {peak_rss[0]:.1f} MB ({args.items} items, {args.zones} zone(s))")
    finally:
        for s in servers:
            try:
                s.proc.send_signal(signal.SIGCONT)
            except ProcessLookupError:
                pass
            s.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
