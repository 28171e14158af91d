"""Black-box compat suite: real boto3 (and raw HTTP) requests against a running Trident.

By default each session starts `trident serve` itself on a free port with a fresh data folder and
stops it afterwards (also on failure). `--endpoint URL` points the API tests at a server that is
already running instead (even real DynamoDB); tests that must start, stop or kill servers then use
their own processes started from `--trident-binary`.
"""

import os
import signal
import shutil
import subprocess
import tempfile
import time
import uuid

import boto3
import pytest
from botocore.config import Config


def pytest_addoption(parser):
    parser.addoption("--trident-binary", default=".build/debug/trident", help="trident executable to start")
    parser.addoption("--endpoint", default=None, help="use this running endpoint instead of starting one")


class TridentProcess:
    """One `trident serve` process with its own data folder, on a free port."""

    def __init__(self, binary, *args, data_dir=None):
        self.binary = os.path.abspath(binary)
        self.args = list(args)
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="trident-compat-")
        self.proc = None
        self.endpoint = None
        self.log_lines = []

    def start(self, timeout=20):
        cmd = [self.binary, "serve", "--port", "0", "--data-dir", self.data_dir, *self.args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"trident exited with {self.proc.wait()} before listening")
            self.log_lines.append(line)
            if "listening on " in line:
                self.endpoint = line.split("listening on ", 1)[1].split()[0]
                self.startup_line = line.strip()
                # Keep draining output so the server never blocks on a full pipe.
                import threading

                threading.Thread(target=self._drain, daemon=True).start()
                return self
        raise RuntimeError("trident did not start in time")

    def _drain(self):
        for line in self.proc.stdout:
            self.log_tail = line
            self.log_lines.append(line)
            del self.log_lines[:-1000]

    def stop(self, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def cleanup(self):
        self.stop()
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def client(self, **config):
        return make_client(self.endpoint, **config)


def make_client(endpoint, retries=0, **config):
    # parameter_validation off: the server, not botocore, must reject bad input.
    config.setdefault("parameter_validation", False)
    cfg = Config(retries={"total_max_attempts": retries + 1, "mode": "standard"}, connect_timeout=5, read_timeout=60, **config)
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="trident",
        aws_secret_access_key="trident",
        config=cfg,
    )


@pytest.fixture(scope="session")
def binary(pytestconfig):
    return pytestconfig.getoption("--trident-binary")


@pytest.fixture
def spawn(binary):
    """Starts extra servers for a test; every one is stopped and cleaned up afterwards."""
    started = []

    def _spawn(*args, data_dir=None, start=True):
        p = TridentProcess(binary, *args, data_dir=data_dir)
        started.append(p)
        return p.start() if start else p

    yield _spawn
    for p in started:
        p.cleanup()


@pytest.fixture(scope="session")
def endpoint(pytestconfig, binary):
    given = pytestconfig.getoption("--endpoint")
    if given:
        yield given
        return
    server = TridentProcess(binary).start()
    try:
        yield server.endpoint
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def ddb(endpoint):
    return make_client(endpoint)


@pytest.fixture
def make_table(ddb):
    """Creates tables with unique names; deletes them after the test."""
    created = []

    def _make(hash_key=("id", "S"), range_key=None, billing="PAY_PER_REQUEST", throughput=(5, 5), client=None):
        client = client or ddb
        name = "compat_" + uuid.uuid4().hex[:12]
        attrs = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
        keys = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
        if range_key:
            attrs.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
            keys.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        kwargs = dict(TableName=name, AttributeDefinitions=attrs, KeySchema=keys, BillingMode=billing)
        if billing == "PROVISIONED":
            kwargs["ProvisionedThroughput"] = {"ReadCapacityUnits": throughput[0], "WriteCapacityUnits": throughput[1]}
        client.create_table(**kwargs)
        created.append((client, name))
        return name

    yield _make
    for client, name in created:
        try:
            client.delete_table(TableName=name)
        except client.exceptions.ResourceNotFoundException:
            pass


def error_of(excinfo):
    """(code, message) of a botocore ClientError."""
    err = excinfo.value.response["Error"]
    return err["Code"], err.get("Message", "")
