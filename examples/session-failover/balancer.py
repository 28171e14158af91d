"""A small round-robin HTTP load balancer (standard library only). `--sticky` pins each client to
the instance that served its first request with a cookie, as sticky sessions do; without it every
request goes to the next instance. An instance that refuses connections is skipped (and a sticky
client re-pinned to another one)."""

import argparse
import http.client
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COOKIE = "lb_instance"


class Balancer:
    def __init__(self, backends, sticky):
        self.backends = backends
        self.sticky = sticky
        self.turn = itertools.count()
        self.lock = threading.Lock()

    def order(self, pinned):
        with self.lock:
            start = next(self.turn) % len(self.backends)
        ring = self.backends[start:] + self.backends[:start]
        if pinned in self.backends:
            ring.remove(pinned)
            ring.insert(0, pinned)
        return ring


def handler_for(balancer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            cookies = dict(part.strip().split("=", 1) for part in (self.headers.get("Cookie") or "").split(";") if "=" in part)
            pinned = cookies.get(COOKIE) if balancer.sticky else None
            for backend in balancer.order(pinned):
                host, port = backend.split(":")
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                    connection.request(self.command, self.path, body=body, headers=headers)
                    answer = connection.getresponse()
                    payload = answer.read()
                except ConnectionRefusedError:
                    continue  # a dead instance never saw the request: the next one takes it
                except OSError:
                    break  # it may have acted on the request: not sent again, answered 502
                finally:
                    connection.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "content-length", "date", "server"):
                        self.send_header(name, value)
                if balancer.sticky and pinned != backend:
                    self.send_header("Set-Cookie", f"{COOKIE}={backend}; Path=/")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            self.send_response(502)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = forward

    return Handler


def serve(port, backends, sticky):
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(Balancer(backends, sticky)))
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", action="append", required=True, help="HOST:PORT, repeatable")
    parser.add_argument("--sticky", action="store_true")
    args = parser.parse_args()
    serve(args.port, args.backend, args.sticky).serve_forever()
