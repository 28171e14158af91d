"""TransactWriteItems and TransactGetItems through boto3: all or nothing over several tables, the
service's validation and cancellation reasons, idempotency tokens (across a restart and the
controlled clock), transactional capacity, and the conflicts --transaction-window-ms provokes."""

import threading
import time
import uuid

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import error_of
from indexes import create_indexed_table, gsi, lsi, n, s

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons "


@pytest.fixture
def tables(ddb, make_table):
    return make_table(("pk", "S")), make_table(("pk", "S"), range_key=("sk", "N"))


def put(table, item, **extra):
    return {"Put": {"TableName": table, "Item": item, **extra}}


def update(table, key, expression, values=None, **extra):
    action = {"TableName": table, "Key": key, "UpdateExpression": expression, **extra}
    if values:
        action["ExpressionAttributeValues"] = values
    return {"Update": action}


def check(table, key, condition, values=None, **extra):
    action = {"TableName": table, "Key": key, "ConditionExpression": condition, **extra}
    if values:
        action["ExpressionAttributeValues"] = values
    return {"ConditionCheck": action}


def delete(table, key, **extra):
    return {"Delete": {"TableName": table, "Key": key, **extra}}


def cancelled(excinfo):
    """(message, reasons) of a TransactionCanceledException, as boto3 exposes it."""
    code, message = error_of(excinfo)
    assert code == "TransactionCanceledException"
    return message, excinfo.value.response["CancellationReasons"]


def test_actions_over_two_tables_apply_together(ddb, tables):
    a, b = tables
    ddb.put_item(TableName=a, Item={"pk": s("gone")})
    ddb.put_item(TableName=a, Item={"pk": s("counter"), "n": n(1)})
    ddb.put_item(TableName=a, Item={"pk": s("guard"), "open": {"BOOL": True}})
    out = ddb.transact_write_items(TransactItems=[
        put(a, {"pk": s("new"), "v": s("x")}, ConditionExpression="attribute_not_exists(pk)"),
        update(a, {"pk": s("counter")}, "ADD n :one", {":one": n(1)}),
        update(b, {"pk": s("made"), "sk": n(1)}, "SET v = :v", {":v": s("created by update")}),
        delete(a, {"pk": s("gone")}),
        check(a, {"pk": s("guard")}, "#o = :t", {":t": {"BOOL": True}}, ExpressionAttributeNames={"#o": "open"}),
    ])
    assert set(out) == {"ResponseMetadata"}
    assert ddb.get_item(TableName=a, Key={"pk": s("new")}, ConsistentRead=True)["Item"]["v"] == s("x")
    assert ddb.get_item(TableName=a, Key={"pk": s("counter")}, ConsistentRead=True)["Item"]["n"] == n(2)
    assert ddb.get_item(TableName=b, Key={"pk": s("made"), "sk": n(1)}, ConsistentRead=True)["Item"]["v"] == s("created by update")
    assert "Item" not in ddb.get_item(TableName=a, Key={"pk": s("gone")}, ConsistentRead=True)


def test_a_failed_condition_cancels_everything_with_reasons_in_order(ddb, tables):
    a, b = tables
    ddb.put_item(TableName=a, Item={"pk": s("taken"), "owner": s("someone")})
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            put(b, {"pk": s("order"), "sk": n(1)}),
            put(a, {"pk": s("taken")}, ConditionExpression="attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD"),
            check(a, {"pk": s("missing")}, "attribute_exists(pk)"),
        ])
    message, reasons = cancelled(e)
    assert message == CANCELLED + "[None, ConditionalCheckFailed, ConditionalCheckFailed]"
    assert e.value.response["Message"] == message
    assert reasons == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": {"pk": s("taken"), "owner": s("someone")}},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    assert "Item" not in ddb.get_item(TableName=b, Key={"pk": s("order"), "sk": n(1)}, ConsistentRead=True)


