"""UpdateItem with UpdateExpression: every clause and function, nested paths, upserts, ReturnValues in
all five modes, DynamoDB's validation messages, and atomic read-modify-write under concurrency."""

import threading

import pytest
from botocore.exceptions import ClientError

from conftest import error_of, make_client

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


@pytest.fixture
def table(make_table):
    return make_table()


def update(ddb, table, expr, values=None, names=None, key="k", **kw):
    args = dict(TableName=table, Key={"id": S(key)}, UpdateExpression=expr, **kw)
    if values:
        args["ExpressionAttributeValues"] = values
    if names:
        args["ExpressionAttributeNames"] = names
    return ddb.update_item(**args)


def get(ddb, table, key="k"):
    return ddb.get_item(TableName=table, Key={"id": S(key)}, ConsistentRead=True).get("Item")


def test_set_creates_the_item(ddb, table):
    out = update(ddb, table, "SET a = :a, b = :b", {":a": S("x"), ":b": N(2)}, ReturnValues="ALL_NEW")
    assert out["Attributes"] == {"id": S("k"), "a": S("x"), "b": N(2)}
    assert get(ddb, table) == out["Attributes"]


def test_arithmetic_if_not_exists_and_list_append(ddb, table):
    update(ddb, table, "SET c = if_not_exists(c, :zero) + :one, l = list_append(if_not_exists(l, :empty), :x)",
           {":zero": N(0), ":one": N(1), ":empty": {"L": []}, ":x": {"L": [S("a")]}})
    update(ddb, table, "SET c = c + :one, l = list_append(:y, l), d = c - :ten",
           {":one": N(1), ":y": {"L": [S("z")]}, ":ten": N(10)})
    item = get(ddb, table)
    assert item["c"] == N(2) and item["d"] == N(-9)
    assert item["l"] == {"L": [S("z"), S("a")]}


def test_38_digit_arithmetic_and_overflow(ddb, table):
    update(ddb, table, "SET v = :a", {":a": N("12345678901234567890123456789012345678")})
    update(ddb, table, "ADD v :one", {":one": N(1)})
    assert get(ddb, table)["v"] == N("12345678901234567890123456789012345679")
    update(ddb, table, "SET big = :a", {":a": N("9.9999999999999999999999999999999999999E+125")})
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET big = big + big")
    assert error_of(e) == ("ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range")


def test_remove_nested_and_list_elements(ddb, table):
    update(ddb, table, "SET m = :m, l = :l, t = :t",
           {":m": {"M": {"a": N(1), "b": N(2)}}, ":l": {"L": [N(i) for i in range(2, 8)]}, ":t": S("x")})
    update(ddb, table, "REMOVE m.a, l[1], l[3], t, nothing_here")
    item = get(ddb, table)
    assert item["m"] == {"M": {"b": N(2)}}
    assert item["l"] == {"L": [N(2), N(4), N(6), N(7)]}
    assert "t" not in item


def test_list_index_semantics_match_dynamodb(ddb, table):
    update(ddb, table, "SET a = :l", {":l": {"L": [N(i) for i in (2, 3, 4, 5, 6, 7)]}})
    update(ddb, table, "REMOVE a[1] SET a[3] = :v", {":v": N(17)})
    assert get(ddb, table)["a"] == {"L": [N(2), N(4), N(17), N(6), N(7)]}
    update(ddb, table, "SET a[84] = :a1, a[37] = :a2, a[17] = :a3", {":a1": S("a1"), ":a2": S("a2"), ":a3": S("a3")})
    assert get(ddb, table)["a"]["L"][-3:] == [S("a3"), S("a2"), S("a1")]


def test_add_and_delete(ddb, table):
    update(ddb, table, "ADD n :five, tags :ab", {":five": N(5), ":ab": {"SS": ["a", "b"]}})
    update(ddb, table, "ADD n :minus, tags :bc DELETE nums :x", {":minus": N(-2), ":bc": {"SS": ["b", "c"]}, ":x": {"NS": ["1"]}})
    item = get(ddb, table)
    assert item["n"] == N(3)
    assert sorted(item["tags"]["SS"]) == ["a", "b", "c"]
    update(ddb, table, "DELETE tags :ac", {":ac": {"SS": ["a", "c", "zz"]}})
    assert get(ddb, table)["tags"] == {"SS": ["b"]}
    update(ddb, table, "DELETE tags :b", {":b": {"SS": ["b"]}})
    assert "tags" not in get(ddb, table)
    with pytest.raises(ClientError) as e:
        update(ddb, table, "ADD n :s", {":s": {"SS": ["x"]}})
    assert error_of(e) == ("ValidationException", "An operand in the update expression has an incorrect data type")


def test_nested_paths_with_placeholders(ddb, table):
    update(ddb, table, "SET sess = :m", {":m": {"M": {"up": {"M": {}}, "list": {"L": [{"M": {"c": N(1)}}]}}}})
    update(ddb, table, "SET sess.#up.#when = :t, sess.#list[0].c = :two, #dotted = :d",
           {":t": N(99), ":two": N(2), ":d": S("literal")}, {"#up": "up", "#when": "when", "#list": "list", "#dotted": "a.b"})
    item = get(ddb, table)
    assert item["sess"]["M"]["up"] == {"M": {"when": N(99)}}
    assert item["sess"]["M"]["list"] == {"L": [{"M": {"c": N(2)}}]}
    assert item["a.b"] == S("literal")


