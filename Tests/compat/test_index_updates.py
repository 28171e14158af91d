"""UpdateTable's GlobalSecondaryIndexUpdates (create with a background backfill, update, delete) with
the service's rules; a GSI that lags like the service's; indexes surviving kill -9 and zone failures."""

import threading
import time

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import error_of
from indexes import create_indexed_table, full_scan, gsi, lsi, n, s

INVALID = "One or more parameter values were invalid: "


def describe_index(client, table, index):
    found = [i for i in client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes", []) if i["IndexName"] == index]
    return found[0] if found else None


def wait_until(predicate, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def create_x(client, table, name="byX", attribute="x", type_="S", **extra):
    return client.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": attribute, "AttributeType": type_}],
        GlobalSecondaryIndexUpdates=[{"Create": {**gsi(name, attribute), **extra}}],
    )


def test_a_new_index_is_backfilled_and_skips_what_it_cannot_hold(ddb):
    name = create_indexed_table(ddb, {"p": "S"}, ("p", None))
    items = [{"p": s(str(i)), "x": s(f"X{i % 2}")} for i in range(50)]
    items += [{"p": s("wrong"), "x": n(1)}, {"p": s("empty"), "x": s("")}, {"p": s("none")}, {"p": s("long"), "x": s("x" * 2049)}]
    for item in items:
        ddb.put_item(TableName=name, Item=item)
    out = create_x(ddb, name)["TableDescription"]
    assert out["TableStatus"] == "UPDATING"
    [created] = out["GlobalSecondaryIndexes"]
    assert created["IndexStatus"] == "CREATING" and created["Backfilling"] is False
    active = wait_until(lambda: (i := describe_index(ddb, name, "byX")) and i["IndexStatus"] == "ACTIVE" and i)
    assert "Backfilling" not in active and active["ItemCount"] == 50
    assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    assert len(full_scan(ddb, TableName=name, IndexName="byX")) == 50
    # Once active, the index's key type is enforced on new writes.
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=name, Item={"p": s("new"), "x": n(2)})
    assert "Type mismatch for Index Key x Expected: S Actual: N IndexName: byX" in error_of(e)[1]
    ddb.delete_table(TableName=name)


def test_a_slowed_backfill_shows_creating_and_writes_go_on(spawn):
    server = spawn("--backfill-rate", "200")
    client = server.client()
    name = create_indexed_table(client, {"p": "S"}, ("p", None))
    client.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"p": s(str(i)), "x": s("X")}}} for i in range(25)]})
    for chunk in range(1, 24):
        client.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"p": s(f"{chunk}-{i}"), "x": s("X")}}} for i in range(25)]})
    create_x(client, name)
    backfilling = wait_until(lambda: (i := describe_index(client, name, "byX")) and i.get("Backfilling") and i)
    assert backfilling["IndexStatus"] == "CREATING"
    assert client.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    # Querying an index still being built is refused, as the service does; writes are not held up.
    with pytest.raises(ClientError) as e:
        client.scan(TableName=name, IndexName="byX")
    assert error_of(e)[0] == "ValidationException"
    started = time.time()
    client.put_item(TableName=name, Item={"p": s("during"), "x": s("X")})
    assert time.time() - started < 0.5
    # A second create or delete while one is building is refused.
    with pytest.raises(ClientError) as e:
        create_x(client, name, name="second", attribute="y")
    assert error_of(e) == ("LimitExceededException", "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
    # Writes to items the backfill has and has not reached yet keep the index and its figures exact.
    for i in range(25):
        client.update_item(TableName=name, Key={"p": s(f"{i % 23 + 1}-{i}")}, UpdateExpression="SET x = :x", ExpressionAttributeValues={":x": s("moved")})
        client.delete_item(TableName=name, Key={"p": s(str(i))})
    wait_until(lambda: describe_index(client, name, "byX")["IndexStatus"] == "ACTIVE", timeout=30)
    entries = full_scan(client, TableName=name, IndexName="byX")
    assert len(entries) == 576 and sum(e["x"] == s("moved") for e in entries) == 25
    assert describe_index(client, name, "byX")["ItemCount"] == 576


def test_update_table_index_rules(ddb):
    name = create_indexed_table(ddb, {"p": "S", "c": "S", "b": "S"}, ("p", "c"), lsis=[lsi("local", "p", "b")])
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Create": gsi("byB", "b")}])
    assert error_of(e) == ("ValidationException", INVALID + "AttributeDefinitions is not specified for index: byB")
    with pytest.raises(ClientError) as e:
        create_x(ddb, name, name="local", attribute="b")
    assert error_of(e) == ("ValidationException", "Attempting to create an index which already exists")
    with pytest.raises(ClientError) as e:
        create_x(ddb, name, name="byB", attribute="b", type_="N")
    code, message = error_of(e)
    assert code == "ValidationException" and message.startswith(INVALID + "Attributes cannot be redefined.")
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{}])
    assert error_of(e)[1] == INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null"
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi1", "c"), "Delete": {"IndexName": "gsi1"}}])
    assert error_of(e)[1] == INVALID + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object"
    with pytest.raises(ClientError) as e:
        ddb.update_table(
            TableName=name, AttributeDefinitions=[{"AttributeName": "c", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi1", "c")}, {"Create": gsi("gsi2", "c")}],
        )
    assert error_of(e)[0] == "LimitExceededException"
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "ghost"}}])
    assert error_of(e) == ("ResourceNotFoundException", f"Requested resource not found: Index ghost for table {name}")
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "local"}}])
    assert error_of(e) == ("ValidationException", "Cannot delete an index that is not a GlobalSecondaryIndex: local")
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[])
    assert error_of(e)[0] == "ValidationException"
    ddb.delete_table(TableName=name)


