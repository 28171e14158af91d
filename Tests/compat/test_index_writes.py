"""Writes on indexed tables: every put, update, delete, batch write and TTL deletion keeps every index
exact; sparse indexes; index key type and empty-value errors refuse the whole write."""

import time

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import error_of
from indexes import create_indexed_table, full_query, full_scan, gsi, lsi, n, s

INVALID = "One or more parameter values were invalid: "


@pytest.fixture
def table(ddb):
    """p/c table; GSI byX on x (S, ALL), GSI byXY on x+y (N, KEYS_ONLY), LSI byB on b (S, INCLUDE a)."""
    name = create_indexed_table(
        ddb, {"p": "S", "c": "S", "x": "S", "y": "N", "b": "S"}, ("p", "c"),
        gsis=[gsi("byX", "x"), gsi("byXY", "x", "y", projection="KEYS_ONLY")],
        lsis=[lsi("byB", "p", "b", projection="INCLUDE", include=["a"])],
    )
    yield name
    ddb.delete_table(TableName=name)


def index_keys(ddb, table, index, **query):
    items = full_scan(ddb, TableName=table, IndexName=index, **query)
    return sorted((i["p"]["S"], i["c"]["S"]) for i in items)


def test_sparse_indexes_hold_only_items_with_every_key_attribute(ddb, table):
    ddb.put_item(TableName=table, Item={"p": s("1"), "c": s("a"), "x": s("X")})
    ddb.put_item(TableName=table, Item={"p": s("1"), "c": s("b"), "x": s("X"), "y": n(1), "b": s("B")})
    ddb.put_item(TableName=table, Item={"p": s("1"), "c": s("c")})
    assert index_keys(ddb, table, "byX") == [("1", "a"), ("1", "b")]
    assert index_keys(ddb, table, "byXY") == [("1", "b")]
    assert index_keys(ddb, table, "byB") == [("1", "b")]
    assert len(full_scan(ddb, TableName=table)) == 3


def test_index_entries_follow_every_kind_of_write(ddb, table):
    key = {"p": s("1"), "c": s("a")}
    ddb.put_item(TableName=table, Item={**key, "x": s("X1"), "y": n(1), "note": s("o")})
    # Changing an unrelated attribute updates the projected copy.
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET note = :v", ExpressionAttributeValues={":v": s("o2")})
    [entry] = full_query(ddb, TableName=table, IndexName="byX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X1")})
    assert entry["note"] == s("o2")
    # A key change moves the entry, carrying every current attribute.
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET x = :v", ExpressionAttributeValues={":v": s("X2")})
    assert full_query(ddb, TableName=table, IndexName="byX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X1")}) == []
    [entry] = full_query(ddb, TableName=table, IndexName="byX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X2")})
    assert entry == {**key, "x": s("X2"), "y": n(1), "note": s("o2")}
    # Removing one key attribute of a two-attribute key leaves that index only.
    ddb.update_item(TableName=table, Key=key, UpdateExpression="REMOVE y")
    assert index_keys(ddb, table, "byXY") == [] and index_keys(ddb, table, "byX") == [("1", "a")]
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET y = :y", ExpressionAttributeValues={":y": n(7)})
    [entry] = full_scan(ddb, TableName=table, IndexName="byXY")
    assert entry == {**key, "x": s("X2"), "y": n(7)}
    # Setting a key to the value it has keeps the entry; b -> b2 -> b ends indexed under b.
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET x = :x, note = :o", ExpressionAttributeValues={":x": s("X2"), ":o": s("o3")})
    assert full_scan(ddb, TableName=table, IndexName="byX")[0]["note"] == s("o3")
    for value in ("b", "b2", "b"):
        ddb.update_item(TableName=table, Key=key, UpdateExpression="SET b = :b", ExpressionAttributeValues={":b": s(value)})
    [entry] = full_query(ddb, TableName=table, IndexName="byB", KeyConditionExpression="p = :p AND b = :b", ExpressionAttributeValues={":p": s("1"), ":b": s("b")})
    assert entry["c"] == s("a")
    # A put without the attributes takes the item out; a delete takes it out of all.
    ddb.put_item(TableName=table, Item={**key, "x": s("X3")})
    assert index_keys(ddb, table, "byXY") == [] and index_keys(ddb, table, "byB") == []
    ddb.delete_item(TableName=table, Key=key)
    assert index_keys(ddb, table, "byX") == []
    figures = {i["IndexName"]: i for i in ddb.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"]}
    assert figures["byX"]["ItemCount"] == 0 and figures["byX"]["IndexSizeBytes"] == 0


def test_legacy_attribute_updates_maintain_indexes(ddb, table):
    key = {"p": s("1"), "c": s("a")}
    ddb.update_item(TableName=table, Key=key, AttributeUpdates={"x": {"Action": "PUT", "Value": s("X")}})
    assert index_keys(ddb, table, "byX") == [("1", "a")]
    ddb.update_item(TableName=table, Key=key, AttributeUpdates={"x": {"Action": "DELETE"}})
    assert index_keys(ddb, table, "byX") == []
    # An update creating a key-only item is in no index.
    ddb.update_item(TableName=table, Key={"p": s("2"), "c": s("b")}, AttributeUpdates={})
    assert index_keys(ddb, table, "byX") == [] and len(full_scan(ddb, TableName=table)) == 2


@pytest.mark.parametrize("value,actual", [(n(1), "N"), ({"B": b"x"}, "B"), ({"BOOL": True}, "BOOL"), ({"SS": ["a"]}, "SS"), ({"NULL": True}, "NULL"), ({"M": {}}, "M")])
def test_a_wrong_index_key_type_refuses_the_write(ddb, table, value, actual):
    key = {"p": s("1"), "c": s("a")}
    ddb.put_item(TableName=table, Item={**key, "x": s("keep")})
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={**key, "x": value})
    code, message = error_of(e)
    assert code == "ValidationException"
    assert message.startswith(INVALID + f"Type mismatch for Index Key x Expected: S Actual: {actual} IndexName: byX")
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key=key, UpdateExpression="SET x = :v", ExpressionAttributeValues={":v": value})
    assert "Type mismatch for Index Key x Expected: S Actual: " + actual in error_of(e)[1]
    assert ddb.get_item(TableName=table, Key=key)["Item"]["x"] == s("keep")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={**key, "y": s("not a number")})
    assert "Type mismatch for Index Key y Expected: N Actual: S IndexName: byXY" in error_of(e)[1]


