"""Three availability zones, provoked through the admin API: stale eventually consistent reads under
lag while strongly consistent reads never are; a leader stopped under load loses no acknowledged
write; two zones down stop writes (InternalServerError) but not eventual reads; returning zones
catch up until all three serve identical data, after a restart too."""

import os
import threading
import time

import pytest
import requests
from botocore.exceptions import ClientError

import logfile
from conftest import error_of, make_client

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


def zones(server, digest=False):
    return requests.get(server.endpoint + "/_trident/zones" + ("?digest=true" if digest else "")).json()


def act(server, zone, action, **body):
    resp = requests.post(f"{server.endpoint}/_trident/zones/{zone}/{action}", json=body or None)
    assert resp.status_code == 200, resp.text
    return resp.json()


def settle(server, timeout=10):
    """Waits until every zone is up and at the same sequence; returns the zone list with digests."""
    deadline = time.time() + timeout
    while True:
        z = zones(server, digest=True)
        states = {x["state"] for x in z["zones"]}
        seqs = {x["appliedSequence"] for x in z["zones"]}
        if states == {"up"} and len(seqs) == 1:
            return z
        assert time.time() < deadline, z
        time.sleep(0.05)


def assert_identical(server):
    z = settle(server)
    digests = {x["digest"] for x in z["zones"]}
    assert len(digests) == 1, z


def create(ddb, name="zoned"):
    ddb.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    return name


def test_zone_list_shape(spawn):
    server = spawn()
    z = zones(server)
    assert z["leader"] == "us-east-1a"
    assert [x["name"] for x in z["zones"]] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert [x["role"] for x in z["zones"]] == ["leader", "follower", "follower"]
    assert all(x["state"] == "up" and x["lagMs"] == 0 for x in z["zones"])
    bad = requests.post(server.endpoint + "/_trident/zones/us-east-1z/stop")
    assert bad.status_code == 400 and "us-east-1z" in bad.json()["message"]
    assert requests.post(server.endpoint + "/_trident/zones/us-east-1a/start").status_code == 400
    assert requests.post(server.endpoint + "/_trident/zones/us-east-1b/lag", json={"ms": -1}).status_code == 400


def test_eventual_reads_can_be_stale_under_lag_but_consistent_reads_never(spawn):
    server = spawn("--replication-lag-ms", "300")
    ddb = server.client()
    table = create(ddb)
    ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(0)})
    stale = 0
    for i in range(1, 41):
        ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(i)})
        assert ddb.get_item(TableName=table, Key={"id": S("k")}, ConsistentRead=True)["Item"]["v"] == N(i)
        # A lagging zone may not have the item (or even the table's first write) yet: stale too.
        if ddb.get_item(TableName=table, Key={"id": S("k")}).get("Item", {}).get("v") != N(i):
            stale += 1
    assert stale >= 1
    assert_identical(server)


def test_without_lag_nothing_is_ever_stale(spawn):
    server = spawn()
    ddb = server.client()
    table = create(ddb)
    for i in range(60):
        ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(i)})
        assert ddb.get_item(TableName=table, Key={"id": S("k")})["Item"]["v"] == N(i)


def test_stopping_the_leader_under_load_loses_no_acknowledged_write(spawn):
    server = spawn()
    table = create(server.client())
    acked, stop = [], threading.Event()

    def writer(t):
        client = make_client(server.endpoint, retries=4)
        i = 0
        while not stop.is_set():
            key = f"w{t}-{i}"
            try:
                client.put_item(TableName=table, Item={"id": S(key)})
                acked.append(key)
            except ClientError:
                pass
            i += 1

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    time.sleep(0.5)
    act(server, "us-east-1a", "stop")
    time.sleep(0.5)
    stop.set()
    for th in threads:
        th.join()
    assert zones(server)["leader"] != "us-east-1a"
    ddb = server.client()
    missing = [k for k in acked if "Item" not in ddb.get_item(TableName=table, Key={"id": S(k)}, ConsistentRead=True)]
    assert missing == [] and len(acked) > 100
    act(server, "us-east-1a", "start")
    assert_identical(server)
    assert ddb.describe_table(TableName=table)["Table"]["ItemCount"] >= len(acked)