def test_deleting_an_index_lifts_its_type_rule_and_the_name_can_come_back(ddb):
    name = create_indexed_table(ddb, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x")])
    ddb.put_item(TableName=name, Item={"p": s("1"), "x": s("X")})
    out = ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byX"}}])["TableDescription"]
    assert out["GlobalSecondaryIndexes"][0]["IndexStatus"] == "DELETING"
    wait_until(lambda: describe_index(ddb, name, "byX") is None)
    table = ddb.describe_table(TableName=name)["Table"]
    assert "GlobalSecondaryIndexes" not in table
    assert [a["AttributeName"] for a in table["AttributeDefinitions"]] == ["p"]
    with pytest.raises(ClientError) as e:
        ddb.scan(TableName=name, IndexName="byX")
    assert error_of(e) == ("ValidationException", "The table does not have the specified index: byX")
    ddb.put_item(TableName=name, Item={"p": s("2"), "x": n(5)})
    # The name again, now as a number index: the old string entry is skipped by the backfill.
    create_x(ddb, name, type_="N")
    wait_until(lambda: describe_index(ddb, name, "byX")["IndexStatus"] == "ACTIVE")
    assert [i["p"] for i in full_scan(ddb, TableName=name, IndexName="byX")] == [s("2")]
    ddb.delete_table(TableName=name)


def test_index_throughput_updates(ddb):
    name = create_indexed_table(ddb, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x", throughput=(2, 2))], throughput=(5, 5))
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "byX", "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 9}}}])
    throughput = describe_index(ddb, name, "byX")["ProvisionedThroughput"]
    assert throughput["ReadCapacityUnits"] == 7 and throughput["WriteCapacityUnits"] == 9
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "byX", "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 9}}}])
    code, message = error_of(e)
    assert code == "ValidationException" and message.startswith("The provisioned throughput for the index byX will not change.")
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "ghost", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}])
    assert error_of(e) == ("ResourceNotFoundException", f"Requested resource not found: Index ghost for table {name}")
    ddb.delete_table(TableName=name)


