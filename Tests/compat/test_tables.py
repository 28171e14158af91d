"""CreateTable, DescribeTable, ListTables and DeleteTable: shapes, paging and DynamoDB's exact errors."""

import re
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import error_of


def unique(prefix="tbl"):
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def test_create_table_is_active_at_once_with_full_description(ddb):
    name = unique()
    resp = ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )
    try:
        d = resp["TableDescription"]
        assert d["TableName"] == name
        assert d["TableStatus"] == "ACTIVE"
        assert d["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
        assert d["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
        assert d["ItemCount"] == 0 and d["TableSizeBytes"] == 0
        assert d["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", d["TableId"])
        assert "BillingModeSummary" not in d
        described = ddb.describe_table(TableName=name)["Table"]
        assert described["TableStatus"] == "ACTIVE"
        assert described["TableId"] == d["TableId"]
        assert described["CreationDateTime"] == d["CreationDateTime"]
        # The waiter returns at once instead of sleeping 20 seconds.
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    finally:
        ddb.delete_table(TableName=name)


def test_on_demand_table_reports_zero_throughput_and_billing_summary(ddb, make_table):
    name = make_table(billing="PAY_PER_REQUEST")
    d = ddb.describe_table(TableName=name)["Table"]
    assert d["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert d["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] == d["CreationDateTime"]


def test_creating_a_table_twice_is_resource_in_use(ddb, make_table):
    name = make_table()
    with pytest.raises(ClientError) as e:
        ddb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    assert error_of(e) == ("ResourceInUseException", f"Table already exists: {name}")


def test_describe_and_delete_missing_table(ddb):
    for call in (ddb.describe_table, ddb.delete_table):
        with pytest.raises(ClientError) as e:
            call(TableName="no_such_table_here")
        assert error_of(e) == ("ResourceNotFoundException", "Requested resource not found: Table: no_such_table_here not found")


def test_delete_table_returns_deleting_description_and_removes_data(ddb):
    name = unique()
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName=name, Item={"id": {"S": "x"}, "v": {"S": "old"}})
    d = ddb.delete_table(TableName=name)["TableDescription"]
    assert d["TableStatus"] == "DELETING" and d["ItemCount"] == 1
    assert name not in ddb.list_tables()["TableNames"]
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    # Same name again: a new, empty table.
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        assert "Item" not in ddb.get_item(TableName=name, Key={"id": {"S": "x"}})
        assert ddb.describe_table(TableName=name)["Table"]["ItemCount"] == 0
    finally:
        ddb.delete_table(TableName=name)


def test_list_tables_sorted_and_paged(ddb):
    prefix = "lt_" + uuid.uuid4().hex[:6]
    names = sorted(f"{prefix}_{i:02d}" for i in range(7))
    for n in reversed(names):
        ddb.create_table(
            TableName=n,
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    try:
        everything = ddb.list_tables()["TableNames"]
        assert everything == sorted(everything)
        start = [n for n in everything if n < names[0]]
        page = ddb.list_tables(ExclusiveStartTableName=start[-1] if start else "aaa", Limit=3)
        assert page["TableNames"] == names[:3]
        assert page["LastEvaluatedTableName"] == names[2]
        page = ddb.list_tables(ExclusiveStartTableName=names[2], Limit=3)
        assert page["TableNames"] == names[3:6]
        # A limit that exactly covers the rest gives no LastEvaluatedTableName.
        rest = [n for n in everything if n > names[5]]
        page = ddb.list_tables(ExclusiveStartTableName=names[5], Limit=len(rest))
        assert page["TableNames"] == rest and "LastEvaluatedTableName" not in page
        seen = []
        for p in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2}):
            seen += p["TableNames"]
        assert seen == everything
    finally:
        for n in names:
            ddb.delete_table(TableName=n)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"Limit": 0}, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        ({"Limit": 101}, "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"),
        (
            {"ExclusiveStartTableName": "a;"},
            "2 validation errors detected: Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
        ),
    ],
)
def test_list_tables_validation(ddb, kwargs, message):
    with pytest.raises(ClientError) as e:
        ddb.list_tables(**kwargs)
    assert error_of(e) == ("ValidationException", message)


KS = [{"AttributeName": "a", "KeyType": "HASH"}]
AD = [{"AttributeName": "a", "AttributeType": "S"}]
PT = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"TableName": "ab", "AttributeDefinitions": AD, "KeySchema": KS, "ProvisionedThroughput": PT},
         "TableName must be at least 3 characters long and at most 255 characters long"),
        ({"TableName": "abc;", "AttributeDefinitions": AD, "KeySchema": KS, "ProvisionedThroughput": PT},
         "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
        ({"TableName": "abc", "AttributeDefinitions": AD, "KeySchema": KS},
         "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"),
        ({"TableName": "abc", "AttributeDefinitions": AD, "KeySchema": KS, "BillingMode": "PAY_PER_REQUEST", "ProvisionedThroughput": PT},
         "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"),
        ({"TableName": "abc", "AttributeDefinitions": AD, "KeySchema": KS, "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 1}},
         "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        ({"TableName": "abc", "AttributeDefinitions": [{"AttributeName": "b", "AttributeType": "S"}], "KeySchema": KS, "ProvisionedThroughput": PT},
         "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]"),
        ({"TableName": "abc", "AttributeDefinitions": [], "KeySchema": KS, "ProvisionedThroughput": PT},
         "Invalid KeySchema: Some index key attribute have no definition"),
        ({"TableName": "abc", "AttributeDefinitions": AD + [{"AttributeName": "b", "AttributeType": "S"}], "KeySchema": KS, "ProvisionedThroughput": PT},
         "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"),
        ({"TableName": "abc", "AttributeDefinitions": AD + [{"AttributeName": "b", "AttributeType": "S"}],
          "KeySchema": [{"AttributeName": "a", "KeyType": "RANGE"}, {"AttributeName": "b", "KeyType": "HASH"}], "ProvisionedThroughput": PT},
         "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
        ({"TableName": "abc", "AttributeDefinitions": AD + [{"AttributeName": "b", "AttributeType": "S"}],
          "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "HASH"}], "ProvisionedThroughput": PT},
         "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"),
        ({"TableName": "abc", "AttributeDefinitions": AD + [{"AttributeName": "a", "AttributeType": "N"}],
          "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "a", "KeyType": "RANGE"}], "ProvisionedThroughput": PT},
         "Both the Hash Key and the Range Key element in the KeySchema have the same name"),
    ],
)
def test_create_table_validation(ddb, kwargs, message):
    with pytest.raises(ClientError) as e:
        ddb.create_table(**kwargs)
    assert error_of(e) == ("ValidationException", message)


def test_describe_table_name_rules(ddb):
    with pytest.raises(ClientError) as e:
        ddb.describe_table(TableName="x" * 256)
    assert error_of(e) == ("ValidationException", "TableName must be at least 3 characters long and at most 255 characters long")
    with pytest.raises(ClientError) as e:
        ddb.describe_table(TableName="abc;")
    assert error_of(e) == (
        "ValidationException",
        "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )
