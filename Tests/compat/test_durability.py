"""Acknowledged writes survive: a clean restart, kill -9 (with the log's durability and with strict
durability, which flushes every data-file commit instead, and in the middle of many clients'
writes), and concurrent clients writing at once."""

import os
import threading

import pytest


from conftest import make_client


def create(client, name):
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_data_survives_restart(spawn):
    server = spawn()
    ddb = server.client()
    create(ddb, "persisted")
    for i in range(50):
        ddb.put_item(TableName="persisted", Item={"id": {"S": f"k{i}"}, "n": {"N": str(i)}, "b": {"B": bytes([i])}})
    ddb.delete_item(TableName="persisted", Key={"id": {"S": "k0"}})
    data_dir = server.data_dir
    assert server.stop() == 0

    again = spawn(data_dir=data_dir)
    ddb = again.client()
    assert "persisted" in ddb.list_tables()["TableNames"]
    assert ddb.describe_table(TableName="persisted")["Table"]["ItemCount"] == 49
    assert "Item" not in ddb.get_item(TableName="persisted", Key={"id": {"S": "k0"}})
    for i in range(1, 50):
        item = ddb.get_item(TableName="persisted", Key={"id": {"S": f"k{i}"}})["Item"]
        assert item == {"id": {"S": f"k{i}"}, "n": {"N": str(i)}, "b": {"B": bytes([i])}}


@pytest.mark.parametrize("durability", ["journal", "strict"])
def test_acknowledged_writes_survive_kill_9(spawn, durability):
    server = spawn("--durability", durability)
    ddb = server.client()
    create(ddb, "crashy")
    for i in range(100):
        ddb.put_item(TableName="crashy", Item={"id": {"S": f"k{i}"}})
    server.kill9()
    log = os.path.join(server.data_dir, "log")
    if durability == "journal":
        # The writes are in the log, flushed; the data file was never flushed.
        assert any(name.endswith(".log") and not name.startswith("spare") for name in os.listdir(log))
    else:
        # Every data-file commit was flushed: no log at all.
        assert not os.path.exists(log)
    ddb = spawn("--durability", durability, data_dir=server.data_dir).client()
    for i in range(100):
        assert "Item" in ddb.get_item(TableName="crashy", Key={"id": {"S": f"k{i}"}}), i


def test_kill_9_in_the_middle_of_writes_loses_no_acknowledged_one(spawn):
    # Eight clients write as fast as they can; the process dies between one write and the next.
    # Every write answered before that is there after the restart, and the zones recover from
    # their own journals (a zone whose data got ahead of its journal would have to copy another's).
    server = spawn()
    create(server.client(), "busy")
    acknowledged = [[] for _ in range(8)]
    stop = threading.Event()

    def write(n):
        client = server.client()
        i = 0
        while not stop.is_set():
            key = f"w{n}-{i}"
            try:
                client.put_item(TableName="busy", Item={"id": {"S": key}, "pad": {"S": "x" * 900}})
            except Exception:  # noqa: BLE001 - the server was killed mid-request
                return
            acknowledged[n].append(key)
            i += 1

    writers = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for w in writers:
        w.start()
    while sum(len(a) for a in acknowledged) < 300:
        threading.Event().wait(0.05)
    server.kill9()
    stop.set()
    for w in writers:
        w.join()
    again = spawn(data_dir=server.data_dir)
    ddb = again.client()
    keys = [key for keys in acknowledged for key in keys]
    for start in range(0, len(keys), 100):
        batch = keys[start:start + 100]
        got = ddb.batch_get_item(RequestItems={"busy": {"Keys": [{"id": {"S": k}} for k in batch]}})
        assert not got["UnprocessedKeys"]
        assert {item["id"]["S"] for item in got["Responses"]["busy"]} == set(batch)
    assert not [line for line in again.log_lines if "copied the leader" in line]


def test_unknown_durability_is_refused(binary):
    import subprocess

    out = subprocess.run([binary, "serve", "--durability", "sometimes", "--port", "0"], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "durability" in out.stderr


def test_frequent_checkpoints_keep_every_write_through_kill_9(spawn):
    import time

    server = spawn("--checkpoint-interval", "0.2")
    ddb = server.client()
    create(ddb, "flushed")
    for i in range(60):
        ddb.put_item(TableName="flushed", Item={"id": {"S": f"k{i}"}})
        if i % 20 == 19:
            time.sleep(0.5)  # checkpoints and journal trims happen in between
    server.kill9()
    ddb = spawn(data_dir=server.data_dir).client()
    assert ddb.scan(TableName="flushed", Select="COUNT")["Count"] == 60


def test_checkpoint_interval_must_be_positive(binary):
    import subprocess

    out = subprocess.run([binary, "serve", "--checkpoint-interval", "0", "--port", "0"], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "--checkpoint-interval must be a positive number of seconds" in out.stderr


def test_concurrent_clients_8_threads_500_puts(endpoint, make_table):
    table = make_table()
    errors = []

    def writer(t):
        client = make_client(endpoint, max_pool_connections=2)
        try:
            for i in range(500):
                client.put_item(TableName=table, Item={"id": {"S": f"t{t}-{i}"}, "v": {"N": str(i)}})
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    ddb = make_client(endpoint, max_pool_connections=4)
    assert ddb.describe_table(TableName=table)["Table"]["ItemCount"] == 4000
    for t in range(8):
        for i in range(0, 500, 7):
            assert ddb.get_item(TableName=table, Key={"id": {"S": f"t{t}-{i}"}})["Item"]["v"] == {"N": str(i)}