def test_request_validation(ddb, tables):
    a, _ = tables
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[put(a, {"pk": s("x")}), delete(a, {"pk": s("x")})])
    assert error_of(e) == ("ValidationException", "Transaction request cannot include multiple operations on one item")
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[])
    assert error_of(e) == ("ValidationException",
                           "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[put(a, {"pk": s(str(i))}) for i in range(101)])
    assert error_of(e)[1].endswith("at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100")
    token = "t" * 37
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[put(a, {"pk": s("x")})], ClientRequestToken=token)
    assert error_of(e)[1] == f"1 validation error detected: Value '{token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36"
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": a, "Item": {"pk": s("x")}}, "Delete": {"TableName": a, "Key": {"pk": s("y")}}}])
    assert error_of(e)[0] == "ValidationException"
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[put("no_such_table", {"pk": s("x")})])
    assert error_of(e) == ("ResourceNotFoundException", "Requested resource not found")
    # What the request alone shows is a plain ValidationException, as for the single-item call.
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[update(a, {"pk": s("x")}, "SET v = :v", {":v": s("v"), ":unused": s("u")})])
    assert error_of(e) == ("ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")


def test_schema_errors_cancel_with_the_first_validation_error(ddb, tables):
    a, b = tables
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            put(a, {"pk": s("fine")}),
            put(b, {"pk": s("no sort key")}),
            delete(a, {"pk": n(1)}),
        ])
    message, reasons = cancelled(e)
    assert message == CANCELLED + "[None, ValidationError, None]"
    assert reasons[1]["Code"] == "ValidationError" and "Missing the key sk" in reasons[1]["Message"]
    assert "Item" not in ddb.get_item(TableName=a, Key={"pk": s("fine")}, ConsistentRead=True)


def test_a_client_request_token_applies_once(ddb, tables):
    a, _ = tables
    token = str(uuid.uuid4())
    items = [update(a, {"pk": s("counter")}, "ADD n :one", {":one": n(1)})]
    first = ddb.transact_write_items(TransactItems=items, ClientRequestToken=token, ReturnConsumedCapacity="TOTAL")
    assert first["ConsumedCapacity"] == [{"TableName": a, "CapacityUnits": 2.0}]
    for _ in range(2):
        # A repeat reads the item instead of writing it (one strongly consistent read unit).
        again = ddb.transact_write_items(TransactItems=items, ClientRequestToken=token, ReturnConsumedCapacity="TOTAL")
        assert again["ConsumedCapacity"] == [{"TableName": a, "CapacityUnits": 1.0}]
    assert ddb.get_item(TableName=a, Key={"pk": s("counter")}, ConsistentRead=True)["Item"]["n"] == n(1)
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[update(a, {"pk": s("counter")}, "ADD n :two", {":two": n(2)})], ClientRequestToken=token)
    assert error_of(e)[0] == "IdempotentParameterMismatchException"
    # boto3 sends a fresh token with every call: two calls apply twice.
    ddb.transact_write_items(TransactItems=items)
    ddb.transact_write_items(TransactItems=items)
    assert ddb.get_item(TableName=a, Key={"pk": s("counter")}, ConsistentRead=True)["Item"]["n"] == n(3)


def test_tokens_last_ten_minutes_of_trident_clock_and_survive_kill_9(spawn):
    first = spawn("--clock", "controlled")
    client = first.client()
    name = create_indexed_table(client, {"pk": "S"}, ("pk", None))
    token = "retry-me"
    items = [update(name, {"pk": s("counter")}, "ADD n :one", {":one": n(1)})]
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    first.kill9()
    second = spawn("--clock", "controlled", data_dir=first.data_dir)
    client = second.client()
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert client.get_item(TableName=name, Key={"pk": s("counter")}, ConsistentRead=True)["Item"]["n"] == n(1)
    requests.post(second.endpoint + "/_trident/clock", json={"advanceSeconds": 3600}).raise_for_status()
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert client.get_item(TableName=name, Key={"pk": s("counter")}, ConsistentRead=True)["Item"]["n"] == n(2)


