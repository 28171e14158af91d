"""ProjectionExpression on GetItem: top-level and nested paths, list indexes compacted in index order,
placeholders, missing paths skipped, and DynamoDB's errors for overlapping paths and reserved words."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_of

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731

ITEM = {
    "id": S("k"), "a": {"M": {"b": {"L": [N(0), N(1), {"M": {"y": S("why"), "z": S("zed")}}]}, "c": S("see")}},
    "top": S("t"), "name": S("reserved"),
}


@pytest.fixture
def table(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item=ITEM)
    return name


@pytest.mark.parametrize(
    "expr,names,expected",
    [
        ("top", None, {"top": S("t")}),
        ("a.c, top", None, {"a": {"M": {"c": S("see")}}, "top": S("t")}),
        ("a.b[2].y", None, {"a": {"M": {"b": {"L": [{"M": {"y": S("why")}}]}}}}),
        ("a.b[2], a.b[0]", None, {"a": {"M": {"b": {"L": [N(0), {"M": {"y": S("why"), "z": S("zed")}}]}}}}),
        ("a.b[9], nothing, a.c.d", None, {}),
        ("#n, id", {"#n": "name"}, {"name": S("reserved"), "id": S("k")}),
    ],
)
def test_projection_shapes(ddb, table, expr, names, expected):
    kwargs = {"ExpressionAttributeNames": names} if names else {}
    item = ddb.get_item(TableName=table, Key={"id": S("k")}, ProjectionExpression=expr, **kwargs)["Item"]
    assert item == expected


@pytest.mark.parametrize(
    "expr,message",
    [
        ("name", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"),
        ("a, a.b", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"),
        ("a.b, a[0]", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"),
        ("a,", 'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","'),
        ("#x", "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"),
    ],
)
def test_projection_errors(ddb, table, expr, message):
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=table, Key={"id": S("k")}, ProjectionExpression=expr)
    assert error_of(e) == ("ValidationException", message)
