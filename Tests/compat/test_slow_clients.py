"""What careless and hostile clients may cost (timeouts shortened by flags so the tests are quick):
an idle keep-alive connection is closed, a head or a body that trickles gets 408, bodies past the
shared memory budget get 503 and memory stays bounded, connections past the limit are accepted
and closed, and running out of file descriptors neither spins the CPU nor stops the existing
clients, and passes by itself."""

import os
import socket
import subprocess
import time
from urllib.parse import urlparse

import requests

from conftest import TridentProcess


def connect(server):
    url = urlparse(server.endpoint)
    return socket.create_connection((url.hostname, url.port), timeout=5)


def closed_within(sock, seconds):
    """What arrives until the server closes the connection (None if it stays open that long)."""
    sock.settimeout(seconds)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
    except (socket.timeout, TimeoutError):
        return None
    except ConnectionResetError:
        return data


HEALTH = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


def test_an_idle_keep_alive_connection_is_closed(spawn):
    server = spawn("--idle-timeout", "1")
    s = connect(server)
    s.sendall(HEALTH)
    assert s.recv(4096).startswith(b"HTTP/1.1 200")
    started = time.time()
    assert closed_within(s, 5) == b""
    assert 0.9 < time.time() - started < 3.5


def test_a_head_that_does_not_arrive_in_time_gets_408(spawn):
    server = spawn("--header-timeout", "1")
    s = connect(server)
    s.sendall(b"GET / HT")
    out = closed_within(s, 5)
    assert out is not None and out.startswith(b"HTTP/1.1 408")


def test_a_head_trickling_a_byte_a_second_is_cut_off(spawn):
    server = spawn("--header-timeout", "2")
    s = connect(server)
    started = time.time()
    for b in HEALTH[:-4]:
        try:
            s.sendall(bytes([b]))
        except (BrokenPipeError, ConnectionResetError):
            break
        s.settimeout(0.5)
        try:
            data = s.recv(4096)
            assert data.startswith(b"HTTP/1.1 408")
            break
        except (socket.timeout, TimeoutError):
            pass
    assert time.time() - started < 5


def test_a_body_slower_than_the_minimum_rate_gets_408(spawn):
    server = spawn("--header-timeout", "1", "--min-body-rate", "1000")
    s = connect(server)
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 100000\r\n\r\n")
    started = time.time()
    out = None
    while time.time() - started < 6 and out is None:
        try:
            s.sendall(b"{")
        except (BrokenPipeError, ConnectionResetError):
            out = b"closed"
            break
        s.settimeout(0.3)
        try:
            out = s.recv(4096)
        except (socket.timeout, TimeoutError):
            pass
    assert out is not None and (out.startswith(b"HTTP/1.1 408") or out == b"closed"), out
    assert time.time() - started < 4


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def test_stalled_uploads_cost_bounded_memory_and_past_the_budget_get_503(spawn):
    server = spawn("--header-timeout", "30")
    head = b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: 16000000\r\n\r\n"
    sockets, refused = [], 0
    for _ in range(100):
        s = connect(server)
        s.sendall(head)
        s.settimeout(0.05)
        try:
            s.sendall(b"x" * (1 << 20))  # a first MiB, then nothing more
            reply = s.recv(4096)
            refused += reply.startswith(b"HTTP/1.1 503")
        except (socket.timeout, TimeoutError):
            pass
        except (BrokenPipeError, ConnectionResetError):
            refused += 1
        sockets.append(s)
    time.sleep(0.5)
    # A 64 MB budget holds four 16 MB bodies; the others were turned away at their head.
    assert refused >= 90
    assert rss_mb(server.proc.pid) < 100
    # The server still answers everyone else.
    assert requests.get(server.endpoint + "/").status_code == 200
    for s in sockets:
        s.close()


def test_connections_past_the_limit_are_accepted_and_closed(spawn):
    server = spawn("--max-connections", "5")
    held = [connect(server) for _ in range(5)]
    for s in held:
        s.sendall(HEALTH)
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
    extra = connect(server)
    assert closed_within(extra, 3) == b""
    # The five keep working; once one leaves, a newcomer is served.
    held[0].sendall(HEALTH)
    assert held[0].recv(4096).startswith(b"HTTP/1.1 200")
    held.pop().close()
    time.sleep(0.2)
    again = connect(server)
    again.sendall(HEALTH)
    assert again.recv(4096).startswith(b"HTTP/1.1 200")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().split(")")[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_out_of_file_descriptors_the_server_backs_off_and_recovers(binary, tmp_path):
    # A hard limit of 96 open files and a connection limit above it: accepting fails with EMFILE.
    server = TridentProcess(binary, data_dir=str(tmp_path / "data"))
    server.proc = subprocess.Popen(["prlimit", "--nofile=96:96", server.binary, "serve", "--port", "0", "--data-dir", server.data_dir,
                                    "--max-connections", "1000"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = server.proc.stdout.readline()
        server.endpoint = line.split("listening on ", 1)[1].split()[0]
        steady = connect(server)
        steady.sendall(HEALTH)
        assert steady.recv(4096).startswith(b"HTTP/1.1 200")
        flood = []
        for _ in range(150):
            try:
                flood.append(connect(server))
            except OSError:
                break
        time.sleep(0.5)
        before = cpu_seconds(server.proc.pid)
        time.sleep(2)
        busy = (cpu_seconds(server.proc.pid) - before) / 2
        assert busy < 0.2, f"{busy * 100:.0f} % CPU while out of descriptors"
        # The existing client is still answered.
        steady.sendall(HEALTH)
        assert steady.recv(4096).startswith(b"HTTP/1.1 200")
        for s in flood:
            s.close()
        time.sleep(1.5)
        assert requests.get(server.endpoint + "/", timeout=5).status_code == 200
    finally:
        server.proc.kill()
        server.proc.wait()
