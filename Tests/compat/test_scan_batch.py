"""Scan (FilterExpression, every legacy ScanFilter operator with type mismatches as no match, paging,
parallel segments, Select COUNT) and BatchGetItem / BatchWriteItem (limits, duplicates, several
tables, unprocessed keys and items when throttled)."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


@pytest.fixture(scope="module")
def items_table(ddb):
    name = "scan_items"
    ddb.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    rows = [
        {"id": S("a"), "v": N(1), "s": S("apple"), "ss": {"SS": ["x", "y"]}, "b": {"B": b"\x01\x02"}},
        {"id": S("b"), "v": N(5), "s": S("banana"), "lock": {"BOOL": True}},
        {"id": S("c"), "v": S("5"), "s": S("cherry")},
        {"id": S("d"), "v": N(10), "l": {"L": [S("x")]}},
        {"id": S("e")},
    ]
    for r in rows:
        ddb.put_item(TableName=name, Item=r)
    yield name
    ddb.delete_table(TableName=name)


def ids(out):
    return sorted(i["id"]["S"] for i in out["Items"])


@pytest.mark.parametrize(
    "condition,expected",
    [
        ({"ComparisonOperator": "EQ", "AttributeValueList": [N(5)]}, ["b"]),
        ({"ComparisonOperator": "NE", "AttributeValueList": [N(5)]}, ["a", "c", "d", "e"]),
        ({"ComparisonOperator": "LT", "AttributeValueList": [N(6)]}, ["a", "b"]),
        ({"ComparisonOperator": "LE", "AttributeValueList": [N(5)]}, ["a", "b"]),
        ({"ComparisonOperator": "GT", "AttributeValueList": [N(1)]}, ["b", "d"]),
        ({"ComparisonOperator": "GE", "AttributeValueList": [S("5")]}, ["c"]),
        ({"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(2), N(10)]}, ["b", "d"]),
        ({"ComparisonOperator": "IN", "AttributeValueList": [N(1), N(10)]}, ["a", "d"]),
        ({"ComparisonOperator": "NULL"}, ["e"]),
        ({"ComparisonOperator": "NOT_NULL"}, ["a", "b", "c", "d"]),
    ],
)
def test_scan_filter_operators_on_v(ddb, items_table, condition, expected):
    assert ids(ddb.scan(TableName=items_table, ScanFilter={"v": condition})) == expected


@pytest.mark.parametrize(
    "attr,condition,expected",
    [
        ("s", {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("ba")]}, ["b"]),
        ("s", {"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("an")]}, ["b"]),
        ("ss", {"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("y")]}, ["a"]),
        ("l", {"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("x")]}, ["d"]),
        ("s", {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [S("an")]}, ["a", "c"]),
        ("b", {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"B": b"\x01"}]}, ["a"]),
    ],
)
def test_scan_filter_string_operators(ddb, items_table, attr, condition, expected):
    assert ids(ddb.scan(TableName=items_table, ScanFilter={attr: condition})) == expected


def test_php_session_gc_filter(ddb, items_table):
    out = ddb.scan(TableName=items_table, AttributesToGet=["id"], ScanFilter={
        "v": {"ComparisonOperator": "LT", "AttributeValueList": [N(100)]},
        "lock": {"ComparisonOperator": "NULL"},
    })
    assert ids(out) == ["a", "d"]
    assert all(set(i) == {"id"} for i in out["Items"])


def test_filter_expression_select_count_and_empty_scan_filter(ddb, items_table):
    out = ddb.scan(TableName=items_table, FilterExpression="v > :n", ExpressionAttributeValues={":n": N(1)})
    assert ids(out) == ["b", "d"] and out["ScannedCount"] == 5
    out = ddb.scan(TableName=items_table, Select="COUNT")
    assert out["Count"] == 5 and "Items" not in out
    assert len(ddb.scan(TableName=items_table, ScanFilter={})["Items"]) == 5


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"Segment": 1}, "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"),
        ({"TotalSegments": 2}, "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"),
        ({"Segment": 2, "TotalSegments": 2}, "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2"),
        ({"Segment": 0, "TotalSegments": 0},
         "1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        ({"ScanFilter": {"v": {"ComparisonOperator": "EQ"}}}, "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"),
        ({"ScanFilter": {"v": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [N(1)]}}},
         "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
        ({"ScanFilter": {"v": {"ComparisonOperator": "EQ", "AttributeValueList": [N(1)]}}, "FilterExpression": "v = :v",
          "ExpressionAttributeValues": {":v": N(1)}},
         "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}"),
        ({"ExpressionAttributeValues": {":v": N(1)}}, "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"),
    ],
)
def test_scan_validation(ddb, items_table, kwargs, message):
    with pytest.raises(ClientError) as e:
        ddb.scan(TableName=items_table, **kwargs)
    assert error_of(e) == ("ValidationException", message)


@pytest.fixture(scope="module")
def big_table(ddb):
    name = "scan_big"
    ddb.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    for start in range(0, 10000, 25):
        ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"id": S(f"k{i}"), "n": N(i)}}} for i in range(start, start + 25)]})
    yield name
    ddb.delete_table(TableName=name)


@pytest.mark.parametrize("limit", [None, 97, 1000, 4000])
def test_paging_10000_items_returns_each_once(ddb, big_table, limit):
    seen, start = [], None
    while True:
        kw = {"Limit": limit} if limit else {}
        if start:
            kw["ExclusiveStartKey"] = start
        out = ddb.scan(TableName=big_table, **kw)
        seen += [i["id"]["S"] for i in out["Items"]]
        start = out.get("LastEvaluatedKey")
        if not start:
            break
    assert len(seen) == 10000 and len(set(seen)) == 10000
    assert ddb.describe_table(TableName=big_table)["Table"]["ItemCount"] == 10000


def test_scan_order_looks_unordered(ddb, big_table):
    first = [i["id"]["S"] for i in ddb.scan(TableName=big_table, Limit=50)["Items"]]
    assert first != sorted(first, key=lambda k: int(k[1:]))


@pytest.mark.parametrize("total", [1, 3, 7])
def test_parallel_segments_partition_the_table(ddb, big_table, total):
    segments = []
    for seg in range(total):
        got, start = [], None
        while True:
            kw = {"ExclusiveStartKey": start} if start else {}
            out = ddb.scan(TableName=big_table, Segment=seg, TotalSegments=total, **kw)
            got += [i["id"]["S"] for i in out["Items"]]
            start = out.get("LastEvaluatedKey")
            if not start:
                break
        segments.append(set(got))
    assert sum(len(s) for s in segments) == 10000
    assert set().union(*segments) == {f"k{i}" for i in range(10000)}
    if total > 1:
        assert all(len(s) > 0 for s in segments)


def test_batch_get_across_tables(ddb, items_table, big_table):
    out = ddb.batch_get_item(RequestItems={
        items_table: {"Keys": [{"id": S("a")}, {"id": S("zz")}], "ProjectionExpression": "#s", "ExpressionAttributeNames": {"#s": "s"}},
        big_table: {"Keys": [{"id": S(f"k{i}")} for i in range(50)], "ConsistentRead": True},
    }, ReturnConsumedCapacity="TOTAL")
    assert out["Responses"][items_table] == [{"s": S("apple")}]
    assert sorted(int(i["n"]["N"]) for i in out["Responses"][big_table]) == list(range(50))
    assert out["UnprocessedKeys"] == {}
    assert sorted(out["ConsumedCapacity"], key=lambda c: c["TableName"]) == sorted(
        [{"TableName": items_table, "CapacityUnits": 1.0}, {"TableName": big_table, "CapacityUnits": 50.0}], key=lambda c: c["TableName"])


@pytest.mark.parametrize(
    "request_items,message",
    [
        ({"scan_items": {"Keys": [{"id": S(f"k{i}")} for i in range(101)]}},
         "1 validation error detected: Value '[101 keys]' at 'requestItems.scan_items.member.keys' failed to satisfy constraint: Member must have length less than or equal to 100"),
        ({"scan_items": {"Keys": [{"id": S(f"k{i}")} for i in range(60)]}, "scan_big": {"Keys": [{"id": S(f"k{i}")} for i in range(60)]}},
         "Too many items requested for the BatchGetItem call"),
        ({"scan_items": {"Keys": [{"id": S("a")}, {"id": S("a")}]}}, "Provided list of item keys contains duplicates"),
        ({"scan_items": {"Keys": [{"nope": S("a")}]}}, "The provided key element does not match the schema"),
    ],
)
def test_batch_get_validation(ddb, items_table, big_table, request_items, message):
    with pytest.raises(ClientError) as e:
        ddb.batch_get_item(RequestItems=request_items)
    assert error_of(e) == ("ValidationException", message)


def test_batch_write_puts_and_deletes(ddb, make_table):
    a, b = make_table(), make_table()
    out = ddb.batch_write_item(RequestItems={
        a: [{"PutRequest": {"Item": {"id": S("1")}}}, {"PutRequest": {"Item": {"id": S("2")}}}],
        b: [{"PutRequest": {"Item": {"id": S("x"), "v": N(1)}}}],
    }, ReturnConsumedCapacity="TOTAL")
    assert out["UnprocessedItems"] == {}
    assert {c["TableName"]: c["CapacityUnits"] for c in out["ConsumedCapacity"]} == {a: 2.0, b: 1.0}
    ddb.batch_write_item(RequestItems={a: [{"DeleteRequest": {"Key": {"id": S("1")}}}, {"DeleteRequest": {"Key": {"id": S("missing")}}}]})
    assert ddb.scan(TableName=a)["Items"] == [{"id": S("2")}]


@pytest.mark.parametrize(
    "writes,message",
    [
        ([{"PutRequest": {"Item": {"id": S(str(i))}}} for i in range(26)],
         "1 validation error detected: Value '{TABLE=[26 requests]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
         "[Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"),
        ([{"PutRequest": {"Item": {"id": S("1")}}}, {"DeleteRequest": {"Key": {"id": S("1")}}}], "Provided list of item keys contains duplicates"),
        ([{"PutRequest": {"Item": {"other": S("1")}}}], "The provided key element does not match the schema"),
        ([{}], "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
        ([{"PutRequest": {"Item": {"id": S("1"), "d": S("x" * 409600)}}}], "Item size has exceeded the maximum allowed size"),
    ],
)
def test_batch_write_validation_writes_nothing(ddb, make_table, writes, message):
    t = make_table()
    message = message.replace("TABLE", t)
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(RequestItems={t: writes})
    assert error_of(e) == ("ValidationException", message)
    assert ddb.scan(TableName=t)["Count"] == 0


def test_throttled_batches_come_back_unprocessed(spawn):
    server = spawn("--clock", "controlled", "--ttl-interval", "3600")
    ddb = server.client()
    ddb.create_table(TableName="tight", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    written = 0
    for start in range(0, 300, 25):
        out = ddb.batch_write_item(RequestItems={"tight": [{"PutRequest": {"Item": {"id": S(f"k{i}")}}} for i in range(start, start + 25)]})
        assert out["UnprocessedItems"] == {}
        written += 25
    batch = [{"PutRequest": {"Item": {"id": S(f"x{i}")}}} for i in range(5)]
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(RequestItems={"tight": batch})
    assert error_of(e)[0] == "ProvisionedThroughputExceededException"
    import requests

    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 2}).raise_for_status()
    out = ddb.batch_write_item(RequestItems={"tight": batch})
    assert len(out["UnprocessedItems"]["tight"]) == 3
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 3}).raise_for_status()
    assert ddb.batch_write_item(RequestItems=out["UnprocessedItems"])["UnprocessedItems"] == {}
    assert ddb.describe_table(TableName="tight")["Table"]["ItemCount"] == 305
    # Reads too: 300 banked units, 1 per consistent key.
    keys = [{"id": S(f"k{i}")} for i in range(100)]
    for _ in range(3):
        assert ddb.batch_get_item(RequestItems={"tight": {"Keys": keys, "ConsistentRead": True}})["UnprocessedKeys"] == {}
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 10}).raise_for_status()
    out = ddb.batch_get_item(RequestItems={"tight": {"Keys": keys, "ConsistentRead": True}})
    assert len(out["Responses"]["tight"]) == 10
    assert len(out["UnprocessedKeys"]["tight"]["Keys"]) == 90 and out["UnprocessedKeys"]["tight"]["ConsistentRead"] is True
