"""Trident as a drop-in for DynamoDB Local: its command lines (copied from compose files and
Testcontainers set-ups), readiness for scripts, CORS for browser code, transient table statuses
for SDK waiters."""

import os
import subprocess
import tempfile
import time

import boto3
import pytest
import requests
from botocore.config import Config

from conftest import make_client


def start(binary, *args, cwd=None, banner_timeout=20, env=None, program=None):
    """Starts the binary with a raw command line; returns (process, endpoint, output lines so far)."""
    ready = tempfile.mktemp(prefix="trident-ready-")
    proc = subprocess.Popen([program or os.path.abspath(binary), *args, "--ready-file", ready], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=cwd, env=env)
    lines = []
    deadline = time.time() + banner_timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"trident exited with {proc.wait()}: {''.join(lines)}")
        lines.append(line)
        if "listening on" in line:
            with open(ready) as f:
                endpoint = f.read().strip()
            os.unlink(ready)
            return proc, endpoint, lines
    proc.kill()
    raise AssertionError("no start within the timeout: " + "".join(lines))


def stop(proc):
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def started():
    procs = []
    yield procs
    for p in procs:
        if p.poll() is None:
            stop(p)


def free_port():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# Command lines as compose files, the amazon/dynamodb-local image and Testcontainers modules write them.
COMMAND_LINES = [
    ["-jar", "DynamoDBLocal.jar", "-sharedDb", "-inMemory", "-port", "{port}"],
    ["java", "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-inMemory", "-sharedDb", "-port", "{port}"],
    ["-jar", "DynamoDBLocal.jar", "-port", "{port}", "-cors", "*", "-inMemory", "-disableTelemetry"],
    ["-jar", "DynamoDBLocal.jar", "-sharedDb", "-dbPath", "{dir}", "-port", "{port}", "-optimizeDbBeforeStartup"],
]


