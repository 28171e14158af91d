"""PartiQL through boto3's execute_statement, batch_execute_statement and execute_transaction:
every statement form, its errors, paging — and the same reads and writes done through the classic
API on the same data agree."""

import pytest

from conftest import error_of


@pytest.fixture
def orders(ddb, make_table):
    name = make_table(hash_key=("pk", "S"), range_key=("sk", "N"))
    for i in range(1, 6):
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": str(i)}, "qty": {"N": str(i * 10)},
                                          "tags": {"SS": ["x", f"t{i}"]}, "info": {"M": {"color": {"S": "red" if i % 2 else "blue"}}}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}, "sk": {"N": "1"}, "qty": {"N": "7"}})
    return name


def rows(answer):
    return sorted(answer["Items"], key=lambda item: (item["pk"]["S"], int(item["sk"]["N"])))


def test_select_by_key_query_and_scan_agree_with_the_classic_api(ddb, orders):
    one = ddb.execute_statement(Statement=f'SELECT * FROM "{orders}" WHERE pk = ? AND sk = ?', Parameters=[{"S": "a"}, {"N": "2"}])
    assert one["Items"] == [ddb.get_item(TableName=orders, Key={"pk": {"S": "a"}, "sk": {"N": "2"}})["Item"]]
    part = ddb.execute_statement(Statement=f"SELECT * FROM \"{orders}\" WHERE \"pk\" = 'a' AND sk BETWEEN 2 AND 4")
    classic = ddb.query(TableName=orders, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
                        ExpressionAttributeValues={":p": {"S": "a"}, ":a": {"N": "2"}, ":b": {"N": "4"}})
    assert part["Items"] == classic["Items"]
    scanned = ddb.execute_statement(Statement=f'select * from "{orders}" where qty >= 20 and info.color = \'red\'')
    assert [int(i["sk"]["N"]) for i in rows(scanned)] == [3, 5]
    assert ddb.execute_statement(Statement=f"SELECT * FROM \"{orders}\" WHERE pk = 'b' AND sk = 1;")["Items"]  # a trailing semicolon
    missing = ddb.execute_statement(Statement=f"SELECT * FROM \"{orders}\" WHERE pk = 'zzz' AND sk = 1")
    assert missing["Items"] == []


def test_projection_functions_and_operators(ddb, orders):
    answer = ddb.execute_statement(Statement=f"SELECT sk, info.color FROM \"{orders}\" WHERE pk = 'a' AND sk IN [1, 2, 3] ORDER BY sk DESC")
    assert [i["sk"]["N"] for i in answer["Items"]] == ["3", "2", "1"]
    assert answer["Items"][0] == {"sk": {"N": "3"}, "info": {"M": {"color": {"S": "red"}}}}
    cases = {
        "begins_with(info.color, 'bl')": [2, 4],
        "contains(tags, 't3')": [3],
        "attribute_type(qty, 'N') AND size(tags) = 2": [1, 2, 3, 4, 5],
        "info IS MISSING": [],
        "info IS NOT MISSING AND NOT (qty > 30)": [1, 2, 3],
        "qty <> 10 AND (sk = 2 OR sk = 5)": [2, 5],
        "qty IN (10, 50)": [1, 5],
    }
    for where, expected in cases.items():
        answer = ddb.execute_statement(Statement=f"SELECT * FROM \"{orders}\" WHERE pk = 'a' AND {where}")
        assert [int(i["sk"]["N"]) for i in rows(answer)] == expected, where
    assert [i["pk"]["S"] for i in ddb.execute_statement(Statement=f'SELECT * FROM "{orders}" WHERE info IS MISSING')["Items"]] == ["b"]


