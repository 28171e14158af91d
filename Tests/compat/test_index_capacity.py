"""Capacity with indexes, at DynamoDB's documented unit rules: every index write charged on its
projected entry (a key change is a delete plus a put), GSI reads under the index, an LSI fetch charged
on the whole item, a starved GSI throttling its base table, and item collection metrics and limits."""

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import TridentProcess, error_of
from indexes import create_indexed_table, gsi, lsi, n, s


@pytest.fixture(scope="module")
def server(binary):
    p = TridentProcess(binary, "--clock", "controlled", "--ttl-interval", "3600", "--item-collection-limit-mb", "1").start()
    yield p
    p.cleanup()


@pytest.fixture(scope="module")
def ddb(server):
    return server.client()


def usage(server, name):
    return next(t for t in requests.get(server.endpoint + "/_trident/tables").json()["tables"] if t["name"] == name)


@pytest.fixture
def table(ddb):
    """p/c; GSI all (x; ALL), GSI keys (x; KEYS_ONLY), GSI other (z; KEYS_ONLY), LSI local (p, y; KEYS_ONLY)."""
    name = create_indexed_table(
        ddb, {"p": "S", "c": "S", "x": "S", "z": "S", "y": "S"}, ("p", "c"),
        gsis=[gsi("all", "x"), gsi("keys", "x", projection="KEYS_ONLY"), gsi("other", "z", projection="KEYS_ONLY")],
        lsis=[lsi("local", "p", "y", projection="KEYS_ONLY")],
    )
    yield name
    ddb.delete_table(TableName=name)


def write_units(response):
    c = response["ConsumedCapacity"]
    parts = {"table": c["Table"]["CapacityUnits"]}
    parts.update({k: v["CapacityUnits"] for k, v in c.get("GlobalSecondaryIndexes", {}).items()})
    parts.update({k: v["CapacityUnits"] for k, v in c.get("LocalSecondaryIndexes", {}).items()})
    assert c["CapacityUnits"] == sum(parts.values())
    return parts


def test_each_write_charges_the_index_entries_it_touches(ddb, table):
    key = {"p": s("1"), "c": s("a")}
    big = s("b" * 2500)
    put = ddb.put_item(TableName=table, Item={**key, "x": s("X"), "big": big}, ReturnConsumedCapacity="INDEXES")
    # 3 KB item: the ALL index entry is as large; the KEYS_ONLY one is one unit; "other" and "local" untouched.
    assert write_units(put) == {"table": 3.0, "all": 3.0, "keys": 1.0}
    changed = ddb.update_item(TableName=table, Key=key, UpdateExpression="SET x = :x", ExpressionAttributeValues={":x": s("X2")}, ReturnConsumedCapacity="INDEXES")
    # A key change deletes the old entry and puts the new one.
    assert write_units(changed) == {"table": 3.0, "all": 6.0, "keys": 2.0}
    unprojected = ddb.update_item(TableName=table, Key=key, UpdateExpression="SET big = :b", ExpressionAttributeValues={":b": s("c" * 2500)}, ReturnConsumedCapacity="INDEXES")
    assert write_units(unprojected) == {"table": 3.0, "all": 3.0}
    added = ddb.update_item(TableName=table, Key=key, UpdateExpression="SET y = :y, z = :z", ExpressionAttributeValues={":y": s("Y"), ":z": s("Z")}, ReturnConsumedCapacity="INDEXES")
    assert write_units(added) == {"table": 3.0, "all": 3.0, "other": 1.0, "local": 1.0}
    total = ddb.delete_item(TableName=table, Key=key, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert total == {"TableName": table, "CapacityUnits": 3.0 + 3.0 + 1.0 + 1.0 + 1.0}
    # An item in no index charges the table only.
    plain = ddb.put_item(TableName=table, Item={"p": s("2"), "c": s("b")}, ReturnConsumedCapacity="INDEXES")
    assert write_units(plain) == {"table": 1.0}


def test_index_reads_are_charged_under_the_index(ddb, table):
    for i in range(4):
        ddb.put_item(TableName=table, Item={"p": s("1"), "c": s(str(i)), "x": s("X"), "y": s(f"y{i}"), "big": s("b" * 3000)})
    q = ddb.query(TableName=table, IndexName="all", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X")}, ReturnConsumedCapacity="INDEXES")
    # Four ~3 KB entries, eventually consistent: 12 KB rounds to 3 × 4 KB, halved.
    assert q["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.5, "Table": {"CapacityUnits": 0.0}, "GlobalSecondaryIndexes": {"all": {"CapacityUnits": 1.5}}}
    keys_only = ddb.query(TableName=table, IndexName="keys", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X")}, ReturnConsumedCapacity="TOTAL")
    assert keys_only["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5}
    local = ddb.query(TableName=table, IndexName="local", KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": s("1")}, ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
    assert local["ConsumedCapacity"]["LocalSecondaryIndexes"] == {"local": {"CapacityUnits": 1.0}}
    # Fetching unprojected attributes adds each whole item to the size read: 4 entries plus 4 × 3 KB
    # items, strongly consistent, are 3 units; the entries' own unit stays the index's share.
    fetched = ddb.query(TableName=table, IndexName="local", KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": s("1")}, ConsistentRead=True, Select="ALL_ATTRIBUTES", ReturnConsumedCapacity="INDEXES")
    c = fetched["ConsumedCapacity"]
    assert c["LocalSecondaryIndexes"] == {"local": {"CapacityUnits": 1.0}} and c["Table"]["CapacityUnits"] == 2.0 and c["CapacityUnits"] == 3.0
    get = ddb.get_item(TableName=table, Key={"p": s("1"), "c": s("0")}, ReturnConsumedCapacity="INDEXES")
    assert get["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.5}}


def test_a_starved_gsi_throttles_its_base_table(server, ddb):
    name = create_indexed_table(ddb, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("slow", "x", throughput=(1, 1))], throughput=(1000, 1000))
    # The index banks 300 seconds of 1 unit: 300 indexed writes pass, the next is refused whole.
    for i in range(300):
        ddb.put_item(TableName=name, Item={"p": s(f"k{i}"), "x": s("X")})
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=name, Item={"p": s("over"), "x": s("X")})
    assert error_of(e) == (
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API",
    )
    assert "Item" not in ddb.get_item(TableName=name, Key={"p": s("over")}, ConsistentRead=True)
    # Writes the index does not see still pass.
    ddb.put_item(TableName=name, Item={"p": s("plain")})
    figures = usage(server, name)
    [index] = figures["indexes"]
    assert index["name"] == "slow" and index["throttledWrites"] == 1 and index["consumedWriteUnits"] == 300
    assert figures["consumedWriteUnits"] == 301
    # Raising the index's throughput lets writes through again.
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "slow", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 100}}}])
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 1}).raise_for_status()
    ddb.put_item(TableName=name, Item={"p": s("after"), "x": s("X")})
    ddb.delete_table(TableName=name)


def test_item_collection_metrics_on_tables_with_local_indexes(ddb, table):
    r = ddb.put_item(TableName=table, Item={"p": s("1"), "c": s("a"), "y": s("Y"), "d": s("d" * 1000)}, ReturnItemCollectionMetrics="SIZE")
    assert r["ItemCollectionMetrics"] == {"ItemCollectionKey": {"p": s("1")}, "SizeEstimateRangeGB": [0.0, 1.0]}
    r = ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {"p": s("2"), "c": s("b")}}}]}, ReturnItemCollectionMetrics="SIZE")
    assert r["ItemCollectionMetrics"] == {table: [{"ItemCollectionKey": {"p": s("2")}, "SizeEstimateRangeGB": [0.0, 1.0]}]}
    plain = create_indexed_table(ddb, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x")])
    r = ddb.put_item(TableName=plain, Item={"p": s("1"), "x": s("X")}, ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in r
    ddb.delete_table(TableName=plain)


def test_an_item_collection_past_its_limit_refuses_growth(ddb, table):
    # This server's limit is 1 MB (--item-collection-limit-mb 1); the service's is 10 GB.
    chunk = "v" * 300_000
    for i in range(3):
        ddb.put_item(TableName=table, Item={"p": s("full"), "c": s(str(i)), "d": s(chunk)})
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"p": s("full"), "c": s("3"), "d": s(chunk)})
    assert error_of(e) == (
        "ItemCollectionSizeLimitExceededException",
        "Item collection size limit exceeded: the total size of an item collection has exceeded the maximum limit of 1 megabytes",
    )
    assert "Item" not in ddb.get_item(TableName=table, Key={"p": s("full"), "c": s("3")}, ConsistentRead=True)
    # Other partitions and shrinking writes go on.
    ddb.put_item(TableName=table, Item={"p": s("other"), "c": s("3"), "d": s(chunk)})
    ddb.delete_item(TableName=table, Key={"p": s("full"), "c": s("0")})
    ddb.put_item(TableName=table, Item={"p": s("full"), "c": s("3"), "d": s(chunk)})
