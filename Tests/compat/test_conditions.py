"""ConditionExpression on PutItem, UpdateItem and DeleteItem: every operator and function, DynamoDB's
precedence, conditions on missing items, ConditionalCheckFailedException with ALL_OLD, and a
conditional put used as a lock admitting exactly one winner."""

import threading

import pytest
from botocore.exceptions import ClientError

from conftest import error_of, make_client

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731

ITEM = {
    "id": S("k"), "n": N(5), "s": S("hello"), "b": {"B": b"\x01\x02"}, "ss": {"SS": ["a", "b"]},
    "l": {"L": [N(1), S("two")]}, "m": {"M": {"x": {"M": {"y": S("deep")}}}}, "t": {"BOOL": True}, "z": {"NULL": True},
}


@pytest.fixture
def table(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item=ITEM)
    return name


CASES = [
    ("n = :v", {":v": N(5)}, True),
    ("n <> :v", {":v": N(5)}, False),
    ("gone <> :v", {":v": N(5)}, True),
    ("gone = :v", {":v": N(5)}, False),
    ("n < :v", {":v": N(6)}, True),
    ("n <= :v", {":v": N(5)}, True),
    ("n > :v", {":v": S("5")}, False),
    ("n >= :v", {":v": N(5)}, True),
    ("s > :v", {":v": S("hell")}, True),
    ("b < :v", {":v": {"B": b"\x01\x03"}}, True),
    ("n BETWEEN :a AND :b", {":a": N(1), ":b": N(5)}, True),
    ("s BETWEEN :a AND :b", {":a": S("a"), ":b": S("h")}, False),
    ("n IN (:a, :b, :c)", {":a": N(1), ":b": S("5"), ":c": N(5)}, True),
    ("s IN (:a)", {":a": S("nope")}, False),
    ("attribute_exists(m.x.y) AND attribute_not_exists(m.x.q)", None, True),
    ("attribute_exists(l[1]) AND attribute_not_exists(l[2])", None, True),
    ("attribute_type(ss, :t) AND attribute_type(z, :null)", {":t": S("SS"), ":null": S("NULL")}, True),
    ("attribute_type(n, :t)", {":t": S("S")}, False),
    ("begins_with(s, :p)", {":p": S("he")}, True),
    ("begins_with(b, :p)", {":p": {"B": b"\x01"}}, True),
    ("begins_with(n, :p)", {":p": S("5")}, False),
    ("contains(s, :v) AND contains(ss, :w) AND contains(l, :x)", {":v": S("ell"), ":w": S("a"), ":x": S("two")}, True),
    ("contains(ss, :v)", {":v": S("c")}, False),
    ("size(s) = :five AND size(l) = :two AND size(m) = :one AND size(ss) = :two", {":five": N(5), ":two": N(2), ":one": N(1)}, True),
    ("size(n) = :one", {":one": N(1)}, False),
    ("NOT n = :v", {":v": N(5)}, False),
    ("n = :a OR n = :b AND n = :c", {":a": N(5), ":b": N(1), ":c": N(2)}, True),
    ("(n = :a OR n = :b) AND n = :c", {":a": N(5), ":b": N(1), ":c": N(2)}, False),
    ("NOT n = :a AND t = :t", {":a": N(1), ":t": {"BOOL": True}}, True),
    ("m.x = :v", {":v": {"M": {"y": S("deep")}}}, True),
    ("ss = :v", {":v": {"SS": ["b", "a"]}}, True),
]


@pytest.mark.parametrize("expr,values,holds", CASES)
def test_condition_semantics_on_put(ddb, table, expr, values, holds):
    kwargs = {"ExpressionAttributeValues": values} if values else {}
    call = lambda: ddb.put_item(TableName=table, Item={**ITEM, "marker": S(expr)}, ConditionExpression=expr, **kwargs)  # noqa: E731
    if holds:
        call()
        assert ddb.get_item(TableName=table, Key={"id": S("k")})["Item"]["marker"] == S(expr)
    else:
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e) == ("ConditionalCheckFailedException", "The conditional request failed")