def test_keywords_in_any_case_and_spaces_before_parentheses(ddb, table):
    update(ddb, table, "set expires = :e", {":e": N(1700000000)})
    update(ddb, table, "SET #2 = list_append (if_not_exists (#2, :empty), :2)", {":2": {"L": [N(1)]}, ":empty": {"L": []}}, {"#2": "hist"})
    assert get(ddb, table)["hist"] == {"L": [N(1)]}
    assert get(ddb, table)["expires"] == N(1700000000)


def test_only_removals_on_a_missing_item_create_nothing(ddb, table):
    update(ddb, table, "REMOVE a, b.c", key="ghost")
    assert get(ddb, table, "ghost") is None
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET a.b = :v", {":v": N(1)}, key="ghost")
    assert error_of(e) == ("ValidationException", "The document path provided in the update expression is invalid for update")


@pytest.mark.parametrize(
    "expr,values,names,message",
    [
        ("SET a = b", None, None, "The provided expression refers to an attribute that does not exist in the item"),
        ("SET s = s + :one", {":one": N(1)}, None, "An operand in the update expression has an incorrect data type"),
        ("SET s[0] = :one", {":one": N(1)}, None, "The document path provided in the update expression is invalid for update"),
        ("SET id = :one", {":one": N(1)}, None, "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key"),
        ("SET #k.x = :one", {":one": N(1)}, {"#k": "id"}, "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key"),
        ("SET status = :one", {":one": N(1)}, None, "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"),
        ("SET a = :one SET b = :one", {":one": N(1)}, None, 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'),
        ("SET a = :one", {":one": N(1), ":two": N(2)}, None, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:two}"),
        ("SET a = :one", {":one": N(1)}, {"#x": "x"}, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}"),
        ("SET a = :nope", {":one": N(1)}, None, "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope"),
        ("SET #nope = :one", {":one": N(1)}, None, "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #nope"),
        ("SET a = :one, a.b = :one", {":one": N(1)}, None,
         "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"),
        ("ADD s :str", {":str": S("x")}, None,
         "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"),
        ("SET a = a + :str", {":str": S("x")}, None,
         "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"),
        ("SET a = 3", None, None, 'Invalid UpdateExpression: Syntax error; token: "3", near: "= 3"'),
        ("", None, None, "Invalid UpdateExpression: The expression can not be empty;"),
        ("SET a = :one", {":one": {"SS": []}}, None,
         "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :one"),
        ("SET a = :one", {"one": N(1)}, None, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "one"'),
    ],
)
def test_update_validation(ddb, table, expr, values, names, message):
    update(ddb, table, "SET s = :s", {":s": S("text")})
    with pytest.raises(ClientError) as e:
        update(ddb, table, expr, values, names)
    assert error_of(e) == ("ValidationException", message)


def test_expression_too_long(ddb, table):
    expr = "SET " + ", ".join(f"a{i} = :v" for i in range(600))
    with pytest.raises(ClientError) as e:
        update(ddb, table, expr, {":v": N(1)})
    assert error_of(e)[1].startswith("Invalid UpdateExpression: Expression size has exceeded the maximum allowed size")


def test_return_values_all_modes(ddb, table):
    update(ddb, table, "SET a = :a, m = :m, keep = :k", {":a": N(1), ":m": {"M": {"b": N(1), "c": {"L": [N(0), N(1)]}}}, ":k": S("k")})
    assert "Attributes" not in update(ddb, table, "SET a = :a", {":a": N(2)}, ReturnValues="NONE")
    old = update(ddb, table, "SET a = :a", {":a": N(3)}, ReturnValues="ALL_OLD")["Attributes"]
    assert old["a"] == N(2) and old["id"] == S("k") and old["keep"] == S("k")
    new = update(ddb, table, "SET a = :a", {":a": N(4)}, ReturnValues="ALL_NEW")["Attributes"]
    assert new["a"] == N(4) and new["id"] == S("k")
    # Only the updated parts, never the key, even when the value did not change.
    out = update(ddb, table, "SET a = :a, m.b = :b, m.c[1] = :c", {":a": N(4), ":b": N(9), ":c": N(8)}, ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"a": N(4), "m": {"M": {"b": N(9), "c": {"L": [N(8)]}}}}
    out = update(ddb, table, "SET a = :a REMOVE keep", {":a": N(5)}, ReturnValues="UPDATED_OLD")
    assert out["Attributes"] == {"a": N(4), "keep": S("k")}
    out = update(ddb, table, "SET fresh = :a", {":a": N(5)}, ReturnValues="UPDATED_OLD")
    assert "Attributes" not in out
    out = update(ddb, table, "SET expires = :e", {":e": N(123)}, ReturnValues="UPDATED_NEW", key="brand-new")
    assert out["Attributes"] == {"expires": N(123)}


def test_conditional_update(ddb, table):
    update(ddb, table, "SET v = :one", {":one": N(1)})
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET v = :two", {":two": N(2), ":one": N(1)}, ConditionExpression="v > :one",
               ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert error_of(e) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert e.value.response["Item"] == {"id": S("k"), "v": N(1)}
    assert get(ddb, table)["v"] == N(1)
    update(ddb, table, "SET v = :two", {":two": N(2), ":one": N(1)}, ConditionExpression="v = :one")
    assert get(ddb, table)["v"] == N(2)


def test_concurrent_add_loses_nothing(endpoint, table):
    ddb = make_client(endpoint)
    ddb.put_item(TableName=table, Item={"id": S("counter"), "n": N(0)})
    errors = []

    def worker():
        client = make_client(endpoint)
        try:
            for _ in range(500):
                client.update_item(TableName=table, Key={"id": S("counter")}, UpdateExpression="ADD n :one",
                                   ExpressionAttributeValues={":one": N(1)})
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert get(ddb, table, "counter")["n"] == N(4000)
