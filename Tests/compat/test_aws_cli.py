"""The AWS CLI, as a new user would drive it against Trident (`--endpoint-url`)."""

import json
import os
import subprocess
import uuid


def aws(endpoint, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="trident", AWS_SECRET_ACCESS_KEY="trident", AWS_DEFAULT_REGION="us-east-1")
    out = subprocess.run(
        ["aws", "dynamodb", *args, "--endpoint-url", endpoint, "--output", "json"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else {}


def test_cli_table_and_item_lifecycle(endpoint):
    name = "cli_" + uuid.uuid4().hex[:8]
    created = aws(endpoint, "create-table", "--table-name", name,
                  "--attribute-definitions", "AttributeName=id,AttributeType=S",
                  "--key-schema", "AttributeName=id,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")
    assert created["TableDescription"]["TableStatus"] == "ACTIVE"
    aws(endpoint, "put-item", "--table-name", name, "--item", '{"id": {"S": "u1"}, "visits": {"N": "3"}}')
    got = aws(endpoint, "get-item", "--table-name", name, "--key", '{"id": {"S": "u1"}}')
    assert got["Item"] == {"id": {"S": "u1"}, "visits": {"N": "3"}}
    assert aws(endpoint, "describe-table", "--table-name", name)["Table"]["ItemCount"] == 1
    assert name in aws(endpoint, "list-tables")["TableNames"]
    aws(endpoint, "delete-item", "--table-name", name, "--key", '{"id": {"S": "u1"}}')
    assert "Item" not in aws(endpoint, "get-item", "--table-name", name, "--key", '{"id": {"S": "u1"}}')
    assert aws(endpoint, "delete-table", "--table-name", name)["TableDescription"]["TableStatus"] == "DELETING"


def test_cli_queries_scans_batches_and_ttl(endpoint, tmp_path):
    name = "cli_" + uuid.uuid4().hex[:8]
    aws(endpoint, "create-table", "--table-name", name,
        "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
        "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE", "--billing-mode", "PAY_PER_REQUEST")
    batch = {name: [{"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"N": str(i * 10)}}}} for i in range(5)]}
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(batch))
    assert aws(endpoint, "batch-write-item", "--request-items", f"file://{path}")["UnprocessedItems"] == {}
    out = aws(endpoint, "update-item", "--table-name", name, "--key", '{"pk": {"S": "p"}, "sk": {"N": "2"}}',
              "--update-expression", "SET v = v + :d", "--expression-attribute-values", '{":d": {"N": "1"}}', "--return-values", "UPDATED_NEW")
    assert out["Attributes"] == {"v": {"N": "21"}}
    out = aws(endpoint, "query", "--table-name", name, "--key-condition-expression", "pk = :p AND sk >= :s",
              "--expression-attribute-values", '{":p": {"S": "p"}, ":s": {"N": "3"}}')
    assert [i["sk"]["N"] for i in out["Items"]] == ["3", "4"]
    out = aws(endpoint, "scan", "--table-name", name, "--filter-expression", "v > :v", "--expression-attribute-values", '{":v": {"N": "15"}}')
    assert out["Count"] == 3
    assert aws(endpoint, "update-time-to-live", "--table-name", name, "--time-to-live-specification",
               "Enabled=true,AttributeName=expires")["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert aws(endpoint, "describe-time-to-live", "--table-name", name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    aws(endpoint, "delete-table", "--table-name", name)


def test_cli_streams_tags_and_indexes(endpoint):
    name = "cli_" + uuid.uuid4().hex[:8]
    created = aws(endpoint, "create-table", "--table-name", name,
                  "--attribute-definitions", "AttributeName=id,AttributeType=S", "AttributeName=owner,AttributeType=S",
                  "--key-schema", "AttributeName=id,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST",
                  "--global-secondary-indexes", "IndexName=byOwner,KeySchema=[{AttributeName=owner,KeyType=HASH}],Projection={ProjectionType=ALL}",
                  "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_IMAGE",
                  "--tags", "Key=team,Value=web")
    arn = created["TableDescription"]["LatestStreamArn"]
    aws(endpoint, "put-item", "--table-name", name, "--item", '{"id": {"S": "u1"}, "owner": {"S": "ann"}}')
    found = aws(endpoint, "query", "--table-name", name, "--index-name", "byOwner",
                "--key-condition-expression", "#o = :o", "--expression-attribute-names", '{"#o": "owner"}',
                "--expression-attribute-values", '{":o": {"S": "ann"}}')
    assert found["Count"] == 1
    assert aws(endpoint, "list-tags-of-resource", "--resource-arn", created["TableDescription"]["TableArn"])["Tags"] == [{"Key": "team", "Value": "web"}]
    env = dict(os.environ, AWS_ACCESS_KEY_ID="trident", AWS_SECRET_ACCESS_KEY="trident", AWS_DEFAULT_REGION="us-east-1")

    def streams(*args):
        out = subprocess.run(["aws", "dynamodbstreams", *args, "--endpoint-url", endpoint, "--output", "json"],
                             env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert [s["StreamArn"] for s in streams("list-streams", "--table-name", name)["Streams"]] == [arn]
    [shard] = streams("describe-stream", "--stream-arn", arn)["StreamDescription"]["Shards"]
    iterator = streams("get-shard-iterator", "--stream-arn", arn, "--shard-id", shard["ShardId"], "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
    [record] = streams("get-records", "--shard-iterator", iterator)["Records"]
    assert record["eventName"] == "INSERT" and record["dynamodb"]["NewImage"]["owner"] == {"S": "ann"}
    aws(endpoint, "delete-table", "--table-name", name)


def test_cli_partiql_statements(endpoint, tmp_path):
    name = "cli_" + uuid.uuid4().hex[:8]
    aws(endpoint, "create-table", "--table-name", name,
        "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
        "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE", "--billing-mode", "PAY_PER_REQUEST")
    aws(endpoint, "execute-statement", "--statement", f"INSERT INTO \"{name}\" VALUE {{'pk': 'p', 'sk': 1, 'v': 'one'}}")
    aws(endpoint, "execute-statement", "--statement", f"INSERT INTO \"{name}\" VALUE {{'pk': ?, 'sk': ?}}",
        "--parameters", '[{"S": "p"}, {"N": "2"}]')
    aws(endpoint, "execute-statement", "--statement", f"UPDATE \"{name}\" SET v = 'two' WHERE pk = 'p' AND sk = 2")
    selected = aws(endpoint, "execute-statement", "--statement", f"SELECT * FROM \"{name}\" WHERE pk = 'p' ORDER BY sk DESC")
    assert [i["v"]["S"] for i in selected["Items"]] == ["two", "one"]
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([{"Statement": f"SELECT v FROM \"{name}\" WHERE pk = 'p' AND sk = 1"},
                                 {"Statement": f"SELECT v FROM \"{name}\" WHERE pk = 'p' AND sk = 2"}]))
    answered = aws(endpoint, "batch-execute-statement", "--statements", f"file://{batch}")
    assert [r["Item"]["v"]["S"] for r in answered["Responses"]] == ["one", "two"]
    transaction = tmp_path / "transaction.json"
    transaction.write_text(json.dumps([{"Statement": f"DELETE FROM \"{name}\" WHERE pk = 'p' AND sk = 1"},
                                       {"Statement": f"DELETE FROM \"{name}\" WHERE pk = 'p' AND sk = 2"}]))
    aws(endpoint, "execute-transaction", "--transact-statements", f"file://{transaction}")
    assert aws(endpoint, "execute-statement", "--statement", f"SELECT * FROM \"{name}\"")["Items"] == []
    aws(endpoint, "delete-table", "--table-name", name)