def test_conditions_on_a_missing_item(ddb, table):
    ddb.put_item(TableName=table, Item={"id": S("new")}, ConditionExpression="attribute_not_exists(id)")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"id": S("new")}, ConditionExpression="attribute_not_exists(id)")
    assert error_of(e)[0] == "ConditionalCheckFailedException"
    with pytest.raises(ClientError) as e:
        ddb.delete_item(TableName=table, Key={"id": S("ghost")}, ConditionExpression="attribute_exists(id)")
    assert error_of(e)[0] == "ConditionalCheckFailedException"
    assert "Item" not in e.value.response


def test_failed_condition_returns_old_item_when_asked_and_changes_nothing(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.delete_item(TableName=table, Key={"id": S("k")}, ConditionExpression="n = :v",
                        ExpressionAttributeValues={":v": N(0)}, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert e.value.response["Item"] == ITEM
    assert ddb.get_item(TableName=table, Key={"id": S("k")})["Item"]["n"] == N(5)
    with pytest.raises(ClientError) as e:
        ddb.delete_item(TableName=table, Key={"id": S("k")}, ConditionExpression="n = :v",
                        ExpressionAttributeValues={":v": N(0)}, ReturnValuesOnConditionCheckFailure="NONE")
    assert "Item" not in e.value.response
    ddb.delete_item(TableName=table, Key={"id": S("k")}, ConditionExpression="n = :v", ExpressionAttributeValues={":v": N(5)})
    assert "Item" not in ddb.get_item(TableName=table, Key={"id": S("k")})


@pytest.mark.parametrize(
    "expr,values,message",
    [
        ("attribute_exists(views, #a)", None, "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: views"),
        ("size(s)", None, "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"),
        ("attRIbute_exIsts(s)", None, "Invalid ConditionExpression: Invalid function name; function: attRIbute_exIsts"),
        ("begins_with(s, :a, :a)", {":a": S("x")},
         "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3"),
        ("s = s", None,
         "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [s]"),
        ("n BETWEEN :b AND :a", {":a": N(1), ":b": N(2)},
         "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"),
        ("((n = :a))", {":a": N(1)}, "Invalid ConditionExpression: The expression has redundant parentheses;"),
        ("foo", None, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"'),
        ("n = :a", {":a": N(1), ":b": N(2)}, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"),
    ],
)
def test_condition_validation(ddb, table, expr, values, message):
    kwargs = {"ExpressionAttributeValues": values} if values else {}
    if "#a" in expr:
        kwargs["ExpressionAttributeNames"] = {"#a": "a"}
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item=ITEM, ConditionExpression=expr, **kwargs)
    assert error_of(e) == ("ValidationException", message)


def test_placeholders_without_expressions(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item=ITEM, ExpressionAttributeNames={"#a": "a"})
    assert error_of(e) == ("ValidationException", "ExpressionAttributeNames can only be specified when using expressions")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item=ITEM, ExpressionAttributeValues={":a": N(1)})
    assert error_of(e) == ("ValidationException", "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null")
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key={"id": S("k")}, ExpressionAttributeValues={":a": N(1)})
    assert error_of(e) == (
        "ValidationException",
        "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null",
    )


def test_conditional_put_lock_has_exactly_one_winner(endpoint, make_table):
    table = make_table()
    winners, losers, errors = [], [], []
    barrier = threading.Barrier(16)

    def contender(i):
        client = make_client(endpoint)
        barrier.wait()
        try:
            client.put_item(TableName=table, Item={"id": S("lock"), "owner": N(i)}, ConditionExpression="attribute_not_exists(id)")
            winners.append(i)
        except ClientError as e:
            (losers if e.response["Error"]["Code"] == "ConditionalCheckFailedException" else errors).append(i)

    threads = [threading.Thread(target=contender, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(winners) == 1 and len(losers) == 15
    owner = make_client(endpoint).get_item(TableName=table, Key={"id": S("lock")})["Item"]["owner"]
    assert owner == N(winners[0])
