"""The boto3 resource API as applications use it: Table.put_item/get_item with Python types,
batch_writer (which sends BatchWriteItem and retries unprocessed items), query with Key conditions
and scan with Attr filters, update_item returning UPDATED_NEW."""

from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key


def test_resource_api(endpoint, make_table):
    name = make_table(hash_key=("user", "S"), range_key=("ts", "N"))
    table = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="trident", aws_secret_access_key="trident").Table(name)
    with table.batch_writer() as batch:
        for i in range(120):
            batch.put_item(Item={"user": f"u{i % 3}", "ts": i, "score": Decimal(i) / 2, "tags": {"a", f"t{i % 5}"},
                                 "meta": {"nested": [1, "two", None, True]}, "blob": b"\x00\x01"})
    item = table.get_item(Key={"user": "u0", "ts": 3})["Item"]
    assert item["score"] == Decimal("1.5") and item["tags"] == {"a", "t3"} and item["meta"] == {"nested": [1, "two", None, True]}
    assert item["blob"].value == b"\x00\x01"

    res = table.query(KeyConditionExpression=Key("user").eq("u1") & Key("ts").between(10, 40))
    assert [int(i["ts"]) for i in res["Items"]] == [10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40]
    res = table.query(KeyConditionExpression=Key("user").eq("u2") & Key("ts").gte(110), ScanIndexForward=False)
    assert [int(i["ts"]) for i in res["Items"]] == [119, 116, 113, 110]
    res = table.scan(FilterExpression=Attr("score").gt(55) & Attr("tags").contains("t0"))
    assert sorted(int(i["ts"]) for i in res["Items"]) == [115]

    out = table.update_item(Key={"user": "u0", "ts": 3}, UpdateExpression="SET score = score + :d REMOVE meta",
                            ExpressionAttributeValues={":d": Decimal("0.25")}, ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"score": Decimal("1.75")}

    with table.batch_writer(overwrite_by_pkeys=["user", "ts"]) as batch:
        for i in range(0, 120, 2):
            batch.delete_item(Key={"user": f"u{i % 3}", "ts": i})
    assert table.scan(Select="COUNT")["Count"] == 60
