"""Query: key conditions (expression and legacy), sort order both ways, Limit and
ExclusiveStartKey paging, the 1 MB page measured before filtering, filters, projections, Select,
Count/ScannedCount, and DynamoDB's validation messages."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


@pytest.fixture(scope="module")
def table(ddb):
    name = "query_items"
    ddb.create_table(TableName=name,
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                     BillingMode="PAY_PER_REQUEST")
    for i in range(-5, 20):
        ddb.put_item(TableName=name, Item={"pk": S("p"), "sk": N(i), "even": {"BOOL": i % 2 == 0}, "tag": S(f"t{i % 3}")})
    ddb.put_item(TableName=name, Item={"pk": S("other"), "sk": N(1)})
    yield name
    ddb.delete_table(TableName=name)


def sks(resp):
    return [int(i["sk"]["N"]) for i in resp["Items"]]


def q(ddb, table, expr, values, **kw):
    return ddb.query(TableName=table, KeyConditionExpression=expr, ExpressionAttributeValues=values, **kw)


@pytest.mark.parametrize(
    "expr,values,expected",
    [
        ("pk = :p", {":p": S("p")}, list(range(-5, 20))),
        ("pk = :p AND sk = :v", {":p": S("p"), ":v": N(3)}, [3]),
        ("pk = :p AND sk < :v", {":p": S("p"), ":v": N(-3)}, [-5, -4]),
        ("pk = :p AND sk <= :v", {":p": S("p"), ":v": N(-3)}, [-5, -4, -3]),
        ("pk = :p AND sk > :v", {":p": S("p"), ":v": N(17)}, [18, 19]),
        ("pk = :p AND sk >= :v", {":p": S("p"), ":v": N(17)}, [17, 18, 19]),
        ("pk = :p AND sk BETWEEN :a AND :b", {":p": S("p"), ":a": N(-1), ":b": N(2)}, [-1, 0, 1, 2]),
        (":v < sk AND :p = pk", {":p": S("p"), ":v": N(17)}, [18, 19]),
        ("pk = :p", {":p": S("nobody")}, []),
    ],
)
def test_key_conditions(ddb, table, expr, values, expected):
    assert sks(q(ddb, table, expr, values)) == expected
    assert sks(q(ddb, table, expr, values, ScanIndexForward=False)) == list(reversed(expected))


def test_begins_with_on_string_sort_keys(ddb, make_table):
    t = make_table(hash_key=("pk", "S"), range_key=("sk", "S"))
    for sk in ["a", "ab", "abc", "abd", "b", "a\u00e9", "A"]:
        ddb.put_item(TableName=t, Item={"pk": S("p"), "sk": S(sk)})
    out = q(ddb, t, "pk = :p AND begins_with(sk, :x)", {":p": S("p"), ":x": S("ab")})
    assert [i["sk"]["S"] for i in out["Items"]] == ["ab", "abc", "abd"]
    # Byte order: "A" < "a" < "ab" < "b" < "aé"? no: "aé" is 61 C3 A9, after "abd" (61 62 64) and before "b".
    assert [i["sk"]["S"] for i in ddb.query(TableName=t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p")})["Items"]] == [
        "A", "a", "ab", "abc", "abd", "a\u00e9", "b"]


@pytest.mark.parametrize("limit", [1, 3, 7, 25])
def test_paging_with_limit_returns_every_item_once(ddb, table, limit):
    for forward in (True, False):
        seen, start, pages = [], None, 0
        while True:
            kw = {"ExclusiveStartKey": start} if start else {}
            out = q(ddb, table, "pk = :p", {":p": S("p")}, Limit=limit, ScanIndexForward=forward, **kw)
            seen += sks(out)
            pages += 1
            start = out.get("LastEvaluatedKey")
            if not start:
                break
            assert set(start) == {"pk", "sk"}
        assert seen == (list(range(-5, 20)) if forward else list(range(19, -6, -1)))
        assert pages >= 25 // limit


def test_filter_select_count_and_projection(ddb, table):
    out = q(ddb, table, "pk = :p AND sk BETWEEN :a AND :b", {":p": S("p"), ":a": N(0), ":b": N(9), ":t": {"BOOL": True}},
            FilterExpression="even = :t")
    assert sks(out) == [0, 2, 4, 6, 8] and out["Count"] == 5 and out["ScannedCount"] == 10
    out = q(ddb, table, "pk = :p", {":p": S("p")}, Select="COUNT", Limit=10)
    assert "Items" not in out and out["Count"] == 10 and out["ScannedCount"] == 10 and "LastEvaluatedKey" in out
    out = q(ddb, table, "pk = :p AND sk = :v", {":p": S("p"), ":v": N(4)}, ProjectionExpression="tag, sk")
    assert out["Items"] == [{"tag": S("t1"), "sk": N(4)}]
    # Limit counts items before the filter: a page can be empty and still continue.
    out = q(ddb, table, "pk = :p", {":p": S("p"), ":t": {"BOOL": True}}, FilterExpression="even = :t", Limit=1)
    assert out["Count"] == 0 and out["ScannedCount"] == 1 and out["LastEvaluatedKey"] == {"pk": S("p"), "sk": N(-5)}


def test_legacy_key_conditions_and_query_filter(ddb, table):
    out = ddb.query(TableName=table, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]},
        "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(1), N(6)]},
    }, QueryFilter={"tag": {"ComparisonOperator": "EQ", "AttributeValueList": [S("t0")]}}, AttributesToGet=["sk"])
    assert out["Items"] == [{"sk": N(3)}, {"sk": N(6)}]
    out = ddb.query(TableName=table, KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("p")]}},
                    QueryFilter={"tag": {"ComparisonOperator": "EQ", "AttributeValueList": [S("t0")]},
                                 "even": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": True}]}},
                    ConditionalOperator="OR")
    assert out["Count"] == len([i for i in range(-5, 20) if i % 3 == 0 or i % 2 == 0])


def test_one_megabyte_page_is_measured_before_the_filter(ddb, make_table):
    t = make_table(hash_key=("pk", "S"), range_key=("sk", "N"))
    big = "x" * (100 * 1024)
    for i in range(25):
        ddb.put_item(TableName=t, Item={"pk": S("p"), "sk": N(i), "n": N(i), "d": S(big)})
    out = ddb.query(TableName=t, KeyConditionExpression="pk = :p", FilterExpression="n > :n",
                    ExpressionAttributeValues={":p": S("p"), ":n": N(100)})
    # About 100 KB each: the page stops once 1 MB has been read, whatever the filter kept.
    assert out["Count"] == 0 and 10 <= out["ScannedCount"] <= 11 and "LastEvaluatedKey" in out
    total, start = 0, None
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        out = ddb.query(TableName=t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p")}, **kw)
        total += out["Count"]
        start = out.get("LastEvaluatedKey")
        if not start:
            break
    assert total == 25


def test_consumed_capacity_is_for_the_total_size_read(ddb, make_table):
    t = make_table(hash_key=("pk", "S"), range_key=("sk", "N"))
    for i in range(10):  # ten items of 1 KB: 10 KB in all, 3 read units, not 10
        ddb.put_item(TableName=t, Item={"pk": S("p"), "sk": N(i), "d": S("x" * (1024 - 11))})
    out = ddb.query(TableName=t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p")},
                    ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
    assert out["ConsumedCapacity"] == {"TableName": t, "CapacityUnits": 3.0}
    out = ddb.query(TableName=t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("nobody")},
                    ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"]["CapacityUnits"] == 0.5


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({}, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."),
        ({"KeyConditionExpression": "pk = :p OR sk = :v"}, "Invalid operator used in KeyConditionExpression: OR"),
        ({"KeyConditionExpression": "pk = :p AND sk <> :v"}, "Invalid operator used in KeyConditionExpression: <>"),
        ({"KeyConditionExpression": "sk = :v"}, "Query condition missed key schema element: pk"),
        ({"KeyConditionExpression": "pk < :p"}, "Query key condition not supported"),
        ({"KeyConditionExpression": "pk = :p AND wrong = :v"}, "Query condition missed key schema element: sk"),
        ({"KeyConditionExpression": "pk = :p AND pk = :p2"}, "KeyConditionExpressions must only contain one condition per key"),
        ({"KeyConditionExpression": "pk = :p AND sk = sk2"}, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
        ({"KeyConditionExpression": "pk = :p AND a.b = :v"}, "KeyConditionExpressions cannot have conditions on nested attributes"),
        ({"KeyConditionExpression": "pk = :p AND size(sk) = :v"}, "KeyConditionExpressions cannot contain nested operations"),
        ({"KeyConditionExpression": "pk = :p", "FilterExpression": "sk > :v"},
         "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"),
        ({"KeyConditionExpression": "pk = :s"}, "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ({"KeyConditionExpression": "pk = :p", "Select": "COUNT", "ProjectionExpression": "sk"},
         "Cannot specify the ProjectionExpression when choosing to get only the Count"),
        ({"KeyConditionExpression": "pk = :p", "Select": "SPECIFIC_ATTRIBUTES"},
         "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"),
        ({"KeyConditionExpression": "pk = :p", "Limit": 0},
         "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        ({"KeyConditionExpression": "pk = :p", "ExclusiveStartKey": {"pk": S("zz"), "sk": N(1)}},
         "The provided starting key is outside query boundaries based on provided conditions"),
        ({"KeyConditionExpression": "pk = :p", "ExclusiveStartKey": {"pk": S("p")}}, "The provided starting key is invalid"),
        ({"KeyConditions": {"pk": {"ComparisonOperator": "NE", "AttributeValueList": [S("p")]}}},
         "Attempted conditional constraint is not an indexable operation"),
    ],
)
def test_query_validation(ddb, table, kwargs, message):
    values = {":p": S("p"), ":p2": S("p"), ":v": N(1), ":s": N(5)}
    used = {k: v for k, v in values.items() if any(k in str(x) for x in kwargs.values())}
    if used and any(k.endswith("Expression") for k in kwargs):
        kwargs = dict(kwargs, ExpressionAttributeValues=used)
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=table, **kwargs)
    assert error_of(e) == ("ValidationException", message)


def test_query_missing_table(ddb):
    with pytest.raises(ClientError) as e:
        ddb.query(TableName="no_table_q", KeyConditionExpression="a = :a", ExpressionAttributeValues={":a": S("x")})
    assert error_of(e) == ("ResourceNotFoundException", "Requested resource not found")


def test_long_sort_keys_query_in_order(ddb, make_table):
    t = make_table(hash_key=("pk", "S"), range_key=("sk", "S"))
    base = "m" * 600
    keys = [base + c for c in "dbfaec"] + ["a", "z", base[:471]]
    for k in keys:
        ddb.put_item(TableName=t, Item={"pk": S("p"), "sk": S(k)})
    out = ddb.query(TableName=t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p")})
    assert [i["sk"]["S"] for i in out["Items"]] == sorted(keys, key=lambda s: s.encode())
    out = ddb.query(TableName=t, KeyConditionExpression="pk = :p AND sk > :v", ExpressionAttributeValues={":p": S("p"), ":v": S(base + "b")},
                    ScanIndexForward=False, Limit=2)
    assert [i["sk"]["S"] for i in out["Items"]] == ["z", base + "f"]
    out = ddb.query(TableName=t, KeyConditionExpression="pk = :p AND sk > :v", ExpressionAttributeValues={":p": S("p"), ":v": S(base + "b")},
                    ScanIndexForward=False, ExclusiveStartKey=out["LastEvaluatedKey"])
    assert [i["sk"]["S"] for i in out["Items"]] == [base + c for c in "edc"]
