"""Helpers shared by the secondary-index tests: table definitions with indexes, and full reads."""

import uuid


def key_schema(hash_name, range_name=None):
    keys = [{"AttributeName": hash_name, "KeyType": "HASH"}]
    if range_name:
        keys.append({"AttributeName": range_name, "KeyType": "RANGE"})
    return keys


def gsi(name, hash_name, range_name=None, projection="ALL", include=None, throughput=None):
    index = {"IndexName": name, "KeySchema": key_schema(hash_name, range_name), "Projection": {"ProjectionType": projection}}
    if include is not None:
        index["Projection"]["NonKeyAttributes"] = include
    if throughput:
        index["ProvisionedThroughput"] = {"ReadCapacityUnits": throughput[0], "WriteCapacityUnits": throughput[1]}
    return index


def lsi(name, table_hash, range_name, projection="ALL", include=None):
    return gsi(name, table_hash, range_name, projection, include)


def create_indexed_table(client, attributes, keys, gsis=None, lsis=None, throughput=None, name=None, **extra):
    """Creates a table; `attributes` maps attribute name to type, `keys` is (hash, range or None)."""
    name = name or "idx_" + uuid.uuid4().hex[:12]
    kwargs = dict(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in attributes.items()],
        KeySchema=key_schema(*keys),
        **extra,
    )
    if throughput:
        kwargs["BillingMode"] = "PROVISIONED"
        kwargs["ProvisionedThroughput"] = {"ReadCapacityUnits": throughput[0], "WriteCapacityUnits": throughput[1]}
    else:
        kwargs["BillingMode"] = "PAY_PER_REQUEST"
    if gsis is not None:
        kwargs["GlobalSecondaryIndexes"] = gsis
    if lsis is not None:
        kwargs["LocalSecondaryIndexes"] = lsis
    client.create_table(**kwargs)
    return name


def full_query(client, **kwargs):
    """Every item of a Query, paging through LastEvaluatedKey."""
    items, pages = [], 0
    while True:
        page = client.query(**kwargs)
        items.extend(page.get("Items", []))
        pages += 1
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def full_scan(client, **kwargs):
    items = []
    while True:
        page = client.scan(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def s(value):
    return {"S": value}


def n(value):
    return {"N": str(value)}
