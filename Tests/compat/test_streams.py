"""DynamoDB Streams through boto3's `dynamodbstreams` client on the same port: enabling and
disabling, records as the service writes them from every write path (TTL removals carry the
service's identity), shard lineage under a short rollover, iterator expiry and trimming under the
controlled clock, and records surviving kill -9."""

import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import error_of
from indexes import create_indexed_table, n, s


def streams_client(endpoint):
    return boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="trident",
                        aws_secret_access_key="trident", config=Config(retries={"total_max_attempts": 1}, parameter_validation=False))


def with_stream(client, view="NEW_AND_OLD_IMAGES", keys=("pk", None), **extra):
    attributes = {"pk": "S"} if keys[1] is None else {"pk": "S", keys[1]: "N"}
    return create_indexed_table(client, attributes, keys, StreamSpecification={"StreamEnabled": True, "StreamViewType": view}, **extra)


def read_all(streams, arn):
    """Every record of every shard, following shard lineage parents first."""
    shards = []
    start = None
    while True:
        kwargs = {"StreamArn": arn, **({"ExclusiveStartShardId": start} if start else {})}
        description = streams.describe_stream(**kwargs)["StreamDescription"]
        shards += description["Shards"]
        start = description.get("LastEvaluatedShardId")
        if not start:
            break
    records = []
    for shard in shards:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            if not page["Records"] and "EndingSequenceNumber" not in shard["SequenceNumberRange"]:
                break
            iterator = page.get("NextShardIterator")
    return records, shards


def test_records_from_every_write_path_in_commit_order(ddb, endpoint):
    streams = streams_client(endpoint)
    name = with_stream(ddb)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    arn = table["LatestStreamArn"]
    assert arn == table["TableArn"] + "/stream/" + table["LatestStreamLabel"]
    ddb.put_item(TableName=name, Item={"pk": s("a"), "v": n(1)})
    ddb.put_item(TableName=name, Item={"pk": s("a"), "v": n(1)})  # changes nothing: no record
    ddb.update_item(TableName=name, Key={"pk": s("a")}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": n(2)})
    ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": s("b")}}}, {"DeleteRequest": {"Key": {"pk": s("a")}}}]})
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": {"pk": s("c")}}}, {"Delete": {"TableName": name, "Key": {"pk": s("b")}}}])
    ddb.delete_item(TableName=name, Key={"pk": s("missing")})  # deletes nothing: no record
    records, shards = read_all(streams, arn)
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "a"), ("MODIFY", "a"), ("INSERT", "b"), ("REMOVE", "a"), ("INSERT", "c"), ("REMOVE", "b")]
    first, modify = records[0], records[1]
    assert first["eventSource"] == "aws:dynamodb" and first["eventVersion"] == "1.1" and first["awsRegion"] == "us-east-1"
    assert len(first["eventID"]) == 32
    assert first["dynamodb"]["NewImage"] == {"pk": s("a"), "v": n(1)} and "OldImage" not in first["dynamodb"]
    assert modify["dynamodb"]["OldImage"] == {"pk": s("a"), "v": n(1)} and modify["dynamodb"]["NewImage"] == {"pk": s("a"), "v": n(2)}
    assert modify["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert first["dynamodb"]["SizeBytes"] == (2 + 1) + (2 + 1) + (1 + 2)
    sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    assert all(len(r["dynamodb"]["SequenceNumber"]) == 21 for r in records)
    assert "userIdentity" not in first
    assert len(shards) == 1 and shards[0]["ShardId"].startswith("shardId-")


def test_view_types_shape_the_images(ddb, endpoint):
    streams = streams_client(endpoint)
    for view, has_new, has_old in [("KEYS_ONLY", False, False), ("NEW_IMAGE", True, False), ("OLD_IMAGE", False, True)]:
        name = with_stream(ddb, view=view)
        ddb.put_item(TableName=name, Item={"pk": s("k"), "v": n(1)})
        ddb.put_item(TableName=name, Item={"pk": s("k"), "v": n(2)})
        records, _ = read_all(streams, ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"])
        modify = records[1]["dynamodb"]
        assert modify["Keys"] == {"pk": s("k")} and modify["StreamViewType"] == view
        assert ("NewImage" in modify) == has_new and ("OldImage" in modify) == has_old
        ddb.delete_table(TableName=name)


def test_enable_disable_and_list(ddb, endpoint):
    streams = streams_client(endpoint)
    name = create_indexed_table(ddb, {"pk": "S"}, ("pk", None))
    assert "LatestStreamArn" not in ddb.describe_table(TableName=name)["Table"]
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True})
    assert error_of(e) == ("ValidationException", "One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required")
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    assert error_of(e) == ("ValidationException", f"Table has no stream to disable: TableName: {name}")
    first = ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    assert error_of(e) == ("ValidationException", f"Table already has an enabled stream: TableName: {name}")
    ddb.put_item(TableName=name, Item={"pk": s("in first")})
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    disabled = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in disabled and disabled["LatestStreamArn"] == first["LatestStreamArn"]
    # The disabled stream stays readable; every shard of it is closed.
    records, shards = read_all(streams, first["LatestStreamArn"])
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["in first"]
    assert all("EndingSequenceNumber" in shard["SequenceNumberRange"] for shard in shards)
    assert streams.describe_stream(StreamArn=first["LatestStreamArn"])["StreamDescription"]["StreamStatus"] == "DISABLED"
    time.sleep(0.002)
    second = ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]
    assert second["LatestStreamArn"] != first["LatestStreamArn"]
    listed = streams.list_streams(TableName=name)["Streams"]
    assert [x["StreamArn"] for x in listed] == [first["LatestStreamArn"], second["LatestStreamArn"]]
    page = streams.list_streams(TableName=name, Limit=1)
    assert len(page["Streams"]) == 1 and page["LastEvaluatedStreamArn"] == first["LatestStreamArn"]
    assert streams.list_streams(TableName=name, ExclusiveStartStreamArn=page["LastEvaluatedStreamArn"])["Streams"] == listed[1:]
    with pytest.raises(ClientError) as e:
        streams.describe_stream(StreamArn=first["LatestStreamArn"] + "x")
    assert error_of(e)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        ddb.create_table(TableName="streamless_bad", BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], StreamSpecification={"StreamEnabled": True})
    assert error_of(e)[1] == "One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required"


