#!/usr/bin/env python3
"""`make bench`: Trident against ceilings and a peer, side by side in one run.

Starts a release `trident serve` and, on the same CPU, the servers it is measured against:
`trident serve --null-backend` (the same SwiftNIO stack answering every request with a fixed ~1 KB
body: Trident's own ceiling), nginx answering with the same fixed body (the machine's HTTP ceiling)
and moto's `moto_server` (the peer). They run one at a time (the others stopped with SIGSTOP), each
pinned to one CPU, driven by wrk (one thread) pinned to the other, on each workload and connection
count, in alternated rounds (`--rounds`): a shared VM drifts by ±20 % within a minute, so one cell
per server says little, and the median of cells taken in turn says what the ratio is. Prints one
table with the medians of requests/s, p50 and p99, the errors and Trident's ratio to each, then
start-up time and memory. Optionally (`--size-check`) compares GetItem and PutItem throughput with
10,000 and 1,000,000 items. Every server listens on 127.0.0.1 and is stopped at the end.
"""

import argparse
import http.client
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BODY = '{"Item":{"id":{"S":"k1"},"expires":{"N":"1764000000"},"data":{"S":"' + "x" * 900 + '"}}}'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection speaking DynamoDB JSON 1.0."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def post(self, op, body, api="DynamoDB_20120810."):
        self.conn.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": api + op,
            # moto wants something signature-shaped; Trident and the ceilings ignore it.
            "Authorization": "AWS4-HMAC-SHA256 Credential=BENCH/20261125/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{op}: HTTP {resp.status} {data[:200]!r}")
        return json.loads(data or b"{}")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """A server process pinned to one CPU; `ready` waits until it answers."""

    def __init__(self, label, cmd, port, cpu, env=None):
        self.label, self.port = label, port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(["taskset", "-c", str(cpu), *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=env, start_new_session=True)
        self.startup_ms = self._wait_ready()

    def _wait_ready(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.proc.returncode}")
            try:
                Client(self.port).post("ListTables", {})
                return (time.perf_counter() - self.started) * 1000
            except (OSError, RuntimeError, http.client.HTTPException):
                time.sleep(0.001)
        raise RuntimeError(f"{self.label} did not start")

    def pause(self):
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        os.killpg(self.proc.pid, signal.SIGCONT)

    def stop(self):
        if self.proc.poll() is None:
            self.resume()
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def nginx_ceiling(port, cpu, workdir):
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
worker_cpu_affinity {bin(1 << cpu)[2:]};
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_buffer_size 1m;
  client_body_temp_path {workdir}/nginx-body;
  server {{
    listen 127.0.0.1:{port};
    location / {{ default_type application/x-amz-json-1.0; return 200 '{BODY}'; }}
  }}
}}
""")
    # nginx answers ListTables with the fixed body too, which is all `ready` asks.
    return Server("nginx", ["nginx", "-c", conf, "-p", workdir], port, cpu)


def create_table(port, name="bench", indexes=None, stream=None):
    request = {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
    for index in indexes or []:
        request.setdefault("GlobalSecondaryIndexes", []).append(index)
        request["AttributeDefinitions"] += [{"AttributeName": k["AttributeName"], "AttributeType": "S"} for k in index["KeySchema"]]
    Client(port).post("CreateTable", request)


def preload(port, first, last, threads=8, table="bench", indexed=False):
    """Items k{first} … k{last-1}, 25 per BatchWriteItem, over `threads` keep-alive connections;
    `indexed` items also carry the `ref` and `owner` of the index workloads (bench/common.lua)."""
    expires = str(int(time.time()) + 86400)
    batches = [range(i, min(i + 25, last)) for i in range(first, last, 25)]
    failures = []

    def item(j):
        item = {"id": {"S": f"k{j}"}, "data": {"S": "x" * 900}, "expires": {"N": expires}}
        if indexed:
            item.update(ref={"S": f"r{j}"}, owner={"S": f"u{j % 1000}"})
        return item

    def work(part):
        try:
            client = Client(port)
            for batch in part:
                pending = {table: [{"PutRequest": {"Item": item(j)}} for j in batch]}
                while pending:
                    pending = client.post("BatchWriteItem", {"RequestItems": pending}).get("UnprocessedItems")
        except Exception as e:  # noqa: BLE001 - reported below
            failures.append(e)

    workers = [threading.Thread(target=work, args=(batches[t::threads],)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        raise failures[0]


def dirty_mb():
    with open("/proc/meminfo") as f:
        fields = dict(line.split(":", 1) for line in f)
    return (int(fields["Dirty"].split()[0]) + int(fields["Writeback"].split()[0])) / 1024


def settle():
    """Waits out the checkpoint that writes the preloaded pages to disk (every 10 s), and then until
    the machine has written back its dirty pages (a million items leave gigabytes of them), so
    neither lands in the first measurements."""
    time.sleep(float(os.environ.get("BENCH_SETTLE_SECONDS", 12)))
    quiesce(timeout=120)


def quiesce(timeout=60):
    """Waits until the machine has written back its dirty pages: a workload's cells should not pay
    for the checkpoints of the one before (after 10 s of writes at 64 connections, the session mix
    ran at 23.5 k req/s in the next 5 s and at 32-35 k once they were written)."""
    deadline = time.time() + timeout
    while dirty_mb() > 64 and time.time() < deadline:
        time.sleep(0.5)


def wrk(port, workload, connections, seconds, cpu, items, extra_env=None):
    env = dict(os.environ, BENCH_DIR=HERE, BENCH_ITEMS=str(items), **(extra_env or {}))
    out = subprocess.run(["taskset", "-c", str(cpu), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", os.path.join(HERE, workload + ".lua"),
                          f"http://127.0.0.1:{port}/"], capture_output=True, text=True, env=env, timeout=seconds + 60)
    line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT")), None)
    if not line:
        return {"rps": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "errors": -1}
    fields = dict(kv.split("=") for kv in line.split()[1:])
    return {"rps": float(fields["rps"]), "p50_ms": float(fields["p50_ms"]), "p99_ms": float(fields["p99_ms"]),
            "errors": int(fields["non200"]) + int(fields["socket_errors"])}


def run_alone(server, others, workload, connections, args, items):
    """One wrk run with `server` the only one of them running."""
    for other in others:
        if other is not server:
            other.pause()
    server.resume()
    try:
        return wrk(server.port, workload, connections, args.seconds, args.client_cpu, items)
    finally:
        for other in others:
            other.resume()


def median(cells):
    """The median cell by requests/s, with every cell's errors added up."""
    ranked = sorted(cells, key=lambda cell: cell["rps"])
    return dict(ranked[len(ranked) // 2], errors=sum(cell["errors"] for cell in cells))


def rounds(servers, workload, connections, args, items, everyone=None):
    """`args.rounds` cells of each server, alternating which goes first; the median of each. Each cell
    is printed to stderr as it is taken, so the spread shows. `items` is the table size, or one per
    server; `everyone` are the servers to stop while one runs (by default `servers`)."""
    cells = {name: [] for name in servers}
    for round_ in range(args.rounds):
        order = list(servers) if round_ % 2 == 0 else list(servers)[::-1]
        for name in order:
            table = items[name] if isinstance(items, dict) else items
            cell = run_alone(servers[name], everyone or list(servers.values()), workload, connections, args, table)
            cells[name].append(cell)
            print(f"  {workload} c={connections} {name}: {cell['rps']:.0f} req/s, p50 {cell['p50_ms']:.3f} ms, p99 {cell['p99_ms']:.3f} ms",
                  file=sys.stderr, flush=True)
    return {name: median(c) for name, c in cells.items()}


def ratio(a, b):
    return f"{a / b:6.2f}" if b else "     -"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/trident"))
    parser.add_argument("--items", type=int, default=int(os.environ.get("BENCH_ITEMS", 100000)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 3)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)),
                        help="cells per server and workload, taken in turn; the table shows their medians")
    parser.add_argument("--connections", default=os.environ.get("BENCH_CONNECTIONS", "1,16,64"))
    parser.add_argument("--workloads", default=os.environ.get("BENCH_WORKLOADS", "getitem,getitem-eventual,putitem,updateitem,mixed"))
    parser.add_argument("--peers", default=os.environ.get("BENCH_PEERS", "null,nginx,moto"),
                        help="servers to compare with: null (Trident's null backend), nginx, moto")
    parser.add_argument("--server-cpu", type=int, default=1)
    parser.add_argument("--client-cpu", type=int, default=0)
    parser.add_argument("--zones", default="3")
    parser.add_argument("--variants", default=os.environ.get("BENCH_VARIANTS", "putitem,updateitem,mixed"),
                        help="workloads to also run at 16 connections with --zones 1, --in-memory and both (empty: none)")
    parser.add_argument("--indexes", type=int, default=int(os.environ.get("BENCH_INDEXES", 1)),
                        help="1: also measure indexed tables (Query on a GSI, PutItem with two GSIs, a backfill under writes)")
    parser.add_argument("--partiql", type=int, default=int(os.environ.get("BENCH_PARTIQL", 1)),
                        help="the PartiQL SELECT-by-key row (BENCH_PARTIQL=0 skips it)")
    parser.add_argument("--transactions", type=int, default=int(os.environ.get("BENCH_TRANSACTIONS", 1)),
                        help="1: also compare a 10-Put TransactWriteItems with a PutItem")
    parser.add_argument("--streams", type=int, default=int(os.environ.get("BENCH_STREAMS", 1)),
                        help="1: also compare PutItem with a stream enabled, and time draining a stream")
    parser.add_argument("--size-check", action="store_true", default=bool(os.environ.get("BENCH_SIZE_CHECK")),
                        help="also compare GetItem and PutItem at 16 connections with 10,000 and 1,000,000 items")
    args = parser.parse_args()
    peers = [p for p in args.peers.split(",") if p]
    for tool in ["wrk", "taskset"] + (["nginx"] if "nginx" in peers else []) + (["moto_server"] if "moto" in peers else []):
        if not shutil.which(tool):
            sys.exit(f"bench needs {tool} (make bench installs it)")

    workdir = tempfile.mkdtemp(prefix="trident-bench-")
    servers = []
    try:
        port = free_port()
        trident = Server("trident", [args.binary, "serve", "--port", str(port), "--log-level", "error", "--data-dir",
                                     os.path.join(workdir, "data"), "--zones", args.zones], port, args.server_cpu)
        servers.append(trident)
        idle_rss = rss_mb(trident.proc.pid)
        started = time.time()
        create_table(trident.port)
        preload(trident.port, 0, args.items)
        print(f"preloaded {args.items} items into Trident in {time.time() - started:.1f} s", file=sys.stderr)
        settle()

        compared = {}
        if "null" in peers:
            port = free_port()
            compared["null"] = Server("null backend", [args.binary, "serve", "--null-backend", "--port", str(port), "--log-level", "error"],
                                      port, args.server_cpu)
        if "nginx" in peers:
            compared["nginx"] = nginx_ceiling(free_port(), args.server_cpu, workdir)
        if "moto" in peers:
            port = free_port()
            compared["moto"] = Server("moto", ["moto_server", "-H", "127.0.0.1", "-p", str(port)], port, args.server_cpu)
            started = time.time()
            create_table(port)
            preload(port, 0, args.items, threads=2)
            print(f"preloaded {args.items} items into moto in {time.time() - started:.1f} s", file=sys.stderr)
        servers.extend(compared.values())

        peak_rss = [idle_rss]
        stop_sampling = threading.Event()

        def sample():
            while not stop_sampling.wait(0.2):
                peak_rss[0] = max(peak_rss[0], rss_mb(trident.proc.pid))

        threading.Thread(target=sample, daemon=True).start()

        rows = []
        for workload in args.workloads.split(","):
            quiesce()
            for c in [int(x) for x in args.connections.split(",")]:
                results = rounds({**compared, "trident": trident}, workload, c, args, args.items)
                rows.append((workload, c, results))
        stop_sampling.set()

        names = list(compared)
        header = f"{'workload':17} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
        for name in names:
            header += f" {name + ' req/s':>13} {'ratio':>6}"
        print()
        print(header)
        for workload, c, results in rows:
            t = results["trident"]
            line = f"{workload:17} {c:5d} {t['rps']:9.0f} {t['p50_ms']:8.3f} {t['p99_ms']:8.3f} {t['errors']:6d}"
            for name in names:
                line += f" {results[name]['rps']:13.0f} {ratio(t['rps'], results[name]['rps'])}"
            print(line)
        print(f"(medians of {args.rounds} alternated {args.seconds}-s cells per server; ratio: Trident's requests/s over that"
              " server's, same workload, same run)")
        print()
        print(f"start-up (process start to first served request): {trident.startup_ms:.1f} ms")
        print(f"RSS: idle {idle_rss:.1f} MB, under load up to {peak_rss[0]:.1f} MB ({args.items} items, {args.zones} zone(s))")

        if args.indexes:
            indexes(servers, trident, args)
        if args.transactions:
            transactions(servers, trident, args)
        if args.partiql:
            partiql(servers, trident, args)
        if args.streams:
            streams(servers, trident, args)
        if "null" in compared and args.variants:
            variants(servers, trident, compared["null"], args, workdir)
        if args.size_check:
            size_check(servers, args, workdir)
    finally:
        for s in servers:
            try:
                s.stop()
            except ProcessLookupError:
                pass
        shutil.rmtree(workdir, ignore_errors=True)


