"""Validation the service applies before it looks at any item: attribute_type's operands, a
parallel scan resumed in another segment, a restart of a query that returns at most one row, and
key conditions on attributes that are not keys."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_of


@pytest.fixture(scope="module")
def tables(ddb):
    ddb.create_table(TableName="strict_hash", BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    ddb.create_table(TableName="strict_range", BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    for i in range(40):
        ddb.put_item(TableName="strict_hash", Item={"pk": {"S": f"k{i}"}, "v": {"S": "x"}})
    yield "strict_hash", "strict_range"
    for name in ("strict_hash", "strict_range"):
        ddb.delete_table(TableName=name)


def test_attribute_type_needs_a_value_placeholder_for_the_type(ddb, tables):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=tables[0], Item={"pk": {"S": "new"}}, ConditionExpression="attribute_type(pk, v)")
    code, message = error_of(e)
    assert code == "ValidationException"
    assert message.startswith("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {S,SS,N")
    # A value placeholder may stand first: its own type is tested.
    ddb.put_item(TableName=tables[0], Item={"pk": {"S": "new"}}, ConditionExpression="attribute_type(:v, :t)",
                 ExpressionAttributeValues={":v": {"N": "1"}, ":t": {"S": "N"}})
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=tables[0], Item={"pk": {"S": "new"}}, ConditionExpression="attribute_type(:v, :t)",
                     ExpressionAttributeValues={":v": {"N": "1"}, ":t": {"S": "S"}})
    assert error_of(e)[0] == "ConditionalCheckFailedException"


def test_a_parallel_scan_resumes_only_in_its_segment(ddb, tables):
    first = ddb.scan(TableName=tables[0], Segment=0, TotalSegments=2, Limit=1)
    other = ddb.scan(TableName=tables[0], Segment=1, TotalSegments=2, Limit=1)
    ddb.scan(TableName=tables[0], Segment=0, TotalSegments=2, ExclusiveStartKey=first["LastEvaluatedKey"])
    with pytest.raises(ClientError) as e:
        ddb.scan(TableName=tables[0], Segment=0, TotalSegments=2, ExclusiveStartKey=other["LastEvaluatedKey"])
    assert error_of(e) == ("ValidationException", "The provided Exclusive start key does not map to the provided Segment and TotalSegments values.")


def test_query_restarts_and_key_conditions(ddb, tables):
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=tables[0], KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "k1"}},
                  ExclusiveStartKey={"pk": {"S": "k1"}})
    code, message = error_of(e)
    assert code == "ValidationException" and message.startswith("The provided starting key is invalid")
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=tables[1], KeyConditionExpression="pk = :p AND v = :v", ExpressionAttributeValues={":p": {"S": "a"}, ":v": {"S": "x"}})
    assert error_of(e) == ("ValidationException", "Query condition missed key schema element: sk")
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=tables[1], KeyConditionExpression="pk = :p AND sk > :a AND sk < :b",
                  ExpressionAttributeValues={":p": {"S": "a"}, ":a": {"N": "1"}, ":b": {"N": "2"}})
    assert error_of(e) == ("ValidationException", "KeyConditionExpressions must only contain one condition per key")


def test_an_empty_expression_attribute_name_is_refused(ddb, tables):
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=tables[0], Key={"pk": {"S": "k1"}}, ProjectionExpression="#a", ExpressionAttributeNames={"#a": ""})
    assert error_of(e) == ("ValidationException", "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a")


TOO_LARGE = ("ValidationException", "1 validation error detected: Attribute name is too large, must be less than 65536 bytes")


def test_attribute_names_are_not_empty_and_under_64_kb_wherever_a_request_names_one(ddb, tables):
    table, key = tables[0], {"pk": {"S": "k1"}}
    long_name, longest = "n" * 65536, "n" * 65535
    ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, longest: {"S": "ok"}, "m": {"M": {longest: {"N": "1"}}}})
    attempts = [
        lambda name: ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, name: {"S": "v"}}),
        lambda name: ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "m": {"M": {name: {"S": "v"}}}}),
        lambda name: ddb.update_item(TableName=table, Key=key, AttributeUpdates={name: {"Action": "PUT", "Value": {"S": "v"}}}),
        lambda name: ddb.put_item(TableName=table, Item={"pk": {"S": "x"}}, Expected={name: {"Exists": False}}),
        lambda name: ddb.get_item(TableName=table, Key=key, AttributesToGet=[name]),
        lambda name: ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {"pk": {"S": "x"}, name: {"S": "v"}}}}]}),
    ]
    for attempt in attempts:
        with pytest.raises(ClientError) as e:
            attempt(long_name)
        assert error_of(e) == TOO_LARGE
        with pytest.raises(ClientError) as e:
            attempt("")
        assert error_of(e) == ("ValidationException", "One or more parameter values were invalid: Empty attribute name")
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key=key, UpdateExpression="SET #n = :v", ExpressionAttributeNames={"#n": long_name},
                        ExpressionAttributeValues={":v": {"S": "v"}})
    assert error_of(e) == TOO_LARGE
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "x"}}).get("Item") is None
