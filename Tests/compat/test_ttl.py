"""Time to Live that really expires items: the TTL API and its errors, expiry driven by a controlled
clock (no sleeping), DynamoDB's rules (Number of epoch seconds, at or before now, not more than five
years old), the grace period, reads of expired-but-unswept items, and TTL surviving a restart."""

import time

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import error_of

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


def clock(server, **change):
    if change:
        resp = requests.post(server.endpoint + "/_trident/clock", json=change)
    else:
        resp = requests.get(server.endpoint + "/_trident/clock")
    assert resp.status_code == 200, resp.text
    return resp.json()


def make(ddb, name="sessions", ttl="expires"):
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    if ttl:
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"AttributeName": ttl, "Enabled": True})
    return name


def present(ddb, table, key):
    return "Item" in ddb.get_item(TableName=table, Key={"id": S(key)}, ConsistentRead=True)


@pytest.fixture(scope="module")
def controlled(binary):
    from conftest import TridentProcess

    server = TridentProcess(binary, "--clock", "controlled", "--ttl-interval", "3600").start()
    yield server
    server.cleanup()


def test_ttl_api_and_errors(controlled):
    ddb = controlled.client()
    table = make(ddb, "ttl_api", ttl=None)
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    out = ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"AttributeName": "exp", "Enabled": True})
    assert out["TimeToLiveSpecification"] == {"AttributeName": "exp", "Enabled": True}
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    cases = [
        ({"AttributeName": "exp", "Enabled": True}, "TimeToLive is already enabled"),
        ({"AttributeName": "other", "Enabled": True}, "TimeToLive is active on a different AttributeName: current AttributeName is exp"),
        ({"AttributeName": "other", "Enabled": False}, "TimeToLive is active on a different AttributeName: current AttributeName is exp"),
    ]
    for spec, message in cases:
        with pytest.raises(ClientError) as e:
            ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)
        assert error_of(e) == ("ValidationException", message)
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"AttributeName": "exp", "Enabled": False})
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    with pytest.raises(ClientError) as e:
        ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"AttributeName": "exp", "Enabled": False})
    assert error_of(e) == ("ValidationException", "TimeToLive is already disabled")
    for call in (lambda: ddb.describe_time_to_live(TableName="nowhere"),
                 lambda: ddb.update_time_to_live(TableName="nowhere", TimeToLiveSpecification={"AttributeName": "a", "Enabled": True})):
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e) == ("ResourceNotFoundException", "Requested resource not found: Table: nowhere not found")
    with pytest.raises(ClientError) as e:
        ddb.update_time_to_live(TableName=table)
    assert error_of(e) == ("ValidationException",
                           "1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null")
    with pytest.raises(ClientError) as e:
        ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"AttributeName": "", "Enabled": True})
    assert error_of(e) == ("ValidationException",
                           "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1")


def test_items_expire_exactly_when_the_clock_passes_them(controlled):
    ddb = controlled.client()
    table = make(ddb, "ttl_expiry")
    now = int(clock(controlled)["epochSeconds"])
    items = {
        "soon": N(now + 100),
        "later": N(now + 200),
        "fraction": N(f"{now + 150}.75"),
        "past": N(now - 10),
        "ancient": N(now - 6 * 365 * 86400),
        "text": S(str(now - 10)),
        "set": {"NS": [str(now - 10)]},
        "zero": N(0),
    }
    for key, expires in items.items():
        ddb.put_item(TableName=table, Item={"id": S(key), "expires": expires})
    ddb.put_item(TableName=table, Item={"id": S("none")})

    clock(controlled, advanceSeconds=1)
    assert not present(ddb, table, "past")
    assert present(ddb, table, "soon")
    clock(controlled, advanceSeconds=98)  # now + 99: one second before "soon"
    assert present(ddb, table, "soon")
    clock(controlled, advanceSeconds=1)  # now + 100: exactly at its expiry
    assert not present(ddb, table, "soon")
    assert present(ddb, table, "fraction") and present(ddb, table, "later")
    clock(controlled, advanceSeconds=50)
    assert not present(ddb, table, "fraction")
    clock(controlled, epochSeconds=now + 200)
    assert not present(ddb, table, "later")
    clock(controlled, advanceSeconds=2 * 365 * 86400)
    for key in ("ancient", "text", "set", "zero", "none"):
        assert present(ddb, table, key), key
    assert ddb.describe_table(TableName=table)["Table"]["ItemCount"] == 5