def test_paging_with_limit_and_next_token(ddb, orders):
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ddb.execute_statement(Statement=f"SELECT * FROM \"{orders}\" WHERE pk = 'a'", Limit=2, **kwargs)
        seen += [int(i["sk"]["N"]) for i in page["Items"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [1, 2, 3, 4, 5] and pages == 3
    with pytest.raises(ddb.exceptions.ClientError) as bad:
        ddb.execute_statement(Statement=f'SELECT * FROM "{orders}"', NextToken="not a token")
    assert error_of(bad) == ("ValidationException", "Invalid NextToken")


def test_insert_update_delete(ddb, orders):
    ddb.execute_statement(Statement=f"INSERT INTO \"{orders}\" VALUE {{'pk': 'c', 'sk': 1, 'qty': ?, 'l': [1, 'two', {{'k': ?}}], 's': <<'p', 'q'>>, 'ok': TRUE, 'n': NULL}}",
                          Parameters=[{"N": "3"}, {"BOOL": False}])
    item = ddb.get_item(TableName=orders, Key={"pk": {"S": "c"}, "sk": {"N": "1"}})["Item"]
    assert item == {"pk": {"S": "c"}, "sk": {"N": "1"}, "qty": {"N": "3"}, "l": {"L": [{"N": "1"}, {"S": "two"}, {"M": {"k": {"BOOL": False}}}]},
                    "s": {"SS": ["p", "q"]}, "ok": {"BOOL": True}, "n": {"NULL": True}}
    with pytest.raises(ddb.exceptions.DuplicateItemException) as duplicate:
        ddb.execute_statement(Statement=f"INSERT INTO \"{orders}\" VALUE {{'pk': 'c', 'sk': 1}}")
    assert error_of(duplicate) == ("DuplicateItemException", "Duplicate primary key exists in table")

    answer = ddb.execute_statement(
        Statement=f"UPDATE \"{orders}\" SET qty = qty + 5 SET s = set_add(s, <<'r'>>) REMOVE n WHERE pk = 'c' AND sk = 1 RETURNING ALL NEW *")
    assert answer["Items"][0]["qty"] == {"N": "8"} and sorted(answer["Items"][0]["s"]["SS"]) == ["p", "q", "r"] and "n" not in answer["Items"][0]
    assert ddb.execute_statement(Statement=f"UPDATE \"{orders}\" SET qty = 1 WHERE pk = 'c' AND sk = 1")["Items"] == []
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.execute_statement(Statement=f"UPDATE \"{orders}\" SET qty = 1 WHERE pk = 'nope' AND sk = 1")
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.execute_statement(Statement=f"UPDATE \"{orders}\" SET qty = 2 WHERE pk = 'c' AND sk = 1 AND qty > 100")

    old = ddb.execute_statement(Statement=f"DELETE FROM \"{orders}\" WHERE pk = 'c' AND sk = 1 RETURNING ALL OLD *")
    assert old["Items"][0]["qty"] == {"N": "1"}
    assert "Item" not in ddb.get_item(TableName=orders, Key={"pk": {"S": "c"}, "sk": {"N": "1"}})
    assert ddb.execute_statement(Statement=f"DELETE FROM \"{orders}\" WHERE pk = 'c' AND sk = 1")["Items"] == []  # a missing item: no error


@pytest.mark.parametrize("statement,code,message", [
    ("SELEC * FROM t", "ValidationException", "Statement wasn't well formed, can't be processed: Expected data manipulation at line 1, column 1"),
    ("SELECT * FROM \"{t}\" WHERE", "ValidationException", "Statement wasn't well formed, can't be processed: Unexpected end of statement at line 1, column"),
    ("SELECT * FROM \"nosuchtable\"", "ResourceNotFoundException", "Requested resource not found"),
    ("UPDATE \"{t}\" SET qty = 1 WHERE pk = 'a'", "ValidationException", "Where clause does not contain a mandatory equality on all key attributes"),
    ("DELETE FROM \"{t}\" WHERE qty = 1", "ValidationException", "Where clause does not contain a mandatory equality on all key attributes"),
    ("SELECT * FROM \"{t}\" WHERE pk = ?", "ValidationException", "Number of parameters in request and statement don't match."),
    ("SELECT * FROM \"{t}\".\"nope\"", "ValidationException", "The table does not have the specified index"),
])
def test_errors(ddb, orders, statement, code, message):
    with pytest.raises(ddb.exceptions.ClientError) as failed:
        ddb.execute_statement(Statement=statement.replace("{t}", orders))
    got_code, got_message = error_of(failed)
    assert got_code == code and got_message.startswith(message)


def test_statement_length_limit(ddb, orders):
    with pytest.raises(ddb.exceptions.ClientError) as failed:
        ddb.execute_statement(Statement="SELECT * FROM t WHERE " + "a = 1 AND " * 900 + "a = 1")
    assert error_of(failed)[0] == "ValidationException" and "Member must have length less than or equal to 8192" in error_of(failed)[1]
    # Deep nesting within the limit is refused, never recursed into until the stack runs out.
    with pytest.raises(ddb.exceptions.ClientError) as deep:
        ddb.execute_statement(Statement=f'SELECT * FROM "{orders}" WHERE ' + "(" * 3000 + "qty = 1" + ")" * 3000)
    assert error_of(deep)[0] == "ValidationException" and "nested more than 100 levels deep" in error_of(deep)[1]
    assert ddb.execute_statement(Statement=f"SELECT * FROM \"{orders}\" WHERE pk = 'b' AND sk = 1")["Items"]


def test_batch_execute_statement(ddb, orders):
    reads = ddb.batch_execute_statement(Statements=[
        {"Statement": f'SELECT * FROM "{orders}" WHERE pk = ? AND sk = ?', "Parameters": [{"S": "a"}, {"N": "1"}]},
        {"Statement": f"SELECT qty FROM \"{orders}\" WHERE pk = 'b' AND sk = 1"},
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'zz' AND sk = 1"},
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'a'"},
    ])["Responses"]
    assert reads[0]["Item"]["qty"] == {"N": "10"} and reads[1]["Item"] == {"qty": {"N": "7"}}
    assert "Item" not in reads[2] and "Error" not in reads[2]
    assert reads[3]["Error"]["Code"] == "ValidationError"
    writes = ddb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'd', 'sk': 1}}"},
        {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'a', 'sk': 1}}"},
        {"Statement": f"UPDATE \"{orders}\" SET qty = 99 WHERE pk = 'b' AND sk = 1 AND qty = 0"},
        {"Statement": f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 5"},
        {"Statement": "NOT A STATEMENT"},
    ])["Responses"]
    assert "Error" not in writes[0] and "Error" not in writes[3]
    assert writes[1]["Error"]["Code"] == "DuplicateItem"
    assert writes[2]["Error"]["Code"] == "ConditionalCheckFailed"
    assert writes[4]["Error"]["Code"] == "ValidationError"
    assert ddb.get_item(TableName=orders, Key={"pk": {"S": "d"}, "sk": {"N": "1"}})["Item"]
    assert "Item" not in ddb.get_item(TableName=orders, Key={"pk": {"S": "a"}, "sk": {"N": "5"}})
    with pytest.raises(ddb.exceptions.ClientError) as mixed:
        ddb.batch_execute_statement(Statements=[{"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'a' AND sk = 1"},
                                                {"Statement": f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 1"}])
    assert error_of(mixed) == ("ValidationException", "Read and write requests together in the same batch is not supported.")
    with pytest.raises(ddb.exceptions.ClientError) as many:
        ddb.batch_execute_statement(Statements=[{"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'a' AND sk = 1"}] * 26)
    assert "Member must have length less than or equal to 25" in error_of(many)[1]


def test_execute_transaction(ddb, orders):
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 't', 'sk': 1, 'qty': 1}}"},
        {"Statement": f"UPDATE \"{orders}\" SET qty = qty - 1 WHERE pk = 'b' AND sk = 1"},
        {"Statement": f"EXISTS(SELECT * FROM \"{orders}\" WHERE pk = 'a' AND sk = 1 AND qty = 10)"},
    ], ClientRequestToken="tok-1")
    assert ddb.get_item(TableName=orders, Key={"pk": {"S": "b"}, "sk": {"N": "1"}})["Item"]["qty"] == {"N": "6"}
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as cancelled:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"UPDATE \"{orders}\" SET qty = 0 WHERE pk = 'b' AND sk = 1"},
            {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 't', 'sk': 1}}"},
            {"Statement": f"EXISTS(SELECT * FROM \"{orders}\" WHERE pk = 'a' AND sk = 1 AND qty = 11)"},
        ])
    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "DuplicateItem", "ConditionalCheckFailed"]
    assert ddb.get_item(TableName=orders, Key={"pk": {"S": "b"}, "sk": {"N": "1"}})["Item"]["qty"] == {"N": "6"}  # all or nothing
    read = ddb.execute_transaction(TransactStatements=[
        {"Statement": f'SELECT * FROM "{orders}" WHERE pk = ? AND sk = ?', "Parameters": [{"S": "t"}, {"N": "1"}]},
        {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'none' AND sk = 1"},
    ], ReturnConsumedCapacity="TOTAL")
    assert read["Responses"][0]["Item"]["qty"] == {"N": "1"} and "Item" not in read["Responses"][1]
    assert read["ConsumedCapacity"][0]["CapacityUnits"] == 4.0  # two transactional reads of one item each
    with pytest.raises(ddb.exceptions.ClientError) as mixed:
        ddb.execute_transaction(TransactStatements=[{"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'a' AND sk = 1"},
                                                    {"Statement": f"DELETE FROM \"{orders}\" WHERE pk = 'a' AND sk = 1"}])
    assert error_of(mixed) == ("ValidationException", "ExecuteTransaction API does not support both read and write operations in the same request.")


def test_select_through_an_index_and_consumed_capacity(ddb):
    import uuid

    name = "partiql_" + uuid.uuid4().hex[:8]
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "email", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     GlobalSecondaryIndexes=[{"IndexName": "by_email", "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                                              "Projection": {"ProjectionType": "ALL"}}])
    try:
        ddb.put_item(TableName=name, Item={"id": {"S": "1"}, "email": {"S": "a@x"}})
        answer = ddb.execute_statement(Statement=f"SELECT id FROM \"{name}\".\"by_email\" WHERE email = 'a@x'", ReturnConsumedCapacity="TOTAL")
        assert answer["Items"] == [{"id": {"S": "1"}}]
        assert answer["ConsumedCapacity"]["CapacityUnits"] == 0.5
        strong = ddb.execute_statement(Statement=f"SELECT * FROM \"{name}\" WHERE id = '1'", ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0
    finally:
        ddb.delete_table(TableName=name)