class alone:
    """`with alone(servers, trident):` every other server stopped meanwhile."""

    def __init__(self, servers, trident):
        self.others = [s for s in servers if s is not trident]

    def __enter__(self):
        for other in self.others:
            other.pause()

    def __exit__(self, *_):
        for other in self.others:
            other.resume()


def gsi(name, key, projection):
    return {"IndexName": name, "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}], "Projection": {"ProjectionType": projection}}


def indexes(servers, trident, args):
    """Indexed tables on the main server, every other server stopped: the same items in `plain` (no
    index) and `indexed` (GSIs byRef, ALL, and byOwner, KEYS_ONLY); Query by key on the table
    against the same Query through byRef, PutItem on each, in alternated cells at 16 connections.
    Then a GSI is added to `plain` while PutItem runs on it: how long the backfill takes, and the
    writes' p99 meanwhile."""
    with alone(servers, trident):
        started = time.time()
        create_table(trident.port, "plain")
        create_table(trident.port, "indexed", [gsi("byRef", "ref", "ALL"), gsi("byOwner", "owner", "KEYS_ONLY")])
        for table in ("plain", "indexed"):
            preload(trident.port, 0, args.items, table=table, indexed=True)
        print(f"\nindexes: two tables of {args.items} items preloaded in {time.time() - started:.1f} s", file=sys.stderr)
        settle()
        cells = {
            "query": {"table": {"BENCH_TABLE": "plain"}, "GSI byRef": {"BENCH_TABLE": "indexed", "BENCH_INDEX": "byRef"}},
            "putitem-indexed": {"no index": {"BENCH_TABLE": "plain"}, "two GSIs": {"BENCH_TABLE": "indexed"}},
        }
        results = alternated(trident, cells, args)
        quiesce()
        backfill = backfill_under_writes(trident, args)
    print()
    print(f"{'indexed tables':16} {'req/s':>9} {'p99 ms':>8} {'req/s':>9} {'p99 ms':>8} {'ratio':>6}   (16 connections, medians of {args.rounds} alternated cells)")
    for workload, pair in results.items():
        (a_name, a), (b_name, b) = pair.items()
        print(f"{workload:16} {a['rps']:9.0f} {a['p99_ms']:8.3f} {b['rps']:9.0f} {b['p99_ms']:8.3f} {ratio(b['rps'], a['rps'])}"
              f"   {b_name} over {a_name}; errors {a['errors'] + b['errors']}")
    print(f"backfill of a GSI over {args.items} items: {backfill['seconds']:.2f} s, while PutItem at 16 connections ran at"
          f" {backfill['rps']:.0f} req/s, p99 {backfill['p99_ms']:.3f} ms, {backfill['errors']} errors")


def alternated(trident, cells, args):
    """For each workload, its variants (name → extra wrk environment) on one server in alternated
    cells at 16 connections; the medians by workload and variant."""
    results = {}
    for workload, variants_ in cells.items():
        quiesce()
        taken = {name: [] for name in variants_}
        for round_ in range(args.rounds):
            for name in (list(variants_) if round_ % 2 == 0 else list(variants_)[::-1]):
                cell = wrk(trident.port, variants_[name].get("BENCH_WORKLOAD", workload), 16, args.seconds, args.client_cpu, args.items,
                           variants_[name])
                taken[name].append(cell)
                print(f"  {workload} {name}: {cell['rps']:.0f} req/s, p99 {cell['p99_ms']:.3f} ms", file=sys.stderr, flush=True)
        results[workload] = {name: median(c) for name, c in taken.items()}
    return results


def paired(servers, trident, args, row, base, other):
    """Two (label, workload) pairs in alternated cells on the main table, every other server stopped
    (requests/s at 16 connections, the server's core saturated); prints the server time of `other`
    against `base` and returns both medians."""
    with alone(servers, trident):
        results = alternated(trident, {row: {base[0]: {"BENCH_WORKLOAD": base[1]}, other[0]: {"BENCH_WORKLOAD": other[1]}}}, args)[row]
    first, second = results[base[0]], results[other[0]]
    print()
    print(f"{row}: {base[0]} {first['rps']:.0f} req/s (p99 {first['p99_ms']:.3f} ms); {other[0]} {second['rps']:.0f} req/s"
          f" (p99 {second['p99_ms']:.3f} ms): one costs {first['rps'] / second['rps'] if second['rps'] else 0:.2f} × a {base[0]}'s server time;"
          f" errors {first['errors'] + second['errors']}")
    return first, second


def transactions(servers, trident, args):
    """A TransactWriteItems of 10 Puts against one PutItem."""
    paired(servers, trident, args, "transactions", ("PutItem", "putitem"), ("TransactWriteItems of 10 Puts", "transact10"))


def partiql(servers, trident, args):
    """A PartiQL SELECT naming the whole key against the same GetItem (strongly consistent both; target ≤ 1.3 ×)."""
    paired(servers, trident, args, "partiql", ("GetItem", "getitem"), ("ExecuteStatement SELECT by key", "partiql-select"))


def streams(servers, trident, args):
    """Tables with a KEYS_ONLY and a NEW_AND_OLD_IMAGES stream beside the main one, every other
    server stopped: draining the second's stream of its preload (one record per item) with
    GetRecords of 1,000, then PutItem on each table in alternated cells."""
    with alone(servers, trident):
        create_table(trident.port, "keys_streamed", stream="KEYS_ONLY")
        create_table(trident.port, "streamed", stream="NEW_AND_OLD_IMAGES")
        for table in ("keys_streamed", "streamed"):
            preload(trident.port, 0, args.items, table=table)
        settle()
        client = Client(trident.port)
        arn = client.post("DescribeTable", {"TableName": "streamed"})["Table"]["LatestStreamArn"]
        started = time.perf_counter()
        drained = 0
        shards = client.post("DescribeStream", {"StreamArn": arn}, api="DynamoDBStreams_20120810.")["StreamDescription"]["Shards"]
        for shard in shards:
            iterator = client.post("GetShardIterator", {"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"},
                                   api="DynamoDBStreams_20120810.")["ShardIterator"]
            while iterator:
                page = client.post("GetRecords", {"ShardIterator": iterator, "Limit": 1000}, api="DynamoDBStreams_20120810.")
                drained += len(page["Records"])
                if not page["Records"]:
                    break
                iterator = page.get("NextShardIterator")
        drain_seconds = time.perf_counter() - started
        variants_ = {"no stream": {"BENCH_TABLE": "bench"}, "KEYS_ONLY": {"BENCH_TABLE": "keys_streamed"},
                     "NEW_AND_OLD_IMAGES": {"BENCH_TABLE": "streamed"}}
        results = alternated(trident, {"putitem": variants_}, args)["putitem"]
    plain = results["no stream"]
    print()
    print(f"streams: PutItem {plain['rps']:.0f} req/s without a stream, {results['KEYS_ONLY']['rps']:.0f} with a KEYS_ONLY stream"
          f" ({ratio(results['KEYS_ONLY']['rps'], plain['rps']).strip()} ×), {results['NEW_AND_OLD_IMAGES']['rps']:.0f} with NEW_AND_OLD_IMAGES"
          f" ({ratio(results['NEW_AND_OLD_IMAGES']['rps'], plain['rps']).strip()} ×); GetRecords drained {drained} records in"
          f" {drain_seconds:.2f} s; errors {sum(r['errors'] for r in results.values())}")


def backfill_under_writes(trident, args):
    """Adds a GSI (KEYS_ONLY on `owner`) to `plain` half a second into a PutItem run on it; the time
    from UpdateTable to ACTIVE, and the run's figures."""
    outcome = {}
    seconds = max(args.seconds, 6)
    runner = threading.Thread(target=lambda: outcome.update(
        wrk(trident.port, "putitem-indexed", 16, seconds, args.client_cpu, args.items, {"BENCH_TABLE": "plain"})))
    runner.start()
    time.sleep(0.5)
    client = Client(trident.port)
    started = time.perf_counter()
    client.post("UpdateTable", {"TableName": "plain", "AttributeDefinitions": [{"AttributeName": "owner", "AttributeType": "S"}],
                                "GlobalSecondaryIndexUpdates": [{"Create": gsi("byOwnerLater", "owner", "KEYS_ONLY")}]})
    while True:
        table = client.post("DescribeTable", {"TableName": "plain"})["Table"]
        if all(i["IndexStatus"] == "ACTIVE" for i in table["GlobalSecondaryIndexes"]):
            break
        time.sleep(0.01)
    outcome["seconds"] = time.perf_counter() - started
    runner.join()
    return outcome


def variants(servers, trident, null, args, workdir):
    """The durable three-zone server beside `--zones 1`, `--in-memory` and both, at 16 connections,
    each cell taken in turn with the null backend's: what durability and the zones cost."""
    flags = {"durable, 1 zone": ["--zones", "1"], "in memory, 3 zones": ["--in-memory"], "in memory, 1 zone": ["--in-memory", "--zones", "1"]}
    servers_by_name = {"durable, 3 zones": trident}
    print(file=sys.stderr)
    for name, extra in flags.items():
        port = free_port()
        where = [] if "--in-memory" in extra else ["--data-dir", os.path.join(workdir, "variant-" + name.replace(" ", "").replace(",", "-"))]
        servers_by_name[name] = Server(name, [args.binary, "serve", "--port", str(port), "--log-level", "error", *where, *extra], port,
                                       args.server_cpu)
        servers.append(servers_by_name[name])
        create_table(port)
        preload(port, 0, args.items)
        print(f"variant {name}: preloaded", file=sys.stderr)
    settle()
    results = {}
    for workload in args.variants.split(","):
        quiesce()
        results[workload] = rounds({**servers_by_name, "null": null}, workload, 16, args, args.items, everyone=servers)
    print()
    print(f"{'workload':12}" + "".join(f" {name:>20}" for name in servers_by_name) + f" {'null backend':>13}   3 zones vs 1 (durable, in memory)")
    for workload, cells in results.items():
        line = f"{workload:12}"
        for name in servers_by_name:
            line += f" {cells[name]['rps']:9.0f} ({cells[name]['rps'] / cells['null']['rps']:4.2f} x)" if cells["null"]["rps"] else f" {0:20}"
        cost = [1 - cells[f"{kind}, 3 zones"]["rps"] / cells[f"{kind}, 1 zone"]["rps"] for kind in ("durable", "in memory")]
        print(line + f" {cells['null']['rps']:13.0f}   {cost[0] * 100:+5.1f} %, {cost[1] * 100:+5.1f} %")
    print(f"(16 connections, medians of {args.rounds} alternated cells; (x): over the null backend's requests/s in the same rounds;"
          " the last column: throughput three zones cost against one)")


def size_check(servers, args, workdir):
    """GetItem and PutItem at 16 connections on a table of 10,000 items and on one of 1,000,000 (keys
    drawn over the whole table), two servers taking turns: lookups and writes stay O(log n)."""
    sizes = {"10,000 items": 10_000, "1,000,000 items": 1_000_000}
    tables = {}
    print(file=sys.stderr)
    for name, items in sizes.items():
        port = free_port()
        tables[name] = Server(name, [args.binary, "serve", "--port", str(port), "--log-level", "error", "--data-dir",
                                     os.path.join(workdir, f"size-check-{items}"), "--zones", args.zones], port, args.server_cpu)
        servers.append(tables[name])
        started = time.time()
        create_table(port)
        preload(port, 0, items)
        print(f"size check: {name} preloaded in {time.time() - started:.1f} s", file=sys.stderr)
    settle()
    results = {}
    for workload in ("getitem", "putitem"):
        quiesce()
        results[workload] = rounds(tables, workload, 16, args, sizes, everyone=servers)
    print()
    print(f"{'workload':10} {'10,000 items':>14} {'1,000,000 items':>16} {'change':>8}   (16 connections, medians of {args.rounds} alternated cells)")
    for workload, cells in results.items():
        a, b = (cells[name]["rps"] for name in sizes)
        print(f"{workload:10} {a:14.0f} {b:16.0f} {(b - a) / a * 100 if a else 0:7.1f}%")


if __name__ == "__main__":
    main()