def test_updating_or_replacing_the_ttl_attribute_moves_the_expiry(controlled):
    ddb = controlled.client()
    table = make(ddb, "ttl_moves")
    now = int(clock(controlled)["epochSeconds"])
    ddb.put_item(TableName=table, Item={"id": S("moved"), "expires": N(now + 10)})
    ddb.update_item(TableName=table, Key={"id": S("moved")}, UpdateExpression="SET expires = :e", ExpressionAttributeValues={":e": N(now + 1000)})
    ddb.put_item(TableName=table, Item={"id": S("reput"), "expires": N(now + 10)})
    ddb.delete_item(TableName=table, Key={"id": S("reput")})
    ddb.put_item(TableName=table, Item={"id": S("reput")})
    ddb.put_item(TableName=table, Item={"id": S("removed"), "expires": N(now + 10)})
    ddb.update_item(TableName=table, Key={"id": S("removed")}, UpdateExpression="REMOVE expires")
    clock(controlled, advanceSeconds=20)
    for key in ("moved", "reput", "removed"):
        assert present(ddb, table, key), key
    clock(controlled, epochSeconds=now + 1000)
    assert not present(ddb, table, "moved")


def test_enabling_ttl_covers_items_already_stored(controlled):
    ddb = controlled.client()
    table = make(ddb, "ttl_late", ttl=None)
    now = int(clock(controlled)["epochSeconds"])
    ddb.put_item(TableName=table, Item={"id": S("old"), "gone_at": N(now + 5)})
    clock(controlled, advanceSeconds=10)
    assert present(ddb, table, "old")
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={"AttributeName": "gone_at", "Enabled": True})
    clock(controlled, advanceSeconds=1)
    assert not present(ddb, table, "old")


def test_clock_admin_api(controlled, spawn):
    before = clock(controlled)
    assert before["mode"] == "controlled"
    after = clock(controlled, advanceSeconds=3600)
    assert after["epochSeconds"] == pytest.approx(before["epochSeconds"] + 3600)
    target = after["epochSeconds"] + 10
    assert clock(controlled, epochSeconds=target)["epochSeconds"] == target
    for body in ({"epochSeconds": target - 100}, {}, {"advanceSeconds": 1, "epochSeconds": target}, {"advanceSeconds": "1"}):
        resp = requests.post(controlled.endpoint + "/_trident/clock", json=body)
        assert resp.status_code == 400 and resp.json()["message"]
    system = spawn()
    assert requests.get(system.endpoint + "/_trident/clock").json()["mode"] == "system"
    resp = requests.post(system.endpoint + "/_trident/clock", json={"advanceSeconds": 10})
    assert resp.status_code == 400
    assert resp.json() == {"message": "The clock follows the system time; start trident serve with --clock controlled to move it"}


def test_grace_period_keeps_expired_items_readable_until_swept(spawn):
    server = spawn("--clock", "controlled", "--ttl-interval", "3600", "--ttl-grace-seconds", "100")
    ddb = server.client()
    table = make(ddb)
    now = int(clock(server)["epochSeconds"])
    ddb.put_item(TableName=table, Item={"id": S("s"), "expires": N(now + 10)})
    clock(server, advanceSeconds=60)
    # Expired 50 seconds ago, but within the grace period: still served, as DynamoDB does until it deletes.
    assert present(ddb, table, "s")
    clock(server, advanceSeconds=51)
    assert not present(ddb, table, "s")


def test_ttl_settings_and_pending_expiries_survive_restart(spawn):
    server = spawn("--clock", "controlled", "--ttl-interval", "3600")
    ddb = server.client()
    table = make(ddb)
    now = int(clock(server)["epochSeconds"])
    ddb.put_item(TableName=table, Item={"id": S("s"), "expires": N(now + 300)})
    assert server.stop() == 0
    again = spawn("--clock", "controlled", "--ttl-interval", "3600", data_dir=server.data_dir)
    ddb = again.client()
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"
    assert present(ddb, table, "s")
    clock(again, epochSeconds=now + 301)
    assert not present(ddb, table, "s")


def test_system_clock_sweeper_deletes_within_the_interval(spawn):
    server = spawn("--ttl-interval", "0.2")
    ddb = server.client()
    table = make(ddb)
    ddb.put_item(TableName=table, Item={"id": S("s"), "expires": N(int(time.time()) - 1)})
    deadline = time.time() + 5
    while present(ddb, table, "s"):
        assert time.time() < deadline, "expired item not deleted within 5 s"
        time.sleep(0.05)