def test_transactional_capacity_is_doubled_and_a_throttle_cancels(ddb, make_table):
    name = make_table(("pk", "S"), billing="PROVISIONED", throughput=(1, 1))
    big = s("x" * 1500)
    out = ddb.transact_write_items(TransactItems=[put(name, {"pk": s("a"), "d": big}), put(name, {"pk": s("b")})], ReturnConsumedCapacity="TOTAL")
    # 2 KB and 1 KB items at two units per KB.
    assert out["ConsumedCapacity"] == [{"TableName": name, "CapacityUnits": 6.0}]
    got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": name, "Key": {"pk": s("a")}}}, {"Get": {"TableName": name, "Key": {"pk": s("b")}}}],
                                 ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"] == [{"TableName": name, "CapacityUnits": 4.0}]
    # One unit a second with 300 banked: a transaction past it is cancelled whole.
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[put(name, {"pk": s("c")}), put(name, {"pk": s("huge"), "d": s("x" * 390_000)})])
    message, reasons = cancelled(e)
    assert message == CANCELLED + "[None, ProvisionedThroughputExceeded]"
    assert reasons[1]["Message"].startswith("The level of configured provisioned throughput for the table was exceeded")
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": s("c")}, ConsistentRead=True)


def test_indexes_and_item_collections_inside_a_transaction(ddb):
    name = create_indexed_table(ddb, {"p": "S", "c": "S", "x": "S", "y": "S"}, ("p", "c"), gsis=[gsi("byX", "x")], lsis=[lsi("byY", "p", "y")])
    try:
        out = ddb.transact_write_items(
            TransactItems=[put(name, {"p": s("1"), "c": s("a"), "x": s("X"), "y": s("Y")})], ReturnConsumedCapacity="INDEXES", ReturnItemCollectionMetrics="SIZE")
        [consumed] = out["ConsumedCapacity"]
        assert consumed["Table"] == {"CapacityUnits": 2.0}
        assert consumed["GlobalSecondaryIndexes"] == {"byX": {"CapacityUnits": 2.0}}
        assert consumed["LocalSecondaryIndexes"] == {"byY": {"CapacityUnits": 2.0}}
        assert out["ItemCollectionMetrics"] == {name: [{"ItemCollectionKey": {"p": s("1")}, "SizeEstimateRangeGB": [0.0, 1.0]}]}
        assert ddb.query(TableName=name, IndexName="byX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X")})["Count"] == 1
        with pytest.raises(ClientError) as e:
            ddb.transact_write_items(TransactItems=[put(name, {"p": s("2"), "c": s("a"), "x": n(1)})])
        message, reasons = cancelled(e)
        assert reasons[0]["Code"] == "ValidationError" and "Type mismatch for Index Key x" in reasons[0]["Message"]
    finally:
        ddb.delete_table(TableName=name)


def test_transact_get_items_reads_in_order_with_projections(ddb, tables):
    a, b = tables
    ddb.put_item(TableName=a, Item={"pk": s("one"), "v": s("1"), "w": s("w")})
    ddb.put_item(TableName=b, Item={"pk": s("two"), "sk": n(2), "v": s("2")})
    got = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": b, "Key": {"pk": s("two"), "sk": n(2)}}},
        {"Get": {"TableName": a, "Key": {"pk": s("absent")}}},
        {"Get": {"TableName": a, "Key": {"pk": s("one")}, "ProjectionExpression": "#v", "ExpressionAttributeNames": {"#v": "v"}}},
    ])
    assert got["Responses"] == [{"Item": {"pk": s("two"), "sk": n(2), "v": s("2")}}, {}, {"Item": {"v": s("1")}}]
    with pytest.raises(ClientError) as e:
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": a, "Key": {"pk": s("one")}}}, {"Get": {"TableName": a, "Key": {"pk": s("one")}}}])
    assert error_of(e) == ("ValidationException", "Transaction request cannot include multiple operations on one item")
    with pytest.raises(ClientError) as e:
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": a, "Key": {"wrong": s("one")}}}])
    message, reasons = cancelled(e)
    assert message == CANCELLED + "[ValidationError]"


