"""Walks one user through the session-store argument, end to end, in two set-ups:

  sticky  three app instances keep sessions in their own memory; the balancer pins each user to one
  shared  the same instances keep sessions in one DynamoDB table (Trident); the balancer spreads freely

Steps: (1) log in and fill a cart over several requests, (2) kill the instance that served the last
request, (3) stop Trident's leader zone, (4) move Trident's clock past the session lifetime,
(5) starve the session table of write capacity under load. Steps 3–5 concern the shared store.
Each step prints what happened and the evidence; `--json FILE` saves the outcomes for tests."""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
LIFETIME = 1800  # seconds a session lives


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(check, timeout=30, what="a server"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within {timeout} s")


class User:
    """A browser: keeps its cookies (the session id, the balancer's pin) across requests."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def call(self, method, path):
        request = urllib.request.Request(self.base + path, method=method, data=b"" if method == "POST" else None)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read()), answer.headers.get("X-Instance")
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                parsed = json.loads(body) if body else {}
            except ValueError:
                parsed = {"error": body[:200].decode(errors="replace")}
            return error.code, parsed, error.headers.get("X-Instance")


class Setup:
    """Trident (shared mode only), three app instances and the balancer."""

    def __init__(self, mode, trident_binary):
        self.mode = mode
        self.processes = []
        self.trident = None
        try:
            self.launch(trident_binary)
        except BaseException:
            self.stop()  # nothing started is left running
            raise

    def launch(self, trident_binary):
        mode = self.mode
        if mode == "shared":
            ready = tempfile.mktemp(prefix="trident-ready-")
            self.trident = self.start([trident_binary, "serve", "--in-memory", "--port", "0", "--clock", "controlled", "--ttl-interval", "3600",
                                       "--ready-file", ready])
            wait_until(lambda: os.path.exists(ready), what="Trident")
            with open(ready) as f:
                self.endpoint = f.read().strip()
            os.unlink(ready)
            self.ddb = boto3.client("dynamodb", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id="example",
                                    aws_secret_access_key="example")
            self.ddb.create_table(TableName="Sessions", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
            self.ddb.update_time_to_live(TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"})
        self.apps = {}
        for _ in range(3):
            port = free_port()
            command = [sys.executable, os.path.join(HERE, "app.py"), "--port", str(port), "--lifetime-seconds", str(LIFETIME),
                       "--sessions", "dynamodb" if mode == "shared" else "memory"]
            if self.trident:
                command += ["--endpoint", self.endpoint]
            self.apps[f"app-{port}"] = self.start(command, env=dict(os.environ, TZ="UTC"))
            wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).status == 200, what="an app instance")
        self.balancer_port = free_port()
        command = [sys.executable, os.path.join(HERE, "balancer.py"), "--port", str(self.balancer_port)]
        command += [arg for name in self.apps for arg in ("--backend", "127.0.0.1:" + name.split("-")[1])]
        self.start(command + (["--sticky"] if mode == "sticky" else []))
        wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.balancer_port}/health", timeout=1).status == 200, what="the balancer")

    def start(self, command, env=None):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        self.processes.append(process)
        return process

    def admin(self, path, body=None):
        request = urllib.request.Request(self.endpoint + "/_trident/" + path, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()


def say(outcomes, step, sentence, **evidence):
    outcomes[step] = dict(evidence, sentence=sentence)
    print(f"  {step}. {sentence}")
    print("     evidence: " + ", ".join(f"{k}={json.dumps(v)}" for k, v in evidence.items()))


def walk(mode, trident_binary):
    print(f"\n== {mode}: " + ("sessions in each instance's memory, users pinned by a cookie" if mode == "sticky"
                              else "sessions in one DynamoDB table (Trident), requests spread round-robin"))
    setup = Setup(mode, trident_binary)
    outcomes = {}
    try:
        user = User(f"http://127.0.0.1:{setup.balancer_port}")
        served = []
        status, _, instance = user.call("POST", "/login/ada")
        served.append(instance)
        for item in ("book", "lamp", "tea"):
            status, body, instance = user.call("POST", f"/cart/{item}")
            served.append(instance)
        status, body, instance = user.call("GET", "/cart")
        served.append(instance)
        say(outcomes, 1, f"ada logged in and put 3 things in her cart over {len(served)} requests, served by {len(set(served))} instance(s)",
            cart=body["cart"], instances=served)

        victim = served[-1]
        setup.apps[victim].send_signal(signal.SIGKILL)
        setup.apps[victim].wait()
        status, body, instance = user.call("GET", "/cart")
        kept = body.get("user") == "ada" and body.get("cart") == ["book", "lamp", "tea"]
        say(outcomes, 2, f"{victim} was killed; the next request went to {instance} and the cart is "
            + ("intact" if kept else "gone: ada is no longer logged in"), status=status, user=body.get("user"), cart=body.get("cart"),
            killed=victim, served_by=instance, cart_intact=kept)
        if mode == "sticky":
            return outcomes

        zones = setup.admin("zones")
        leader = zones["leader"]
        setup.admin(f"zones/{leader}/stop", {})
        status, body, instance = user.call("POST", "/cart/pen")
        status_read, body_read, _ = user.call("GET", "/cart")
        after = setup.admin("zones")
        say(outcomes, 3, f"Trident's leader zone {leader} was stopped; {after['leader']} took over, the cart was read and written on",
            stopped=leader, new_leader=after["leader"], write_status=status, read_status=status_read, cart=body_read.get("cart"),
            zone_states={z["name"]: z["state"] for z in after["zones"]})
        setup.admin(f"zones/{leader}/start", {})

        items_before = setup.ddb.describe_table(TableName="Sessions")["Table"]["ItemCount"]
        setup.admin("clock", {"advanceSeconds": LIFETIME + 60})  # the sweep runs before the answer
        items_after = setup.ddb.describe_table(TableName="Sessions")["Table"]["ItemCount"]
        status, body, instance = user.call("GET", "/cart")
        say(outcomes, 4, f"the clock moved {LIFETIME + 60} s, past the session lifetime: TTL deleted the session item and the next request "
            + ("started a new session" if body.get("user") is None else "still saw the old one"),
            session_items_before=items_before, session_items_after=items_after, user=body.get("user"), cart=body.get("cart"))

        setup.ddb.update_table(TableName="Sessions", BillingMode="PROVISIONED",
                               ProvisionedThroughput={"ReadCapacityUnits": 50, "WriteCapacityUnits": 1})
        crowd = [User(f"http://127.0.0.1:{setup.balancer_port}") for _ in range(8)]
        statuses = []
        lock = threading.Lock()

        def shop(shopper, n):
            got = [shopper.call("POST", "/login/bob")[0]]
            for i in range(n):
                got.append(shopper.call("POST", f"/cart/item{i}")[0])
            with lock:
                statuses.extend(got)

        threads = [threading.Thread(target=shop, args=(shopper, 50)) for shopper in crowd]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        table = next(t for t in setup.admin("tables")["tables"] if t["name"] == "Sessions")
        refused = statuses.count(503)
        say(outcomes, 5, f"with 1 write unit provisioned, {len(statuses)} requests spent the burst bucket: Trident throttled"
            f" {table['throttledWrites']} session writes, the SDK retried them, and {refused} requests still failed with 503; the rest went through",
            requests=len(statuses), ok=statuses.count(200), refused_503=refused, throttled_writes=table["throttledWrites"],
            consumed_write_units=table["consumedWriteUnits"])
        return outcomes
    finally:
        setup.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trident", default=os.path.join(HERE, "..", "..", ".build", "release", "trident"))
    parser.add_argument("--mode", choices=["sticky", "shared", "both"], default="both")
    parser.add_argument("--json", help="write the outcomes of every step to this file")
    args = parser.parse_args()
    modes = ["sticky", "shared"] if args.mode == "both" else [args.mode]
    results = {mode: walk(mode, os.path.abspath(args.trident)) for mode in modes}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