def test_nested_paths_into_an_index_key_are_refused(ddb, table):
    key = {"p": s("1"), "c": s("a")}
    ddb.put_item(TableName=table, Item={**key, "x": s("X")})
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key=key, UpdateExpression="SET x.y = :v", ExpressionAttributeValues={":v": s("v")})
    assert error_of(e) == ("ValidationException", "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: x")


def test_empty_index_key_values_are_refused_with_the_service_wording(ddb, table):
    key = {"p": s("1"), "c": s("a")}
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={**key, "b": s("")})
    assert error_of(e) == (
        "ValidationException",
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byB, IndexKey: b",
    )
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key=key, UpdateExpression="SET x = :v", ExpressionAttributeValues={":v": s("")})
    assert error_of(e)[1] == (
        "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value."
    )
    # Ordinary attributes may be empty.
    ddb.put_item(TableName=table, Item={**key, "note": s("")})
    assert "Item" in ddb.get_item(TableName=table, Key=key)


def test_one_bad_item_refuses_the_whole_batch(ddb, table):
    good = [{"PutRequest": {"Item": {"p": s("1"), "c": s(str(i)), "x": s("X")}}} for i in range(5)]
    for bad in ({"p": s("1"), "c": s("bad"), "x": n(3)}, {"p": s("1"), "c": s("bad"), "b": s("")}):
        with pytest.raises(ClientError) as e:
            ddb.batch_write_item(RequestItems={table: good + [{"PutRequest": {"Item": bad}}]})
        assert error_of(e)[0] == "ValidationException"
        assert full_scan(ddb, TableName=table) == []
    ddb.batch_write_item(RequestItems={table: good})
    assert len(index_keys(ddb, table, "byX")) == 5
    ddb.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": {"p": s("1"), "c": s(str(i))}}} for i in range(3)]})
    assert index_keys(ddb, table, "byX") == [("1", "3"), ("1", "4")]


def test_index_key_size_limits(ddb, table):
    key = {"p": s("1"), "c": s("a")}
    ddb.put_item(TableName=table, Item={**key, "x": s("x" * 2048), "b": s("b" * 1024)})
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={**key, "x": s("x" * 2049)})
    code, message = error_of(e)
    assert code == "ValidationException" and "2048" in message
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={**key, "b": s("b" * 1025)})
    code, message = error_of(e)
    assert code == "ValidationException" and "1024" in message
    assert ddb.get_item(TableName=table, Key=key)["Item"]["x"] == s("x" * 2048)


def test_ttl_deletion_removes_index_entries(spawn):
    server = spawn("--clock", "controlled", "--ttl-interval", "0.05")
    client = server.client()
    name = create_indexed_table(client, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x")])
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    now = requests.get(server.endpoint + "/_trident/clock").json()["epochSeconds"]
    client.put_item(TableName=name, Item={"p": s("gone"), "x": s("X"), "expires": n(int(now) + 60)})
    client.put_item(TableName=name, Item={"p": s("kept"), "x": s("X")})
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 3600}).raise_for_status()
    deadline = time.time() + 10
    while time.time() < deadline and len(full_scan(client, TableName=name)) != 1:
        time.sleep(0.1)
    assert [i["p"] for i in full_scan(client, TableName=name, IndexName="byX")] == [s("kept")]