def test_iterators_by_sequence_latest_and_limits(ddb, endpoint):
    streams = streams_client(endpoint)
    name = with_stream(ddb, view="KEYS_ONLY")
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": s(str(i))})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    [shard] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    records = streams.get_records(ShardIterator=streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"], Limit=2)
    assert len(records["Records"]) == 2 and "NextShardIterator" in records
    third = records["Records"][1]["dynamodb"]["SequenceNumber"]
    at = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=third)["ShardIterator"]
    after = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=third)["ShardIterator"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=at)["Records"]] == ["1", "2", "3", "4"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=after)["Records"]] == ["2", "3", "4"]
    latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST")["ShardIterator"]
    assert streams.get_records(ShardIterator=latest)["Records"] == []
    ddb.put_item(TableName=name, Item={"pk": s("new")})
    page = streams.get_records(ShardIterator=latest)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["new"]
    assert streams.get_records(ShardIterator=page["NextShardIterator"])["Records"] == []
    with pytest.raises(ClientError) as e:
        streams.get_records(ShardIterator=latest, Limit=1001)
    assert error_of(e)[0] == "ValidationException"
    with pytest.raises(ClientError) as e:
        streams.get_records(ShardIterator="not an iterator")
    assert error_of(e) == ("ValidationException", "Invalid ShardIterator")
    with pytest.raises(ClientError) as e:
        streams.get_shard_iterator(StreamArn=arn, ShardId="shardId-00000000000000000000-00000009", ShardIteratorType="LATEST")
    assert error_of(e)[0] == "ResourceNotFoundException"


