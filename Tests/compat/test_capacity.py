"""Provisioned capacity that really throttles, with a controlled clock: the burst of 300 banked
seconds, throttled writes not applied, refill at the provisioned rate, UpdateTable raising the limit,
on-demand and --capacity off never throttling, ConsumedCapacity at DynamoDB's documented costs, and
SDK retries riding out throttling."""

import threading

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import error_of, make_client

S = lambda v: {"S": v}  # noqa: E731
THROTTLED = ("ProvisionedThroughputExceededException",
             "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")


@pytest.fixture(scope="module")
def server(binary):
    from conftest import TridentProcess

    p = TridentProcess(binary, "--clock", "controlled", "--ttl-interval", "3600").start()
    yield p
    p.cleanup()


def advance(server, seconds):
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": seconds}).raise_for_status()


def usage(server, name):
    return next(t for t in requests.get(server.endpoint + "/_trident/tables").json()["tables"] if t["name"] == name)


def provisioned(ddb, name, read=5, write=5):
    ddb.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     ProvisionedThroughput={"ReadCapacityUnits": read, "WriteCapacityUnits": write})
    return name


def item_of_size(key, size):
    """An item of exactly `size` bytes by DynamoDB's rules: "id"(2) + key + "d"(1) + value."""
    return {"id": S(key), "d": S("x" * (size - 3 - len(key)))}


def test_burst_then_throttle_then_refill(server):
    ddb = server.client()
    table = provisioned(ddb, "cap_burst", write=5)
    # 5 units/s banked for 300 s: 1,500 one-unit writes pass at once, the next is throttled.
    for i in range(1500):
        ddb.put_item(TableName=table, Item={"id": S(f"k{i}")})
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": S("over")})
    assert error_of(e) == THROTTLED
    assert "Item" not in ddb.get_item(TableName=table, Key={"id": S("over")}, ConsistentRead=True)
    u = usage(server, table)
    assert u["throttledWrites"] == 1 and u["consumedWriteUnits"] == 1500
    # One second refills five units: five writes, then throttled again.
    advance(server, 1)
    for i in range(5):
        ddb.put_item(TableName=table, Item={"id": S(f"again{i}")})
    with pytest.raises(ClientError):
        ddb.put_item(TableName=table, Item={"id": S("again5")})
    assert usage(server, table)["throttledWrites"] == 2


def test_update_table_raises_the_limit_and_reports_changes(server):
    ddb = server.client()
    table = provisioned(ddb, "cap_update", read=1, write=1)
    for i in range(300):
        ddb.put_item(TableName=table, Item={"id": S(f"k{i}")})
    with pytest.raises(ClientError):
        ddb.put_item(TableName=table, Item={"id": S("x")})
    out = ddb.update_table(TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 100})
    assert out["TableDescription"]["ProvisionedThroughput"]["WriteCapacityUnits"] == 100
    advance(server, 1)
    for i in range(100):
        ddb.put_item(TableName=table, Item={"id": S(f"more{i}")})
    d = ddb.describe_table(TableName=table)["Table"]["ProvisionedThroughput"]
    assert d["WriteCapacityUnits"] == 100 and "LastIncreaseDateTime" in d and d["NumberOfDecreasesToday"] == 0
    ddb.update_table(TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 10})
    d = ddb.describe_table(TableName=table)["Table"]["ProvisionedThroughput"]
    assert d["NumberOfDecreasesToday"] == 1 and "LastDecreaseDateTime" in d
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 10})
    assert error_of(e) == ("ValidationException",
                           "The provisioned throughput for the table will not change. The requested value equals the current value. "
                           "Current ReadCapacityUnits provisioned for the table: 1. Requested ReadCapacityUnits: 1. "
                           "Current WriteCapacityUnits provisioned for the table: 10. Requested WriteCapacityUnits: 10. "
                           "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")


def test_update_table_billing_mode_switches(server):
    ddb = server.client()
    table = provisioned(ddb, "cap_switch", read=1, write=1)
    d = ddb.update_table(TableName=table, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    for i in range(400):  # far past 1 unit/s × 300 s: on-demand never throttles
        ddb.put_item(TableName=table, Item={"id": S(f"k{i}")})
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=table, BillingMode="PROVISIONED")
    assert error_of(e) == ("ValidationException", "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})
    assert error_of(e) == ("ValidationException",
                           "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
    d = ddb.update_table(TableName=table, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3})["TableDescription"]
    assert d["BillingModeSummary"]["BillingMode"] == "PROVISIONED" and d["ProvisionedThroughput"]["WriteCapacityUnits"] == 3


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({}, "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
             "MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"),
        ({"ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 1}},
         "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        ({"ProvisionedThroughput": {"ReadCapacityUnits": 1000000000001, "WriteCapacityUnits": 1}}, "Given value 1000000000001 for ReadCapacityUnits is out of bounds"),
        ({"BillingMode": "FREE"},
         "1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"),
    ],
)
def test_update_table_validation(server, kwargs, message):
    ddb = server.client()
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName="cap_validation_missing", **kwargs)
    assert error_of(e) == ("ValidationException", message)