def test_two_zones_down_stops_writes_but_not_eventual_reads(spawn):
    server = spawn()
    ddb = server.client()
    table = create(ddb)
    ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(1)})
    act(server, "us-east-1b", "stop")
    ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(2)})
    act(server, "us-east-1a", "stop")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(3)})
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert error_of(e)[0] == "InternalServerError"
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=table, Key={"id": S("k")}, ConsistentRead=True)
    assert error_of(e)[0] == "InternalServerError"
    for _ in range(5):
        assert ddb.get_item(TableName=table, Key={"id": S("k")})["Item"]["v"] == N(2)
    act(server, "us-east-1a", "start")
    act(server, "us-east-1b", "start")
    assert_identical(server)
    ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(4)})
    assert ddb.get_item(TableName=table, Key={"id": S("k")}, ConsistentRead=True)["Item"]["v"] == N(4)
    assert_identical(server)


def test_an_isolated_zone_serves_frozen_data_then_heals(spawn):
    server = spawn()
    ddb = server.client()
    table = create(ddb)
    ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(1)})
    act(server, "us-east-1c", "isolate")
    act(server, "us-east-1b", "stop")
    assert [x["state"] for x in zones(server)["zones"]] == ["up", "down", "isolated"]
    # Only the leader receives writes now: with no follower to acknowledge, writes fail.
    with pytest.raises(ClientError):
        ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(2)})
    act(server, "us-east-1b", "start")
    settle_b = time.time() + 5
    while [x["state"] for x in zones(server)["zones"]][1] != "up":
        assert time.time() < settle_b
        time.sleep(0.05)
    ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(3)})
    seen = {ddb.get_item(TableName=table, Key={"id": S("k")})["Item"]["v"]["N"] for _ in range(60)}
    assert seen == {"1", "3"}  # the isolated zone still answers with what it had
    act(server, "us-east-1c", "heal")
    assert_identical(server)
    assert {ddb.get_item(TableName=table, Key={"id": S("k")})["Item"]["v"]["N"] for _ in range(30)} == {"3"}


def test_zone_lag_can_be_set_per_zone(spawn):
    server = spawn()
    out = act(server, "us-east-1c", "lag", ms=200)
    assert [x["lagMs"] for x in out["zones"]] == [0, 0, 200]
    ddb = server.client()
    table = create(ddb)
    stale = 0
    for i in range(30):
        ddb.put_item(TableName=table, Item={"id": S("k"), "v": N(i)})
        if ddb.get_item(TableName=table, Key={"id": S("k")}).get("Item", {}).get("v") != N(i):
            stale += 1
    assert stale >= 1
    assert_identical(server)


def test_data_ahead_of_its_log_is_recovered(spawn):
    # A crash can leave the data file with commits whose log frames never reached the disk (none of
    # them acknowledged: a write is answered only once its frame is flushed). Here the newest frames
    # are erased after kill -9: the data file holds them, so the server starts, keeps them, and the
    # log goes on after them.
    server = spawn()
    ddb = server.client()
    create(ddb)
    for i in range(30):
        ddb.put_item(TableName="zoned", Item={"id": S(f"k{i}")})
    server.kill9()
    newest = logfile.segments(server.data_dir)[-1]
    frames = [f for f in logfile.frames(newest) if not f[3]]
    assert len(frames) >= 3
    logfile.overwrite(newest, frames[-3][0], bytes(os.path.getsize(newest) - frames[-3][0]))
    again = spawn(data_dir=server.data_dir)
    ddb = again.client()
    for i in range(30):
        assert "Item" in ddb.get_item(TableName="zoned", Key={"id": S(f"k{i}")}, ConsistentRead=True), i
    ddb.put_item(TableName="zoned", Item={"id": S("after")})
    assert_identical(again)
    again.kill9()
    third = spawn(data_dir=server.data_dir)
    assert "Item" in third.client().get_item(TableName="zoned", Key={"id": S("after")}, ConsistentRead=True)
