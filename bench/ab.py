#!/usr/bin/env python3
"""Two Trident builds, alternated: the fair before/after on a noisy machine.

Starts both binaries (each on its own data folder, pinned to CPU 1, the other stopped with SIGSTOP
while one runs), preloads the same table into each, then runs every workload in rounds, switching
which build goes first each round, and prints each cell and the median per build. A single cell on
a shared VM swings by ±20 %; medians of alternated rounds do not drift with the machine.

    python3 bench/ab.py OLD_BINARY NEW_BINARY [--workloads getitem,mixed] [--rounds 4] [--seconds 3]

Extra `trident serve` flags for both: --serve-args "--zones 1". Uses wrk and the Lua scripts of
`make bench`; servers listen on 127.0.0.1 and are stopped at the end.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--workloads", default="getitem,getitem-eventual,putitem,updateitem,mixed")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--serve-args", default="")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("ab.py needs wrk (make bench installs it)")
    builds = {"old": args.old, "new": args.new}
    workloads = args.workloads.split(",")
    settings = argparse.Namespace(seconds=args.seconds, rounds=args.rounds, client_cpu=0)
    workdir = tempfile.mkdtemp(prefix="trident-ab-")
    servers = {}
    try:
        for name, binary in builds.items():
            port = bench.free_port()
            servers[name] = bench.Server(name, [binary, "serve", "--port", str(port), "--log-level", "error", "--data-dir",
                                                os.path.join(workdir, name), *args.serve_args.split()], port, 1)
            bench.create_table(port)
            bench.preload(port, 0, args.items)
        bench.settle()
        print(f"{'workload':18} {'old median':>11} {'new median':>11} {'change':>8}   ({args.rounds} alternated rounds, "
              f"{args.connections} connections)")
        for workload in workloads:
            bench.quiesce()
            medians = bench.rounds(servers, workload, args.connections, settings, args.items)
            old, new = medians["old"]["rps"], medians["new"]["rps"]
            change = (new - old) / old * 100 if old else 0
            print(f"{workload:18} {old:11.0f} {new:11.0f} {change:7.1f}%", flush=True)
    finally:
        for server in servers.values():
            server.resume()
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