def test_a_lagging_gsi_misses_a_fresh_write_until_its_lag_passes(spawn):
    server = spawn("--gsi-lag-ms", "400")
    client = server.client()
    name = create_indexed_table(
        client, {"p": "S", "c": "S", "x": "S", "y": "S"}, ("p", "c"), gsis=[gsi("byX", "x")], lsis=[lsi("byY", "p", "y")]
    )
    client.put_item(TableName=name, Item={"p": s("1"), "c": s("a"), "x": s("X"), "y": s("Y")})
    assert client.scan(TableName=name, IndexName="byX")["Count"] == 0
    # Local indexes and the table's consistent reads are synchronous, as in the service.
    assert client.scan(TableName=name, IndexName="byY", ConsistentRead=True)["Count"] == 1
    assert "Item" in client.get_item(TableName=name, Key={"p": s("1"), "c": s("a")}, ConsistentRead=True)
    wait_until(lambda: client.scan(TableName=name, IndexName="byX")["Count"] == 1, timeout=5)
    # The admin call changes one index's lag at run time.
    url = f"{server.endpoint}/_trident/tables/{name}/indexes/byX/lag"
    assert requests.post(url, json={"ms": 0}).status_code == 200
    client.put_item(TableName=name, Item={"p": s("2"), "c": s("a"), "x": s("X")})
    assert client.scan(TableName=name, IndexName="byX")["Count"] == 2
    assert requests.post(url, json={"ms": -1}).status_code == 400
    missing = requests.post(f"{server.endpoint}/_trident/tables/{name}/indexes/nope/lag", json={"ms": 5})
    assert missing.status_code == 400 and "nope" in missing.json()["message"]
    local = requests.post(f"{server.endpoint}/_trident/tables/{name}/indexes/byY/lag", json={"ms": 5})
    assert local.status_code == 400 and "local" in local.json()["message"]
    view = next(t for t in requests.get(server.endpoint + "/_trident/tables").json()["tables"] if t["name"] == name)
    assert {i["name"] for i in view["indexes"]} == {"byX", "byY"}


def test_indexes_survive_kill_9(spawn):
    first = spawn()
    client = first.client()
    name = create_indexed_table(client, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x")])
    acknowledged = []
    for i in range(200):
        client.put_item(TableName=name, Item={"p": s(str(i)), "x": s(f"X{i % 4}")})
        acknowledged.append(str(i))
    client.update_item(TableName=name, Key={"p": s("0")}, UpdateExpression="SET x = :x", ExpressionAttributeValues={":x": s("moved")})
    first.kill9()
    second = spawn(data_dir=first.data_dir)
    again = second.client()
    entries = full_scan(again, TableName=name, IndexName="byX")
    assert sorted(i["p"]["S"] for i in entries) == sorted(acknowledged)
    assert again.query(TableName=name, IndexName="byX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("moved")})["Count"] == 1
    assert describe_index(again, name, "byX")["ItemCount"] == 200


def test_a_backfill_interrupted_by_kill_9_resumes(spawn):
    first = spawn("--backfill-rate", "100")
    client = first.client()
    name = create_indexed_table(client, {"p": "S"}, ("p", None))
    for chunk in range(8):
        client.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"p": s(f"{chunk}-{i}"), "x": s("X")}}} for i in range(25)]})
    create_x(client, name)
    wait_until(lambda: describe_index(client, name, "byX").get("Backfilling"))
    first.kill9()
    second = spawn(data_dir=first.data_dir)
    again = second.client()
    wait_until(lambda: describe_index(again, name, "byX")["IndexStatus"] == "ACTIVE", timeout=30)
    assert len(full_scan(again, TableName=name, IndexName="byX")) == 200


def test_a_zone_that_catches_up_brings_its_indexes(spawn):
    server = spawn()
    client = server.client()
    name = create_indexed_table(client, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x")])
    zones = requests.get(server.endpoint + "/_trident/zones").json()["zones"]
    leader = next(z["name"] for z in zones if z["role"] == "leader")
    follower = next(z["name"] for z in zones if z["role"] != "leader")
    requests.post(f"{server.endpoint}/_trident/zones/{follower}/stop").raise_for_status()
    for i in range(20):
        client.put_item(TableName=name, Item={"p": s(str(i)), "x": s("X")})
    requests.post(f"{server.endpoint}/_trident/zones/{follower}/start").raise_for_status()
    requests.post(f"{server.endpoint}/_trident/zones/{leader}/stop").raise_for_status()
    # Whichever zones now answer, every index read holds every acknowledged write.
    for _ in range(10):
        assert len(full_scan(client, TableName=name, IndexName="byX")) == 20
    client.put_item(TableName=name, Item={"p": s("after"), "x": s("X")})
    assert len(full_scan(client, TableName=name, IndexName="byX")) == 21