@pytest.mark.parametrize("line", COMMAND_LINES, ids=lambda line: " ".join(line[:4]))
def test_dynamodb_local_command_lines_serve_the_api(binary, started, line, tmp_path):
    port = free_port()
    args = [a.replace("{port}", str(port)).replace("{dir}", str(tmp_path / "data")) for a in line]
    proc, endpoint, lines = start(binary, *args)
    started.append(proc)
    output = "".join(lines)
    # The banner DynamoDB Local prints: log-line wait strategies match its first line.
    assert "Initializing DynamoDB Local with the following configuration:" in output
    assert f"Port:\t{port}" in output
    assert endpoint == f"http://127.0.0.1:{port}"
    if "-sharedDb" in line:
        assert "-sharedDb: Trident always keeps one database for every access key and region" in output
    if "-optimizeDbBeforeStartup" in line:
        assert "-optimizeDbBeforeStartup has no effect" in output
        assert (tmp_path / "data" / "data.mdb").exists()
    client = make_client(endpoint)
    client.create_table(TableName="dropin", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    client.put_item(TableName="dropin", Item={"id": {"S": "a"}})
    assert client.get_item(TableName="dropin", Key={"id": {"S": "a"}})["Item"] == {"id": {"S": "a"}}
    # One namespace for every access key and region, as with -sharedDb.
    other = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id="someoneelse",
                         aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
    assert "dropin" in other.list_tables()["TableNames"]


def test_the_images_command_as_java_in_its_working_directory(binary, started, tmp_path):
    """The Docker image: `java` is Trident, TRIDENT_HOST=0.0.0.0, a compose file's relative -dbPath."""
    java = tmp_path / "java"
    java.symlink_to(os.path.abspath(binary))
    port = free_port()
    env = dict(os.environ, TRIDENT_HOST="0.0.0.0")
    proc, endpoint, lines = start(binary, "-jar", "DynamoDBLocal.jar", "-sharedDb", "-dbPath", "./data", "-port", str(port), cwd=tmp_path, env=env,
                                  program=str(java))
    started.append(proc)
    assert endpoint == f"http://0.0.0.0:{port}"
    assert (tmp_path / "data" / "data.mdb").exists()
    assert make_client(f"http://127.0.0.1:{port}").list_tables()["TableNames"] == []


def test_version_and_help_in_dynamodb_local_spelling(binary):
    version = subprocess.run([binary, "-jar", "DynamoDBLocal.jar", "-version"], capture_output=True, text=True, timeout=10)
    assert version.returncode == 0 and version.stdout.strip()[0].isdigit()
    helped = subprocess.run([binary, "-help"], capture_output=True, text=True, timeout=10)
    assert helped.returncode == 0 and "USAGE" in helped.stdout


def test_wait_command_and_ready_file(binary, started):
    port = free_port()
    waiter = subprocess.Popen([binary, "wait", "--endpoint", f"http://127.0.0.1:{port}", "--timeout", "20"], stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    assert waiter.poll() is None  # nothing answers yet
    proc, endpoint, _ = start(binary, "serve", "--in-memory", "--port", str(port))
    started.append(proc)
    assert waiter.wait(20) == 0
    assert "is ready" in waiter.stdout.read()
    # Port 0: the ready file names the port the system chose.
    proc, endpoint, _ = start(binary, "serve", "--in-memory", "--port", "0")
    started.append(proc)
    assert requests.get(endpoint, timeout=5).status_code == 200
    failed = subprocess.run([binary, "wait", "--endpoint", f"http://127.0.0.1:{free_port()}", "--timeout", "0.5"], capture_output=True,
                            text=True, timeout=10)
    assert failed.returncode == 1 and "did not answer within 0.5 s" in failed.stdout


def test_cors_preflight_and_answers(binary, started):
    proc, endpoint, _ = start(binary, "serve", "--in-memory", "--port", "0", "--cors", "http://localhost:3000, https://app.example")
    started.append(proc)
    # What Chromium sends before the SDK's first POST.
    preflight = requests.options(endpoint + "/", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,x-amz-user-agent"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "x-amz-target" in preflight.headers["Access-Control-Allow-Headers"]
    answer = requests.post(endpoint + "/", data="{}", headers={
        "Origin": "https://app.example", "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "x-amzn-RequestId" in answer.headers["Access-Control-Expose-Headers"]
    # Another origin gets no CORS headers (the browser then refuses the answer).
    stranger = requests.post(endpoint + "/", data="{}", headers={
        "Origin": "https://evil.example", "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert "Access-Control-Allow-Origin" not in stranger.headers
    # The admin API is not the API: no CORS there, and another web origin is refused outright
    # (a page open in this host's browser must not move the clock or stop zones); the console's own
    # origin is served.
    admin = requests.post(endpoint + "/_trident/clock", json={"advanceSeconds": 1}, headers={"Origin": "http://localhost:3000"})
    assert admin.status_code == 403 and "Access-Control-Allow-Origin" not in admin.headers
    host = endpoint.split("//", 1)[1]
    assert requests.get(endpoint + "/_trident/zones", headers={"Origin": "http://" + host}).status_code == 200
    # Without --cors nothing is allowed.
    proc, plain, _ = start(binary, "serve", "--in-memory", "--port", "0")
    started.append(proc)
    assert "Access-Control-Allow-Origin" not in requests.options(plain + "/", headers={"Origin": "http://localhost:3000"}).headers


def test_transient_statuses_make_waiters_wait(binary, started):
    proc, endpoint, _ = start(binary, "serve", "--in-memory", "--port", "0", "--transient-status-seconds", "1.5")
    started.append(proc)
    client = make_client(endpoint)
    began = time.time()
    created = client.create_table(TableName="slow", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    assert created["TableDescription"]["TableStatus"] == "CREATING"
    assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "CREATING"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.put_item(TableName="slow", Item={"id": {"S": "a"}})
    with pytest.raises(client.exceptions.ResourceInUseException) as busy:
        client.delete_table(TableName="slow")
    assert busy.value.response["Error"]["Message"] == "Attempt to change a resource which is still in use: Table is being created: slow"
    client.get_waiter("table_exists").wait(TableName="slow", WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    assert time.time() - began >= 1.4
    client.put_item(TableName="slow", Item={"id": {"S": "a"}})

    updated = client.update_table(TableName="slow", BillingMode="PROVISIONED",
                                  ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    assert updated["TableDescription"]["TableStatus"] == "UPDATING"
    assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "UPDATING"
    assert client.get_item(TableName="slow", Key={"id": {"S": "a"}})["Item"]  # the data plane works while UPDATING
    time.sleep(1.6)
    assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "ACTIVE"

    client.delete_table(TableName="slow")
    assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "DELETING"
    assert "slow" in client.list_tables()["TableNames"]
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.create_table(TableName="slow", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    client.get_waiter("table_not_exists").wait(TableName="slow", WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    assert "slow" not in client.list_tables()["TableNames"]
