"""CreateTable with global and local secondary indexes: every schema rule with DynamoDB's error and
message, and the index descriptions DescribeTable, CreateTable and DeleteTable give."""

import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import error_of
from indexes import create_indexed_table, gsi, key_schema, lsi

INVALID = "One or more parameter values were invalid: "


def refused(ddb, **kwargs):
    kwargs.setdefault("TableName", "idx_" + uuid.uuid4().hex[:12])
    kwargs.setdefault("BillingMode", "PAY_PER_REQUEST")
    with pytest.raises(ClientError) as e:
        ddb.create_table(**kwargs)
    return error_of(e)


def attrs(**types):
    return [{"AttributeName": a, "AttributeType": t} for a, t in types.items()]


@pytest.fixture
def cleanup(ddb):
    names = []
    yield names
    for name in names:
        try:
            ddb.delete_table(TableName=name)
        except ClientError:
            pass


def test_index_names_follow_the_table_name_rules(ddb, cleanup):
    for bad, constraint in [
        ("n", "Member must have length greater than or equal to 3"),
        ("n" * 256, "Member must have length less than or equal to 255"),
        ("nyh@test", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
    ]:
        code, message = refused(ddb, AttributeDefinitions=attrs(p="S", x="S"), KeySchema=key_schema("p"), GlobalSecondaryIndexes=[gsi(bad, "x")])
        assert code == "ValidationException"
        assert f"Value '{bad}' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: {constraint}" in message
    code, message = refused(
        ddb, AttributeDefinitions=attrs(p="S", c="S", x="S"), KeySchema=key_schema("p", "c"), LocalSecondaryIndexes=[lsi("n", "p", "x")]
    )
    assert "'localSecondaryIndexes.1.member.indexName'" in message
    # 255 characters and a leading dot are legal.
    cleanup.append(
        create_indexed_table(ddb, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("." + "a" * 254, "x")])
    )


def test_duplicate_index_names_are_refused_across_kinds(ddb):
    code, message = refused(
        ddb, AttributeDefinitions=attrs(p="S", x="S"), KeySchema=key_schema("p"), GlobalSecondaryIndexes=[gsi("index1", "x"), gsi("index1", "x")]
    )
    assert (code, message) == ("ValidationException", INVALID + "Duplicate index name: index1")
    code, message = refused(
        ddb, AttributeDefinitions=attrs(p="S", c="S", x="S"), KeySchema=key_schema("p", "c"),
        GlobalSecondaryIndexes=[gsi("samename", "x")], LocalSecondaryIndexes=[lsi("samename", "p", "x")],
    )
    assert message == INVALID + "Duplicate index name: samename"


def test_attribute_definitions_must_be_exactly_the_keys(ddb):
    code, message = refused(ddb, AttributeDefinitions=attrs(id="S"), KeySchema=key_schema("id"), GlobalSecondaryIndexes=[gsi("byUser", "user")])
    assert code == "ValidationException"
    assert message == INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: [user], AttributeDefinitions: [id]"
    code, message = refused(
        ddb, AttributeDefinitions=attrs(id="S", user="S", created_at="N"), KeySchema=key_schema("id"), GlobalSecondaryIndexes=[gsi("byUser", "user")]
    )
    assert message == INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: [created_at, id, user], keys used: [id, user]"
    code, message = refused(ddb, AttributeDefinitions=attrs(p="S") + attrs(p="N"), KeySchema=key_schema("p"))
    assert (code, message) == ("ValidationException", "Attribute Name is duplicated: p")


@pytest.mark.parametrize("bad_type", ["BOOL", "SS", "M", "junk"])
def test_index_key_types_are_s_n_or_b(ddb, bad_type):
    code, message = refused(
        ddb, AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": bad_type}],
        KeySchema=key_schema("p"), GlobalSecondaryIndexes=[gsi("byX", "x")],
    )
    assert code == "ValidationException"
    assert f"Value '{bad_type}' at 'attributeDefinitions.2.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]" in message