def test_the_resource_api_and_its_client(endpoint, ddb, tables):
    import boto3

    a, _ = tables
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    client = resource.Table(a).meta.client
    client.transact_write_items(TransactItems=[{"Put": {"TableName": a, "Item": {"pk": "r", "n": 5}}}])
    with pytest.raises(client.exceptions.TransactionCanceledException) as e:
        client.transact_write_items(TransactItems=[{"Put": {"TableName": a, "Item": {"pk": "r"}, "ConditionExpression": "attribute_not_exists(pk)",
                                                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])
    assert e.value.response["CancellationReasons"][0]["Item"] == {"pk": {"S": "r"}, "n": {"N": "5"}}
    got = client.transact_get_items(TransactItems=[{"Get": {"TableName": a, "Key": {"pk": "r"}}}])
    assert got["Responses"] == [{"Item": {"pk": "r", "n": 5}}]


def test_a_transaction_window_provokes_the_services_conflicts(spawn):
    server = spawn("--transaction-window-ms", "1500")
    client = server.client()
    name = create_indexed_table(client, {"pk": "S"}, ("pk", None))
    client.put_item(TableName=name, Item={"pk": s("held"), "v": n(0)})
    outcome = {}

    def transact():
        started = time.time()
        client_in_thread = server.client()
        client_in_thread.transact_write_items(TransactItems=[update(name, {"pk": s("held")}, "SET v = :v", {":v": n(1)})], ClientRequestToken="window")
        outcome["seconds"] = time.time() - started

    worker = threading.Thread(target=transact)
    worker.start()
    time.sleep(0.4)
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=name, Item={"pk": s("held"), "v": n(9)})
    assert error_of(e) == ("TransactionConflictException", "Transaction is ongoing for the item")
    with pytest.raises(ClientError) as e:
        client.transact_write_items(TransactItems=[put(name, {"pk": s("other")}), update(name, {"pk": s("held")}, "SET v = :v", {":v": n(2)})])
    message, reasons = cancelled(e)
    assert message == CANCELLED + "[None, TransactionConflict]"
    assert reasons[1] == {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
    with pytest.raises(ClientError) as e:
        client.transact_get_items(TransactItems=[{"Get": {"TableName": name, "Key": {"pk": s("held")}}}])
    assert cancelled(e)[1] == [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
    with pytest.raises(ClientError) as e:
        client.transact_write_items(TransactItems=[update(name, {"pk": s("held")}, "SET v = :v", {":v": n(1)})], ClientRequestToken="window")
    assert error_of(e) == ("TransactionInProgressException", "Transaction from previous request is still in progress")
    # A plain read sees the committed value meanwhile; other items are free.
    assert client.get_item(TableName=name, Key={"pk": s("held")}, ConsistentRead=True)["Item"]["v"] == n(1)
    client.put_item(TableName=name, Item={"pk": s("free")})
    worker.join()
    assert outcome["seconds"] >= 1.4
    client.put_item(TableName=name, Item={"pk": s("held"), "v": n(9)})


def test_kill_9_under_concurrent_transfers_keeps_the_total(spawn):
    first = spawn()
    client = first.client()
    name = create_indexed_table(client, {"pk": "S"}, ("pk", None))
    accounts = [f"acct{i}" for i in range(10)]
    for account in accounts:
        client.put_item(TableName=name, Item={"pk": s(account), "balance": n(100)})
    stop = threading.Event()
    acknowledged = []

    def transfer(seed):
        import random

        rng = random.Random(seed)
        c = first.client()
        while not stop.is_set():
            src, dst = rng.sample(accounts, 2)
            amount = rng.randint(1, 20)
            try:
                c.transact_write_items(TransactItems=[
                    update(name, {"pk": s(src)}, "SET balance = balance - :a", {":a": n(amount)}, ConditionExpression="balance >= :a"),
                    update(name, {"pk": s(dst)}, "SET balance = balance + :a", {":a": n(amount)}),
                    put(name, {"pk": s(f"log-{seed}-{len(acknowledged)}-{rng.random()}"), "amount": n(amount)}),
                ])
                acknowledged.append(1)
            except ClientError:
                pass
            except Exception:  # the connection dies with the server
                return

    workers = [threading.Thread(target=transfer, args=(seed,)) for seed in range(4)]
    for w in workers:
        w.start()
    time.sleep(1.5)
    first.kill9()
    stop.set()
    for w in workers:
        w.join()
    second = spawn(data_dir=first.data_dir)
    client = second.client()
    balances = [int(client.get_item(TableName=name, Key={"pk": s(a)}, ConsistentRead=True)["Item"]["balance"]["N"]) for a in accounts]
    assert sum(balances) == 1000 and min(balances) >= 0
    logs = client.scan(TableName=name, Select="COUNT")["Count"] - len(accounts)
    # Every acknowledged transfer is there (and at most the ones in flight at the kill besides).
    assert len(acknowledged) <= logs <= len(acknowledged) + 4
    assert len(acknowledged) > 20
