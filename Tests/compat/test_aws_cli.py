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
