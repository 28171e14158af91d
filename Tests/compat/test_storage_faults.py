"""The data folder when its environment misbehaves: a second server on the same folder is turned
away by name and PID; a full disk fails writes with InternalServerError (never a crash, never an
acknowledgement that is not durable) while reads go on, and writes succeed again once space returns;
a log that lost acknowledged writes stops the start with the file and the entries named (unless the
operator accepts the loss); `--in-memory` leaves nothing behind, even after kill -9."""

import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
import requests
from botocore.exceptions import ClientError

import logfile
from conftest import TridentProcess

S = lambda v: {"S": v}  # noqa: E731


def create(ddb, name="faults"):
    ddb.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    return name


def run_to_exit(binary, *args, env=None, timeout=30):
    """Starts `trident serve` expecting it to refuse: its exit code and everything it printed."""
    out = subprocess.run([os.path.abspath(binary), "serve", "--port", "0", *args], capture_output=True, text=True, timeout=timeout, env=env)
    return out.returncode, out.stdout + out.stderr


def test_a_second_server_on_the_same_folder_is_refused(spawn, binary):
    first = spawn()
    create(first.client())
    code, output = run_to_exit(binary, "--data-dir", first.data_dir)
    assert code != 0
    assert first.data_dir in output and f"pid {first.proc.pid}" in output and "in use by another Trident server" in output
    # The first server never noticed.
    assert first.client().describe_table(TableName="faults")["Table"]["TableStatus"] == "ACTIVE"
    first.stop()
    second = spawn(data_dir=first.data_dir)
    assert "faults" in second.client().list_tables()["TableNames"]


def test_in_memory_leaves_nothing_behind_after_kill_9(binary):
    tmp = tempfile.mkdtemp(prefix="trident-tmpdir-")
    proc = None
    try:
        env = dict(os.environ, TMPDIR=tmp)
        proc = subprocess.Popen([os.path.abspath(binary), "serve", "--port", "0", "--in-memory"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env)
        line = proc.stdout.readline()
        assert "listening on " in line and "unlinked" in line, line
        endpoint = line.split("listening on ", 1)[1].split()[0]
        server = TridentProcess(binary)
        server.endpoint = endpoint
        ddb = server.client()
        create(ddb)
        for i in range(200):
            ddb.put_item(TableName="faults", Item={"id": S(f"k{i}"), "pad": S("x" * 500)})
        assert ddb.get_item(TableName="faults", Key={"id": S("k7")})["Item"]["pad"] == S("x" * 500)
        # The data lives in unlinked files: the temporary folder is empty while the server runs.
        assert os.listdir(tmp) == []
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert os.listdir(tmp) == []
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()  # a failed assertion must not leave a server behind
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def test_abandoned_in_memory_folders_of_dead_processes_are_removed(binary):
    tmp = tempfile.mkdtemp(prefix="trident-tmpdir-")
    proc = None
    try:
        # A folder left by a process killed between making its folder and unlinking it.
        dead = subprocess.Popen(["true"])
        dead.wait()
        os.makedirs(os.path.join(tmp, f"trident-memory-{dead.pid}-abc", "log"))
        alive = os.path.join(tmp, f"trident-memory-{os.getpid()}-abc")
        os.makedirs(alive)
        env = dict(os.environ, TMPDIR=tmp)
        proc = subprocess.Popen([os.path.abspath(binary), "serve", "--port", "0", "--in-memory"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env)
        assert "listening on " in proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        assert os.listdir(tmp) == [os.path.basename(alive)]
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()  # a failed assertion must not leave a server behind
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def small_disk():
    """A tmpfs of 8 MB (CI runs as root), unmounted afterwards."""
    mount = tempfile.mkdtemp(prefix="trident-small-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", mount], check=False)
        os.rmdir(mount)


def fill(path):
    """Writes a file until the disk has no byte left; returns its path."""
    filler = os.path.join(path, "filler")
    with open(filler, "wb", buffering=0) as f:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 8, 1):
            while True:
                try:
                    if f.write(b"\0" * size) != size:
                        break
                except OSError:
                    break
    return filler


