"""The pre-expression parameters the PHP and Ruby SDK session handlers and Java's DynamoDBMapper still
send on every request: AttributeUpdates (PUT — also with Action omitted —, ADD, DELETE with and
without a value) and Expected (Exists, Value, ComparisonOperator forms, ConditionalOperator), with
DynamoDB's validation messages and the rule against mixing them with expressions."""

import time

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


@pytest.fixture
def table(make_table):
    return make_table()


def get(ddb, table, key="k"):
    return ddb.get_item(TableName=table, Key={"id": S(key)}, ConsistentRead=True).get("Item")


def test_php_session_handler_locking_read_write_and_destroy(ddb, table):
    """The request sequence of the PHP SDK's SessionHandler with locking enabled."""
    sid = "PHPSESSID_abc123"
    # Locking read: take the lock only if nobody holds it, get the whole item back.
    out = ddb.update_item(
        TableName=table, Key={"id": S(sid)},
        AttributeUpdates={"lock": {"Value": {"BOOL": True}}},
        Expected={"lock": {"Exists": False}},
        ReturnValues="ALL_NEW",
    )
    assert out["Attributes"] == {"id": S(sid), "lock": {"BOOL": True}}
    # A second reader waits: the lock is held.
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key={"id": S(sid)}, AttributeUpdates={"lock": {"Value": {"BOOL": True}}},
                        Expected={"lock": {"Exists": False}}, ReturnValues="ALL_NEW")
    assert error_of(e) == ("ConditionalCheckFailedException", "The conditional request failed")
    # Write: data and expiry, release the lock (DELETE without a value).
    expires = int(time.time()) + 1440
    ddb.update_item(
        TableName=table, Key={"id": S(sid)},
        AttributeUpdates={
            "expires": {"Value": N(expires), "Action": "PUT"},
            "data": {"Value": S("a|s:1:\"b\";"), "Action": "PUT"},
            "lock": {"Action": "DELETE"},
        },
    )
    assert get(ddb, table, sid) == {"id": S(sid), "expires": N(expires), "data": S("a|s:1:\"b\";")}
    ddb.delete_item(TableName=table, Key={"id": S(sid)})
    assert get(ddb, table, sid) is None


def test_ruby_session_store_conditional_write(ddb, table):
    """The Ruby store guards writes with a Value/Exists expectation and writes with PUT."""
    ddb.put_item(TableName=table, Item={"id": S("r1"), "data": S("old"), "updated_at": N(1)})
    ddb.update_item(
        TableName=table, Key={"id": S("r1")},
        AttributeUpdates={"data": {"Value": S("new"), "Action": "PUT"}, "updated_at": {"Value": N(2), "Action": "PUT"}},
        Expected={"updated_at": {"Value": N(1), "Exists": True}},
    )
    assert get(ddb, table, "r1")["data"] == S("new")
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key={"id": S("r1")}, AttributeUpdates={"data": {"Value": S("stale")}},
                        Expected={"updated_at": {"Value": N(1)}})
    assert error_of(e)[0] == "ConditionalCheckFailedException"


def test_tomcat_mapper_binary_values_and_empty_expected(ddb, table):
    """DynamoDBMapper: AttributeUpdates with B values and `Expected: {}`."""
    blob = bytes(range(256)) * 4
    ddb.update_item(
        TableName=table, Key={"id": S("tomcat")},
        AttributeUpdates={"sessionData": {"Action": "PUT", "Value": {"B": blob}}, "lastAccessedTime": {"Action": "PUT", "Value": N(1700000000000)}},
        Expected={},
    )
    item = get(ddb, table, "tomcat")
    assert item["sessionData"] == {"B": blob} and item["lastAccessedTime"] == N(1700000000000)


def test_add_and_delete_actions(ddb, table):
    ddb.update_item(TableName=table, Key={"id": S("k")}, AttributeUpdates={
        "n": {"Action": "ADD", "Value": N(3)}, "ss": {"Action": "ADD", "Value": {"SS": ["a"]}},
        "l": {"Action": "ADD", "Value": {"L": [S("x")]}}, "gone": {"Action": "DELETE"},
    })
    ddb.update_item(TableName=table, Key={"id": S("k")}, AttributeUpdates={
        "n": {"Action": "ADD", "Value": N(-1)}, "ss": {"Action": "ADD", "Value": {"SS": ["b", "a"]}},
        "l": {"Action": "ADD", "Value": {"L": [S("x")]}},
    })
    item = get(ddb, table)
    assert item["n"] == N(2) and sorted(item["ss"]["SS"]) == ["a", "b"]
    assert item["l"] == {"L": [S("x"), S("x")]}
    ddb.update_item(TableName=table, Key={"id": S("k")}, AttributeUpdates={"ss": {"Action": "DELETE", "Value": {"SS": ["a", "b"]}}})
    assert "ss" not in get(ddb, table)
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key={"id": S("k")}, AttributeUpdates={"n": {"Action": "ADD", "Value": {"SS": ["a"]}}})
    assert error_of(e) == ("ValidationException", "Type mismatch for attribute to update")


def test_only_deletes_on_a_missing_item_create_nothing(ddb, table):
    ddb.update_item(TableName=table, Key={"id": S("ghost")}, AttributeUpdates={"lock": {"Action": "DELETE"}})
    assert get(ddb, table, "ghost") is None
    ddb.update_item(TableName=table, Key={"id": S("bare")})
    assert get(ddb, table, "bare") == {"id": S("bare")}