def test_shards_roll_over_and_expire_with_the_controlled_clock(spawn):
    server = spawn("--clock", "controlled", "--stream-shard-seconds", "60")
    client = server.client()
    streams = streams_client(server.endpoint)
    name = with_stream(client, view="NEW_IMAGE")
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]

    def advance(seconds):
        requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": seconds}).raise_for_status()

    client.put_item(TableName=name, Item={"pk": s("first")})
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    advance(90)
    client.put_item(TableName=name, Item={"pk": s("second")})
    records, shards = read_all(streams, arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["first", "second"]
    assert len(shards) == 2 and shards[1]["ParentShardId"] == shards[0]["ShardId"] and "ParentShardId" not in shards[0]
    assert "EndingSequenceNumber" in shards[0]["SequenceNumberRange"] and "EndingSequenceNumber" not in shards[1]["SequenceNumberRange"]
    # The closed parent, read through, gives no next iterator.
    page = streams.get_records(ShardIterator=iterator)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["first"] and "NextShardIterator" not in page
    # Iterators last 15 minutes; records 24 hours.
    fresh = streams.get_shard_iterator(StreamArn=arn, ShardId=shards[1]["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    advance(16 * 60)
    with pytest.raises(ClientError) as e:
        streams.get_records(ShardIterator=fresh)
    assert error_of(e) == ("ExpiredIteratorException", "The provided iterator exceeds the maximum age allowed.")
    second_sequence = records[1]["dynamodb"]["SequenceNumber"]
    advance(25 * 3600)
    client.put_item(TableName=name, Item={"pk": s("third")})
    records, shards = read_all(streams, arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["third"]
    with pytest.raises(ClientError) as e:
        streams.get_shard_iterator(StreamArn=arn, ShardId=shards[-1]["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=second_sequence)
    assert error_of(e) == ("TrimmedDataAccessException", "The data you are trying to access has been trimmed")


def test_ttl_removals_carry_the_service_identity(spawn):
    server = spawn("--clock", "controlled", "--ttl-interval", "0.05")
    client = server.client()
    streams = streams_client(server.endpoint)
    name = with_stream(client, view="OLD_IMAGE")
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    now = requests.get(server.endpoint + "/_trident/clock").json()["epochSeconds"]
    client.put_item(TableName=name, Item={"pk": s("session"), "expires": n(int(now) + 60)})
    client.delete_item(TableName=name, Key={"pk": s("other")})
    client.put_item(TableName=name, Item={"pk": s("user-deleted")})
    client.delete_item(TableName=name, Key={"pk": s("user-deleted")})
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 120}).raise_for_status()
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    records, _ = read_all(streams, arn)
    removes = [r for r in records if r["eventName"] == "REMOVE"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in removes] == ["user-deleted", "session"]
    assert "userIdentity" not in removes[0]
    assert removes[1]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert removes[1]["dynamodb"]["OldImage"]["pk"] == s("session")


def test_acknowledged_writes_are_in_the_stream_after_kill_9(spawn):
    first = spawn()
    client = first.client()
    name = with_stream(client, view="KEYS_ONLY")
    for i in range(300):
        client.put_item(TableName=name, Item={"pk": s(f"k{i}")})
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    first.kill9()
    second = spawn(data_dir=first.data_dir)
    records, _ = read_all(streams_client(second.endpoint), arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == [f"k{i}" for i in range(300)]


def test_tags(ddb):
    name = create_indexed_table(ddb, {"pk": "S"}, ("pk", None), Tags=[{"Key": "team", "Value": "web"}])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "web"}]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "ci"}, {"Key": "team", "Value": "api"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "api"}, {"Key": "env", "Value": "ci"}]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "ci"}]
    for tags, message in [
        ([{"Key": "aws:x", "Value": "v"}], "Tag Key cannot be prefixed with aws:, Key: aws:x"),
        ([{"Key": "k" * 129, "Value": "v"}], "The Tag Key provided is invalid, Key: " + "k" * 129),
        ([{"Key": "k", "Value": "v" * 257}], "The Tag Value provided is invalid, Value: " + "v" * 257),
        ([{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}], "Duplicate Tag Keys provided as input: Duplicate Tag Key found k"),
        ([{"Key": f"k{i}", "Value": "v"} for i in range(50)], "Number of Tags exceed the current limit for the provided ResourceArn"),
        ([], "Atleast one Tag needs to be provided as Input."),
    ]:
        with pytest.raises(ClientError) as e:
            ddb.tag_resource(ResourceArn=arn, Tags=tags)
        assert error_of(e) == ("ValidationException", message)
    missing = arn.replace(name, "no_such_table")
    with pytest.raises(ClientError) as e:
        ddb.list_tags_of_resource(ResourceArn=missing)
    assert error_of(e) == ("ResourceNotFoundException", f"Requested resource not found: ResourceArn: {missing} not found")


def test_settings_tools_read(ddb, endpoint):
    assert ddb.describe_endpoints()["Endpoints"] == [{"Address": endpoint.split("://")[1], "CachePeriodInMinutes": 1440}]
    assert ddb.describe_limits()["AccountMaxReadCapacityUnits"] == 80000
    name = create_indexed_table(ddb, {"pk": "S"}, ("pk", None), DeletionProtectionEnabled=True, TableClass="STANDARD_INFREQUENT_ACCESS")
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["DeletionProtectionEnabled"] is True and table["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    with pytest.raises(ClientError) as e:
        ddb.delete_table(TableName=name)
    assert error_of(e) == ("ValidationException", "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups == {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}
    enabled = ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    assert enabled["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, TableClass="COLD")
    assert error_of(e)[1].startswith("Invalid table-class parameter provided.")
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=name)