def test_a_full_disk_fails_writes_cleanly_and_recovers_by_itself(spawn, small_disk):
    data_dir = os.path.join(small_disk, "data")
    server = spawn(data_dir=data_dir)
    ddb = server.client()
    create(ddb)
    filler = fill(small_disk)
    acknowledged, failure = [], None
    for i in range(5000):
        key = f"k{i}"
        try:
            ddb.put_item(TableName="faults", Item={"id": S(key), "pad": S("x" * 4000)})
            acknowledged.append(key)
        except ClientError as e:
            failure = e
            break
    assert failure is not None, "the disk never filled"
    assert failure.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert failure.response["Error"]["Code"] == "InternalServerError" and "disk is full" in failure.response["Error"]["Message"]
    # The server is up, says why writes fail, and every acknowledged write is readable.
    health = requests.get(server.endpoint + "/")
    assert health.status_code == 503 and "disk full" in health.text
    for key in acknowledged:
        assert "Item" in ddb.get_item(TableName="faults", Key={"id": S(key)}, ConsistentRead=True), key
    time.sleep(0.2)
    assert any("disk is full" in line for line in server.log_lines)
    # Space comes back: writes work again with no admin call.
    os.remove(filler)
    ddb.put_item(TableName="faults", Item={"id": S("after"), "pad": S("y" * 4000)})
    assert requests.get(server.endpoint + "/").status_code == 200
    server.kill9()
    again = spawn(data_dir=data_dir)
    ddb = again.client()
    for key in acknowledged + ["after"]:
        assert "Item" in ddb.get_item(TableName="faults", Key={"id": S(key)}, ConsistentRead=True), key


def test_a_full_disk_at_start_still_serves_reads(spawn, small_disk):
    data_dir = os.path.join(small_disk, "data")
    server = spawn(data_dir=data_dir)
    ddb = server.client()
    create(ddb)
    ddb.put_item(TableName="faults", Item={"id": S("k")})
    server.kill9()
    filler = fill(small_disk)
    again = spawn(data_dir=data_dir)
    assert again.client().get_item(TableName="faults", Key={"id": S("k")})["Item"] == {"id": S("k")}
    os.remove(filler)
    again.client().put_item(TableName="faults", Item={"id": S("k2")})


def power_loss_setup(spawn, writes=60):
    """A server whose data file is later put back as it was at start (what a power loss leaves when
    nothing was flushed since), after `writes` acknowledged puts and a kill -9; returns the folder."""
    server = spawn("--checkpoint-interval", "3600")
    ddb = server.client()
    create(ddb)
    for i in range(10):
        ddb.put_item(TableName="faults", Item={"id": S(f"early{i}")})
    server.stop()
    again = spawn("--checkpoint-interval", "3600", data_dir=server.data_dir)
    # Flushed at start and not written since: the state a power loss would leave.
    data = os.path.join(server.data_dir, "data.mdb")
    subprocess.run(["cp", "--sparse=always", data, data + ".flushed"], check=True)
    ddb = again.client()
    for i in range(writes):
        ddb.put_item(TableName="faults", Item={"id": S(f"k{i}"), "pad": S("p" * 200)})
    again.kill9()
    os.replace(data + ".flushed", data)
    return server.data_dir


def test_the_log_replays_what_a_power_loss_took_from_the_data_file(spawn):
    data_dir = power_loss_setup(spawn)
    ddb = spawn(data_dir=data_dir).client()
    assert ddb.scan(TableName="faults", Select="COUNT")["Count"] == 70


def test_a_damaged_log_frame_refuses_the_start_naming_file_and_entries(spawn, binary):
    data_dir = power_loss_setup(spawn)
    segment = logfile.segments(data_dir)[-1]
    frames = [f for f in logfile.frames(segment) if not f[3]]
    offset, first = frames[len(frames) // 2][:2]
    logfile.overwrite(segment, offset + logfile.HEADER + 3, b"\xde\xad")
    code, output = run_to_exit(binary, "--data-dir", data_dir)
    assert code != 0
    assert segment in output and f"damaged at byte {offset}" in output and f"entries {first} to" in output, output
    assert "--accept-log-loss" in output
    # The operator accepts the loss: the writes before the damage are there, those after are not.
    ddb = spawn("--accept-log-loss", data_dir=data_dir).client()
    count = ddb.scan(TableName="faults", Select="COUNT")["Count"]
    assert 10 <= count < 70


def test_a_missing_log_segment_refuses_the_start(spawn, binary):
    data_dir = power_loss_setup(spawn)
    segment = logfile.segments(data_dir)[-1]
    os.remove(segment)
    code, output = run_to_exit(binary, "--data-dir", data_dir)
    assert code != 0
    assert segment in output and "is missing" in output and "would be lost" in output, output