def test_updated_values_of_legacy_updates(ddb, table):
    ddb.put_item(TableName=table, Item={"id": S("k"), "a": N(1), "b": N(2)})
    out = ddb.update_item(TableName=table, Key={"id": S("k")}, AttributeUpdates={"a": {"Value": N(1)}}, ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"a": N(1)}


@pytest.mark.parametrize(
    "expected,op,holds",
    [
        ({"a": {"Exists": False}}, None, False),
        ({"zz": {"Exists": False}}, None, True),
        ({"a": {"Value": N(1), "Exists": True}}, None, True),
        ({"a": {"Value": N(1)}}, None, True),
        ({"a": {"ComparisonOperator": "GT", "AttributeValueList": [N(0)]}, "s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("he")]}}, "AND", True),
        ({"a": {"ComparisonOperator": "GT", "AttributeValueList": [N(5)]}, "s": {"ComparisonOperator": "EQ", "AttributeValueList": [S("hello")]}}, "OR", True),
        ({"a": {"ComparisonOperator": "GT", "AttributeValueList": [N(5)]}, "s": {"ComparisonOperator": "EQ", "AttributeValueList": [S("hello")]}}, "AND", False),
        ({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(0), N(1)]}}, None, True),
        ({"a": {"ComparisonOperator": "IN", "AttributeValueList": [N(3), N(1)]}}, None, True),
        ({"zz": {"ComparisonOperator": "NULL"}}, None, True),
        ({"a": {"ComparisonOperator": "NOT_NULL"}}, None, True),
        ({"s": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("ell")]}}, None, True),
        ({"s": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [S("ell")]}}, None, False),
        ({"zz": {"ComparisonOperator": "NE", "AttributeValueList": [N(1)]}}, None, True),
        ({"s": {"ComparisonOperator": "LT", "AttributeValueList": [N(1)]}}, None, False),
    ],
)
def test_expected_forms(ddb, table, expected, op, holds):
    ddb.put_item(TableName=table, Item={"id": S("k"), "a": N(1), "s": S("hello")})
    kwargs = {"ConditionalOperator": op} if op else {}
    call = lambda: ddb.put_item(TableName=table, Item={"id": S("k"), "a": N(1), "s": S("hello"), "w": N(1)}, Expected=expected, **kwargs)  # noqa: E731
    if holds:
        call()
        assert get(ddb, table)["w"] == N(1)
    else:
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e)[0] == "ConditionalCheckFailedException"


P = "One or more parameter values were invalid: "


@pytest.mark.parametrize(
    "expected,message",
    [
        ({"a": {"Exists": True}}, P + "Value must be provided when Exists is true for Attribute: a"),
        ({"a": {}}, P + "Value must be provided when Exists is null for Attribute: a"),
        ({"a": {"Exists": False, "Value": N(1)}}, P + "Value cannot be used when Exists is false for Attribute: a"),
        ({"a": {"Exists": True, "ComparisonOperator": "EQ"}}, P + "Exists and ComparisonOperator cannot be used together for Attribute: a"),
        ({"a": {"Value": N(1), "AttributeValueList": [N(1)], "ComparisonOperator": "EQ"}}, P + "Value and AttributeValueList cannot be used together for Attribute: a"),
        ({"a": {"AttributeValueList": [N(1)]}}, P + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
        ({"a": {"ComparisonOperator": "LT"}}, P + "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"),
        ({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(1)]}}, P + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
        ({"a": {"ComparisonOperator": "NULL", "AttributeValueList": [N(1)]}}, P + "Invalid number of argument(s) for the NULL ComparisonOperator"),
        ({"a": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"SS": ["x"]}]}}, P + "ComparisonOperator CONTAINS is not valid for SS AttributeValue type"),
        ({"a": {"ComparisonOperator": "IN", "AttributeValueList": [N(1), S("x")]}}, P + "AttributeValues inside AttributeValueList must be of same type"),
        ({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(2), N(1)]}}, "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"),
        ({"a": {"ComparisonOperator": "LIKE", "AttributeValueList": [N(1)]}},
         "1 validation error detected: Value 'LIKE' at 'expected.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"),
    ],
)
def test_expected_validation(ddb, table, expected, message):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": S("k")}, Expected=expected)
    assert error_of(e) == ("ValidationException", message)


@pytest.mark.parametrize(
    "updates,message",
    [
        ({"a": {"Action": "PUT"}}, P + "Only DELETE action is allowed when no attribute value is specified"),
        ({"a": {}}, P + "Only DELETE action is allowed when no attribute value is specified"),
        ({"a": {"Action": "ADD", "Value": S("x")}}, P + "ADD action is not supported for the type S"),
        ({"a": {"Action": "DELETE", "Value": N(1)}}, P + "DELETE action with value is not supported for the type N"),
        ({"id": {"Action": "PUT", "Value": S("x")}}, P + "Cannot update attribute id. This attribute is part of the key"),
    ],
)
def test_attribute_updates_validation(ddb, table, updates, message):
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key={"id": S("k")}, AttributeUpdates=updates)
    assert error_of(e) == ("ValidationException", message)


def test_mixing_legacy_and_expression_parameters(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key={"id": S("k")}, AttributeUpdates={"a": {"Value": N(1)}}, Expected={"a": {"Exists": False}},
                        UpdateExpression="SET b = :v", ConditionExpression="attribute_exists(b)", ExpressionAttributeValues={":v": N(1)})
    assert error_of(e) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} "
        "Expression parameters: {UpdateExpression, ConditionExpression}",
    )
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=table, Key={"id": S("k")}, AttributesToGet=["a"], ProjectionExpression="a")
    assert error_of(e) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} "
        "Expression parameters: {ProjectionExpression}",
    )
