"""Query and Scan with IndexName: key conditions on the index's keys, order, paging with the table's
and the index's key in LastEvaluatedKey, Select and projection rules, filters, consistency."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_of
from indexes import create_indexed_table, full_query, full_scan, gsi, lsi, n, s

INVALID = "One or more parameter values were invalid: "


@pytest.fixture(scope="module")
def table(ddb):
    """30 items in partitions P0..P2; GSI byX (x S, y N; ALL), GSI keysX (x; KEYS_ONLY), GSI inclX (x;
    INCLUDE a), LSI byY (p, y; KEYS_ONLY). x cycles over X0..X4, y runs down so index order differs."""
    name = create_indexed_table(
        ddb, {"p": "S", "c": "S", "x": "S", "y": "N"}, ("p", "c"),
        gsis=[gsi("byX", "x", "y"), gsi("keysX", "x", projection="KEYS_ONLY"), gsi("inclX", "x", projection="INCLUDE", include=["a"])],
        lsis=[lsi("byY", "p", "y", projection="KEYS_ONLY")],
    )
    for i in range(30):
        ddb.put_item(
            TableName=name,
            Item={"p": s(f"P{i % 3}"), "c": s(f"c{i:02}"), "x": s(f"X{i % 5}"), "y": n(100 - i), "a": s(f"a{i}"), "big": s("b" * 50)},
        )
    yield name
    ddb.delete_table(TableName=name)


def query_x(ddb, table, value, **kwargs):
    kwargs.setdefault("KeyConditionExpression", "x = :x")
    values = {":x": s(value), **kwargs.pop("values", {})}
    return ddb.query(TableName=table, IndexName="byX", ExpressionAttributeValues=values, **kwargs)


def test_query_orders_by_the_index_sort_key_both_ways(ddb, table):
    items = query_x(ddb, table, "X1")["Items"]
    assert [int(i["y"]["N"]) for i in items] == sorted(100 - i for i in range(30) if i % 5 == 1)
    assert len(items) == 6 and set(items[0]) == {"p", "c", "x", "y", "a", "big"}
    backwards = query_x(ddb, table, "X1", ScanIndexForward=False)["Items"]
    assert backwards == list(reversed(items))
    ranged = query_x(ddb, table, "X1", KeyConditionExpression="x = :x AND y BETWEEN :lo AND :hi", values={":lo": n(80), ":hi": n(90)})["Items"]
    assert [int(i["y"]["N"]) for i in ranged] == [84, 89]


def test_lsi_query_orders_by_the_local_sort_key(ddb, table):
    items = full_query(ddb, TableName=table, IndexName="byY", KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": s("P0")}, ConsistentRead=True)
    assert [int(i["y"]["N"]) for i in items] == sorted(100 - i for i in range(0, 30, 3))
    assert set(items[0]) == {"p", "c", "y"}


def test_paging_through_an_index_returns_every_item_once_with_index_keys(ddb, table):
    page = query_x(ddb, table, "X2", Limit=2)
    assert set(page["LastEvaluatedKey"]) == {"p", "c", "x", "y"}
    assert page["LastEvaluatedKey"] == {k: page["Items"][-1][k] for k in ("p", "c", "x", "y")}
    items = full_query(ddb, TableName=table, IndexName="byX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X2")}, Limit=2)
    assert len(items) == 6 and len({i["c"]["S"] for i in items}) == 6
    scanned = full_scan(ddb, TableName=table, IndexName="keysX", Limit=7)
    assert len(scanned) == 30 and len({i["c"]["S"] for i in scanned}) == 30
    lek = ddb.scan(TableName=table, IndexName="keysX", Limit=1)["LastEvaluatedKey"]
    assert set(lek) == {"p", "c", "x"}


def test_items_with_equal_index_keys_page_stably(ddb, table):
    # keysX has no sort key: six items share each x.
    one_by_one = full_query(ddb, TableName=table, IndexName="keysX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X3")}, Limit=1)
    whole = full_query(ddb, TableName=table, IndexName="keysX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X3")})
    assert one_by_one == whole and len(whole) == 6


def test_exclusive_start_key_must_hold_the_index_keys(ddb, table):
    with pytest.raises(ClientError) as e:
        query_x(ddb, table, "X1", ExclusiveStartKey={"p": s("P0"), "c": s("c01")})
    code, message = error_of(e)
    assert code == "ValidationException" and message.startswith("The provided starting key is invalid")


def test_parallel_scan_of_an_index_covers_it_once(ddb, table):
    seen = []
    for segment in range(3):
        seen += full_scan(ddb, TableName=table, IndexName="byX", Segment=segment, TotalSegments=3, Limit=4)
    assert sorted(i["c"]["S"] for i in seen) == sorted(f"c{i:02}" for i in range(30))


def test_key_conditions_use_the_index_schema(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=table, IndexName="byX", KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": s("P0")})
    assert error_of(e) == ("ValidationException", "Query condition missed key schema element: x")
    legacy = ddb.query(TableName=table, IndexName="keysX", KeyConditions={"x": {"AttributeValueList": [s("X0")], "ComparisonOperator": "EQ"}})
    assert legacy["Count"] == 6


def test_missing_table_and_missing_index(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.query(TableName="no_such_table", IndexName="byX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X")})
    assert error_of(e)[0] == "ResourceNotFoundException"
    for call in (ddb.query, ddb.scan):
        kwargs = dict(KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X")}) if call == ddb.query else {}
        with pytest.raises(ClientError) as e:
            call(TableName=table, IndexName="wrong_name", **kwargs)
        assert error_of(e) == ("ValidationException", "The table does not have the specified index: wrong_name")
    with pytest.raises(ClientError) as e:
        ddb.scan(TableName=table, IndexName="a;")
    assert "Value 'a;' at 'indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+" in error_of(e)[1]


def test_consistent_reads_are_refused_on_a_gsi_and_served_on_an_lsi(ddb, table):
    for call, kwargs in ((ddb.query, dict(KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X1")})), (ddb.scan, {})):
        with pytest.raises(ClientError) as e:
            call(TableName=table, IndexName="byX", ConsistentRead=True, **kwargs)
        assert error_of(e) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")
    assert ddb.scan(TableName=table, IndexName="byY", ConsistentRead=True)["Count"] == 30


def test_select_defaults_to_projected_attributes(ddb, table):
    [item] = ddb.query(TableName=table, IndexName="inclX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X0")}, Limit=1)["Items"]
    assert set(item) == {"p", "c", "x", "a"}
    [item] = ddb.query(TableName=table, IndexName="keysX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X0")}, Limit=1, Select="ALL_PROJECTED_ATTRIBUTES")["Items"]
    assert set(item) == {"p", "c", "x"}
    assert "Items" not in ddb.scan(TableName=table, IndexName="keysX", Select="COUNT")


def test_all_attributes_refused_on_a_gsi_without_all_and_fetched_on_an_lsi(ddb, table):
    for call, kwargs in ((ddb.query, dict(KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X1")})), (ddb.scan, {})):
        with pytest.raises(ClientError) as e:
            call(TableName=table, IndexName="keysX", Select="ALL_ATTRIBUTES", **kwargs)
        assert error_of(e) == (
            "ValidationException",
            INVALID + "Select type ALL_ATTRIBUTES is not supported for global secondary index keysX because its projection type is not ALL",
        )
    assert set(query_x(ddb, table, "X1", Select="ALL_ATTRIBUTES")["Items"][0]) == {"p", "c", "x", "y", "a", "big"}
    items = ddb.query(TableName=table, IndexName="byY", KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": s("P1")}, Select="ALL_ATTRIBUTES")["Items"]
    assert len(items) == 10 and set(items[0]) == {"p", "c", "x", "y", "a", "big"}
    # A projection naming an attribute the LSI lacks fetches it from the table, and only it comes back.
    items = ddb.query(TableName=table, IndexName="byY", KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": s("P1")}, ProjectionExpression="a")["Items"]
    assert items[0] == {"a": s("a28")}


def test_all_projected_attributes_needs_an_index(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=table, KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": s("P1")}, Select="ALL_PROJECTED_ATTRIBUTES")
    code, message = error_of(e)
    # Sources differ on whether Query's text carries "1 validation error detected: " in front.
    assert code == "ValidationException" and message.endswith("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    with pytest.raises(ClientError) as e:
        ddb.scan(TableName=table, Select="ALL_PROJECTED_ATTRIBUTES")
    assert error_of(e) == ("ValidationException", "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")


def test_filters_may_not_name_index_keys_or_unprojected_attributes(ddb, table):
    with pytest.raises(ClientError) as e:
        query_x(ddb, table, "X1", FilterExpression="y > :y", values={":y": n(0)})
    assert error_of(e) == ("ValidationException", "Filter Expression can only contain non-primary key attributes: Primary key attribute: y")
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=table, IndexName="inclX", KeyConditionExpression="x = :x", FilterExpression="big = :b", ExpressionAttributeValues={":x": s("X1"), ":b": s("b")})
    assert error_of(e) == ("ValidationException", INVALID + "Secondary index inclX does not project one or more filter attributes: [big]")
    # The table's key is projected in every index, and filtering on it is allowed.
    items = ddb.query(TableName=table, IndexName="inclX", KeyConditionExpression="x = :x", FilterExpression="p = :p", ExpressionAttributeValues={":x": s("X1"), ":p": s("P0")})["Items"]
    assert {i["p"]["S"] for i in items} == {"P0"} and len(items) == 2
    # A filter over attributes the projection does not return.
    items = ddb.query(TableName=table, IndexName="inclX", KeyConditionExpression="x = :x", FilterExpression="a = :a", ProjectionExpression="c", ExpressionAttributeValues={":x": s("X1"), ":a": s("a6")})["Items"]
    assert items == [{"c": s("c06")}]


def test_pages_stop_at_one_megabyte_of_index_entries(ddb):
    name = create_indexed_table(ddb, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x", projection="KEYS_ONLY"), gsi("allX", "x")])
    try:
        big = "v" * 100_000
        for i in range(25):
            ddb.put_item(TableName=name, Item={"p": s(f"{i:02}"), "x": s("same"), "big": s(big)})
        all_page = ddb.query(TableName=name, IndexName="allX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("same")})
        assert 9 <= all_page["Count"] <= 11 and "LastEvaluatedKey" in all_page
        keys_page = ddb.query(TableName=name, IndexName="byX", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("same")})
        assert keys_page["Count"] == 25 and "LastEvaluatedKey" not in keys_page
    finally:
        ddb.delete_table(TableName=name)


def test_the_resource_api_queries_an_index(endpoint, ddb, table):
    import boto3
    from boto3.dynamodb.conditions import Key

    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    items = resource.Table(table).query(IndexName="byX", KeyConditionExpression=Key("x").eq("X4") & Key("y").gt(80))["Items"]
    assert [int(i["y"]) for i in items] == [81, 86, 91, 96]


def test_long_index_sort_values_keep_their_order_across_pages(ddb):
    name = create_indexed_table(ddb, {"p": "S", "x": "S", "y": "S"}, ("p", None), gsis=[gsi("byXY", "x", "y", projection="KEYS_ONLY")])
    try:
        head = "h" * 600
        values = [head + t for t in ("e", "a", "d", "b", "c")] + ["h" * 10, "i", head[:-1], head + "a" + "\u0000"]
        for i, value in enumerate(values):
            ddb.put_item(TableName=name, Item={"p": s(str(i)), "x": s("X"), "y": s(value)})
        expected = sorted(values, key=lambda v: v.encode())
        for forward in (True, False):
            items = full_query(ddb, TableName=name, IndexName="byXY", KeyConditionExpression="x = :x", ExpressionAttributeValues={":x": s("X")}, Limit=2, ScanIndexForward=forward)
            assert [i["y"]["S"] for i in items] == (expected if forward else expected[::-1])
        after = ddb.query(TableName=name, IndexName="byXY", KeyConditionExpression="x = :x AND y > :y", ExpressionAttributeValues={":x": s("X"), ":y": s(head + "b")})
        assert [i["y"]["S"] for i in after["Items"]] == [head + "c", head + "d", head + "e", "i"]
    finally:
        ddb.delete_table(TableName=name)
