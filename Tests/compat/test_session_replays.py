"""Request sequences replayed exactly as the session stores send them (shapes taken from their
sources): the PHP SDK SessionHandler's garbage collection, the Ruby store, Java's Tomcat manager
(DynamoDBMapper) and node's connect-dynamodb."""

import time

import pytest
from botocore.exceptions import ClientError

N = lambda v: {"N": str(v)}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


def test_php_session_handler_garbage_collection(ddb, make_table):
    table = make_table()
    now = int(time.time())
    for i in range(60):
        expires = now - 100 if i % 2 == 0 else now + 1000
        updates = {"expires": {"Value": N(expires)}, "data": {"Value": S("x")}, "lock": {"Action": "DELETE"}}
        ddb.update_item(TableName=table, Key={"id": S(f"PHPSESSID_{i}")}, AttributeUpdates=updates)
    # A locked expired session must survive the collection.
    ddb.update_item(TableName=table, Key={"id": S("PHPSESSID_0")}, AttributeUpdates={"lock": {"Value": N(1)}})
    start, deleted = None, 0
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        page = ddb.scan(TableName=table, AttributesToGet=["id"], Limit=7, ScanFilter={
            "expires": {"ComparisonOperator": "LT", "AttributeValueList": [N(now)]},
            "lock": {"ComparisonOperator": "NULL"}}, **kw)
        keys = [{"DeleteRequest": {"Key": item}} for item in page["Items"]]
        for chunk in range(0, len(keys), 25):
            pending = {table: keys[chunk:chunk + 25]}
            while pending:
                pending = ddb.batch_write_item(RequestItems=pending)["UnprocessedItems"]
        deleted += len(keys)
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert deleted == 29
    left = {i["id"]["S"] for i in ddb.scan(TableName=table)["Items"]}
    assert "PHPSESSID_0" in left and len(left) == 31


def test_ruby_session_store(ddb, make_table):
    table = make_table(hash_key=("session_id", "S"))
    sid = "ruby-sid-1"
    now = time.time()
    out = ddb.update_item(TableName=table, Key={"session_id": S(sid)}, ReturnValues="UPDATED_NEW", AttributeUpdates={
        "updated_at": {"Value": S(str(now)), "Action": "PUT"}, "data": {"Value": S("BAh7AA==\n"), "Action": "PUT"},
        "created_at": {"Value": S(str(now)), "Action": "PUT"}, "expire_at": {"Value": N(int(now)), "Action": "PUT"}})
    assert out["Attributes"]["data"] == S("BAh7AA==\n")
    got = ddb.get_item(TableName=table, Key={"session_id": S(sid)}, AttributesToGet=["data"], ConsistentRead=True)
    assert got["Item"] == {"data": S("BAh7AA==\n")}
    # Pessimistic locking: take the lock only if free, then a second taker fails.
    lock = {"locked_at": {"Value": S(str(now)), "Action": "PUT"}}
    ddb.update_item(TableName=table, Key={"session_id": S(sid)}, AttributeUpdates=lock, Expected={"locked_at": {"Exists": False}}, ReturnValues="ALL_NEW")
    with pytest.raises(ClientError):
        ddb.update_item(TableName=table, Key={"session_id": S(sid)}, AttributeUpdates=lock, Expected={"locked_at": {"Exists": False}})
    # Save under the lock, releasing it.
    ddb.update_item(TableName=table, Key={"session_id": S(sid)}, Expected={"locked_at": {"Value": S(str(now)), "Exists": True}},
                    AttributeUpdates={"data": {"Value": S("new"), "Action": "PUT"}, "locked_at": {"Action": "DELETE"}})
    # Garbage collection by max_age on a String-typed created_at deletes nothing: a type mismatch is no match.
    page = ddb.scan(TableName=table, AttributesToGet=["session_id"],
                    ScanFilter={"created_at": {"AttributeValueList": [N(now + 10)], "ComparisonOperator": "LT"}})
    assert page["Items"] == []
    ddb.delete_item(TableName=table, Key={"session_id": S(sid)})


def test_tomcat_session_manager(ddb):
    name = "Tomcat_SessionState_compat"
    try:
        ddb.describe_table(TableName=name)
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException"
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "sessionId", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "sessionId", "AttributeType": "S"}],
                     ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    try:
        blob = bytes(range(256)) * 8
        for i in range(3):
            out = ddb.update_item(TableName=name, Key={"sessionId": S(f"JSESSION{i}")}, Expected={}, ReturnValues="ALL_NEW",
                                  AttributeUpdates={"sessionData": {"Value": {"B": blob}, "Action": "PUT"},
                                                    "lastUpdatedAt": {"Value": N(1764000000000 + i), "Action": "PUT"}})
            assert out["Attributes"]["sessionData"] == {"B": blob}
        assert ddb.scan(TableName=name, Select="COUNT")["Count"] == 3
        assert ddb.get_item(TableName=name, Key={"sessionId": S("JSESSION1")})["Item"]["lastUpdatedAt"] == N(1764000000001)
        ddb.delete_item(TableName=name, Key={"sessionId": S("JSESSION1")}, Expected={})
        assert ddb.scan(TableName=name, Select="COUNT")["Count"] == 2
    finally:
        ddb.delete_table(TableName=name)


def test_connect_dynamodb(ddb, make_table):
    table = make_table()
    sid = "sess:abc"
    expires = int(time.time()) + 86400
    ddb.put_item(TableName=table, Item={"id": S(sid), "expires": N(expires), "type": S("connect-session"), "sess": S('{"cookie":{}}')})
    out = ddb.update_item(TableName=table, Key={"id": S(sid)}, UpdateExpression="set expires = :e",
                          ExpressionAttributeValues={":e": N(expires + 60)}, ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"expires": N(expires + 60)}
    item = ddb.get_item(TableName=table, Key={"id": S(sid)}, ConsistentRead=True)["Item"]
    assert item["sess"] == S('{"cookie":{}}')
    # Its reap: a scan for expired sessions, then deletes.
    page = ddb.scan(TableName=table, ScanFilter={"expires": {"AttributeValueList": [N(int(time.time()))], "ComparisonOperator": "LT"}},
                    AttributesToGet=["id"])
    assert page["Items"] == []