def test_index_key_schema_order_rules(ddb):
    base = dict(AttributeDefinitions=attrs(p="S", x="S", y="S"), KeySchema=key_schema("p"))
    index = gsi("byX", "x", "y")
    index["KeySchema"] = [{"AttributeName": "y", "KeyType": "RANGE"}, {"AttributeName": "x", "KeyType": "HASH"}]
    assert refused(ddb, GlobalSecondaryIndexes=[index], **base)[1] == "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
    index["KeySchema"] = [{"AttributeName": "x", "KeyType": "HASH"}, {"AttributeName": "y", "KeyType": "HASH"}]
    assert refused(ddb, GlobalSecondaryIndexes=[index], **base)[1] == "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
    index["KeySchema"] = key_schema("x", "x")
    base["AttributeDefinitions"] = attrs(p="S", x="S")
    assert refused(ddb, GlobalSecondaryIndexes=[index], **base)[1] == "Both the Hash Key and the Range Key element in the KeySchema have the same name"


def test_local_index_rules(ddb):
    code, message = refused(
        ddb, AttributeDefinitions=attrs(p="S", c="S", b="S"), KeySchema=key_schema("p", "c"), LocalSecondaryIndexes=[lsi("hello", "b", "c")]
    )
    assert message == INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema for index: hello. index hash key: b, table hash key: p"
    index = lsi("hello", "p", None)
    code, message = refused(ddb, AttributeDefinitions=attrs(p="S", c="S"), KeySchema=key_schema("p", "c"), LocalSecondaryIndexes=[index])
    assert message == INVALID + "Index KeySchema does not have a range key for index: hello"
    code, message = refused(ddb, AttributeDefinitions=attrs(p="S", b="S"), KeySchema=key_schema("p"), LocalSecondaryIndexes=[lsi("hello", "p", "b")])
    assert message == INVALID + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
    six = [lsi(f"lsi{i}", "p", "b") for i in range(6)]
    code, message = refused(ddb, AttributeDefinitions=attrs(p="S", c="S", b="S"), KeySchema=key_schema("p", "c"), LocalSecondaryIndexes=six)
    assert message == INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit of 5"
    code, message = refused(ddb, AttributeDefinitions=attrs(p="S", c="S"), KeySchema=key_schema("p", "c"), LocalSecondaryIndexes=[])
    assert message == INVALID + "List of LocalSecondaryIndexes is empty"


def test_global_index_count_and_empty_list(ddb):
    many = [gsi(f"gsi{i:02}", "x") for i in range(21)]
    code, message = refused(ddb, AttributeDefinitions=attrs(p="S", x="S"), KeySchema=key_schema("p"), GlobalSecondaryIndexes=many)
    assert message == INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 20"
    code, message = refused(ddb, AttributeDefinitions=attrs(p="S"), KeySchema=key_schema("p"), GlobalSecondaryIndexes=[])
    assert message == INVALID + "List of GlobalSecondaryIndexes is empty"


def test_projection_rules(ddb):
    base = dict(AttributeDefinitions=attrs(p="S", x="S"), KeySchema=key_schema("p"))

    def with_projection(projection):
        index = gsi("byX", "x")
        index["Projection"] = projection
        return refused(ddb, GlobalSecondaryIndexes=[index], **base)

    assert with_projection({}) == ("ValidationException", INVALID + "Unknown ProjectionType: null")
    code, message = with_projection({"ProjectionType": "nonsense"})
    assert "Value 'nonsense' at 'globalSecondaryIndexes.1.member.projection.projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]" in message
    assert with_projection({"ProjectionType": "INCLUDE"})[1] == INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
    assert with_projection({"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["a"]})[1] == INVALID + "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified"
    assert with_projection({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "a"]})[1] == INVALID + "Duplicate element in NonKeyAttributes: a"
    assert "Member must have length less than or equal to 20" in with_projection({"ProjectionType": "INCLUDE", "NonKeyAttributes": [f"a{i}" for i in range(21)]})[1]
    # At most 100 projected non-key attributes summed over the indexes.
    six = [gsi(f"gsi{i}", "x", projection="INCLUDE", include=[f"a{i}_{j}" for j in range(20)]) for i in range(6)]
    code, message = refused(ddb, GlobalSecondaryIndexes=six, **base)
    assert code == "ValidationException" and "100" in message and "NonKeyAttributes" in message


def test_throughput_rules_per_billing_mode(ddb):
    base = dict(AttributeDefinitions=attrs(p="S", x="S"), KeySchema=key_schema("p"))
    code, message = refused(ddb, GlobalSecondaryIndexes=[gsi("g-a", "x", throughput=(1, 1))], **base)
    assert message == INVALID + "ProvisionedThroughput should not be specified for index: g-a when BillingMode is PAY_PER_REQUEST"
    code, message = refused(
        ddb, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}, GlobalSecondaryIndexes=[gsi("g-a", "x")], **base
    )
    assert message == INVALID + "ProvisionedThroughput is not specified for index: g-a"