def test_update_table_on_missing_table(server):
    with pytest.raises(ClientError) as e:
        server.client().update_table(TableName="nope_table", BillingMode="PAY_PER_REQUEST")
    assert error_of(e) == ("ResourceNotFoundException", "Requested resource not found: Table: nope_table not found")


@pytest.mark.parametrize("size,write,strong,eventual",
                         [(4, 1, 1, 0.5), (1024, 1, 1, 0.5), (1025, 2, 1, 0.5), (4096, 4, 1, 0.5), (4097, 5, 2, 1), (102400, 100, 25, 12.5)])
def test_consumed_capacity_matches_the_documented_cost(server, size, write, strong, eventual):
    ddb = server.client()
    table = "cap_cost"
    if table not in ddb.list_tables()["TableNames"]:
        ddb.create_table(TableName=table, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    key = f"s{size}"
    out = ddb.put_item(TableName=table, Item=item_of_size(key, size), ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": write}
    got = ddb.get_item(TableName=table, Key={"id": S(key)}, ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
    assert got["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": strong, "Table": {"CapacityUnits": strong}}
    got = ddb.get_item(TableName=table, Key={"id": S(key)}, ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"]["CapacityUnits"] == eventual
    out = ddb.delete_item(TableName=table, Key={"id": S(key)}, ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"]["CapacityUnits"] == write


def test_minimum_charges_and_update_costs(server):
    ddb = server.client()
    table = "cap_min"
    ddb.create_table(TableName=table, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    assert ddb.get_item(TableName=table, Key={"id": S("none")}, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"] == 0.5
    assert ddb.delete_item(TableName=table, Key={"id": S("none")}, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"] == 1
    assert "ConsumedCapacity" not in ddb.get_item(TableName=table, Key={"id": S("none")}, ReturnConsumedCapacity="NONE")
    ddb.put_item(TableName=table, Item=item_of_size("big", 3000))
    # Shrinking a 3 KB item to a tiny one is charged for the larger (before) size.
    out = ddb.update_item(TableName=table, Key={"id": S("big")}, UpdateExpression="REMOVE d", ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"]["CapacityUnits"] == 3
    before = usage(server, table)["consumedWriteUnits"]
    with pytest.raises(ClientError):
        ddb.put_item(TableName=table, Item=item_of_size("big", 2000), ConditionExpression="attribute_not_exists(id)")
    # A failed condition still consumes: the larger of the stored and the attempted item, 2 units.
    assert usage(server, table)["consumedWriteUnits"] == before + 2


def test_capacity_off_meters_but_never_throttles(spawn):
    server = spawn("--capacity", "off")
    ddb = server.client()
    provisioned(ddb, "cap_off", read=1, write=1)
    for i in range(400):
        ddb.put_item(TableName="cap_off", Item={"id": S(f"k{i}")})
    u = usage(server, "cap_off")
    assert u["throttledWrites"] == 0 and u["consumedWriteUnits"] == 400


def test_reads_throttle_too(server):
    ddb = server.client()
    table = provisioned(ddb, "cap_reads", read=1, write=10)
    ddb.put_item(TableName=table, Item={"id": S("k")})
    for _ in range(300):
        ddb.get_item(TableName=table, Key={"id": S("k")}, ConsistentRead=True)
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=table, Key={"id": S("k")}, ConsistentRead=True)
    assert error_of(e) == THROTTLED
    # Eventually consistent reads cost half: one second of refill pays for two.
    advance(server, 1)
    ddb.get_item(TableName=table, Key={"id": S("k")})
    ddb.get_item(TableName=table, Key={"id": S("k")})
    with pytest.raises(ClientError):
        ddb.get_item(TableName=table, Key={"id": S("k")})
    assert usage(server, table)["throttledReads"] == 2


def test_sdk_retries_ride_out_throttling(spawn):
    server = spawn("--ttl-interval", "3600")  # system clock: capacity refills in real time
    ddb = server.client()
    provisioned(ddb, "cap_retry", write=20)
    # Drain the banked burst with 100-unit items, then what they leave (up to 99 units, depending on
    # how long the drain took) with 1-unit ones; then write faster than 20 units/s with retries.
    for size, count in ((100 * 1024, 200), (1024, 300)):
        for i in range(count):
            try:
                ddb.put_item(TableName="cap_retry", Item=item_of_size(f"drain{size}-{i}", size))
            except ClientError:
                break
        else:
            pytest.fail("the burst never ran out")
    throttled_before = usage(server, "cap_retry")["throttledWrites"]
    client = make_client(server.endpoint, retries=9)
    errors = []

    def writer(t):
        try:
            for i in range(20):
                client.put_item(TableName="cap_retry", Item={"id": S(f"w{t}-{i}")})
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert usage(server, "cap_retry")["throttledWrites"] > throttled_before
    for t in range(4):
        for i in range(20):
            assert "Item" in ddb.get_item(TableName="cap_retry", Key={"id": S(f"w{t}-{i}")})