def test_describe_lists_every_index_as_the_service_does(ddb, cleanup):
    name = create_indexed_table(
        ddb, {"p": "S", "c": "S", "x": "N", "b": "B"}, ("p", "c"),
        gsis=[gsi("byX", "x", "c", projection="INCLUDE", include=["zeta", "alpha"]), gsi("byB", "b", projection="KEYS_ONLY")],
        lsis=[lsi("local", "p", "x", projection="KEYS_ONLY")],
    )
    cleanup.append(name)
    table = ddb.describe_table(TableName=name)["Table"]
    assert sorted(a["AttributeName"] for a in table["AttributeDefinitions"]) == ["b", "c", "p", "x"]
    by_name = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["byX", "byB"]
    by_x = by_name["byX"]
    assert by_x["KeySchema"] == key_schema("x", "c")
    assert by_x["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["alpha", "zeta"]}
    assert by_x["IndexStatus"] == "ACTIVE" and "Backfilling" not in by_x
    assert by_x["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    assert by_x["IndexSizeBytes"] == 0 and by_x["ItemCount"] == 0
    assert by_x["IndexArn"] == table["TableArn"] + "/index/byX"
    assert by_name["byB"]["KeySchema"] == key_schema("b")
    [local] = table["LocalSecondaryIndexes"]
    assert local["IndexArn"] == table["TableArn"] + "/index/local"
    assert "IndexStatus" not in local and "ProvisionedThroughput" not in local
    assert local["Projection"] == {"ProjectionType": "KEYS_ONLY"}

    ddb.put_item(TableName=name, Item={"p": {"S": "a"}, "c": {"S": "1"}, "x": {"N": "5"}, "alpha": {"S": "A" * 100}, "other": {"S": "O" * 500}})
    ddb.put_item(TableName=name, Item={"p": {"S": "a"}, "c": {"S": "2"}})
    table = ddb.describe_table(TableName=name)["Table"]
    by_x = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}["byX"]
    # One entry (the other item lacks x): its keys, the projected attribute and 100 bytes of overhead.
    assert by_x["ItemCount"] == 1
    assert by_x["IndexSizeBytes"] == (1 + 1) + (1 + 1) + (1 + 2) + (5 + 100) + 100
    assert {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}["byB"]["ItemCount"] == 0

    gone = ddb.delete_table(TableName=name)["TableDescription"]
    cleanup.remove(name)
    for absent in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "KeySchema", "AttributeDefinitions"):
        assert absent not in gone


def test_provisioned_index_throughput_is_described(ddb, cleanup):
    name = create_indexed_table(ddb, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x", throughput=(3, 4))], throughput=(5, 5))
    cleanup.append(name)
    created = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert created["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 3, "WriteCapacityUnits": 4}


def test_list_tables_does_not_list_indexes(ddb, cleanup):
    name = create_indexed_table(ddb, {"p": "S", "x": "S"}, ("p", None), gsis=[gsi("byX", "x")])
    cleanup.append(name)
    names = ddb.list_tables()["TableNames"]
    assert name in names and "byX" not in names
