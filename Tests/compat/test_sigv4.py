"""`--auth sigv4`: requests are checked as AWS checks Signature Version 4. boto3, the AWS CLI and
PynamoDB work unchanged with a key the server knows (from a credentials file with several profiles,
or the environment, session tokens included) and get DynamoDB's errors otherwise: an unknown key
is UnrecognizedClientException, a wrong secret InvalidSignatureException, no signature
MissingAuthenticationTokenException, a date 15 minutes off "Signature expired". The admin API
needs a signature too; the health check does not."""

import os
import subprocess
from unittest import mock
from datetime import datetime, timedelta, timezone

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

CREDENTIALS = """# two profiles, two keys
[default]
aws_access_key_id = AKIATRIDENTDEFAULT
aws_secret_access_key = default-secret

[ci]
aws_access_key_id=AKIATRIDENTCI
aws_secret_access_key = ci/secret+with=signs
aws_session_token = ignored-here
"""


@pytest.fixture
def signed_server(spawn, tmp_path):
    path = tmp_path / "credentials"
    path.write_text(CREDENTIALS)
    return spawn("--auth", "sigv4", "--credentials", str(path))


def client(server, key, secret, token=None):
    return boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token,
                        config=Config(retries={"total_max_attempts": 1}))


def code_and_message(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_known_keys_work_and_others_get_dynamodbs_errors(signed_server):
    for key, secret in [("AKIATRIDENTDEFAULT", "default-secret"), ("AKIATRIDENTCI", "ci/secret+with=signs")]:
        assert "TableNames" in client(signed_server, key, secret).list_tables()
    # A session token is accepted (it is signed with the rest).
    assert "TableNames" in client(signed_server, "AKIATRIDENTCI", "ci/secret+with=signs", token="FwoGZXIvYXdzE").list_tables()
    assert code_and_message(client(signed_server, "AKIAUNKNOWN", "x").list_tables) == (
        "UnrecognizedClientException", "The security token included in the request is invalid.", 400)
    code, message, status = code_and_message(client(signed_server, "AKIATRIDENTDEFAULT", "wrong").list_tables)
    assert (code, status) == ("InvalidSignatureException", 400)
    assert message.startswith("The request signature we calculated does not match the signature you provided.")


def test_a_body_changed_after_signing_is_refused(signed_server):
    ddb = client(signed_server, "AKIATRIDENTDEFAULT", "default-secret")
    ddb.create_table(TableName="signed", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    request = AWSRequest(method="POST", url=signed_server.endpoint + "/", data=b'{"TableName": "signed"}',
                         headers={"X-Amz-Target": "DynamoDB_20120810.DescribeTable", "Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials("AKIATRIDENTDEFAULT", "default-secret"), "dynamodb", "us-east-1").add_auth(request)
    prepared = request.prepare()
    assert requests.post(prepared.url, data=prepared.body, headers=dict(prepared.headers)).status_code == 200
    tampered = requests.post(prepared.url, data=b'{"TableName": "other"}', headers=dict(prepared.headers))
    assert tampered.status_code == 400 and tampered.json()["__type"].endswith("#InvalidSignatureException")


def test_no_signature_and_an_old_one_are_refused(signed_server):
    bare = requests.post(signed_server.endpoint + "/", data=b"{}", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert bare.status_code == 400
    assert bare.json() == {"__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
                           "message": "Request is missing Authentication Token"}
    request = AWSRequest(method="POST", url=signed_server.endpoint + "/", data=b"{}",
                         headers={"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"})
    signer = SigV4Auth(Credentials("AKIATRIDENTDEFAULT", "default-secret"), "dynamodb", "us-east-1")
    old = datetime.now(timezone.utc) - timedelta(minutes=20)
    # botocore signs at the current time: sign as a client whose clock is 20 minutes behind.
    with mock.patch("botocore.auth.get_current_datetime", return_value=old.replace(tzinfo=None)):
        signer.add_auth(request)
    prepared = request.prepare()
    late = requests.post(prepared.url, data=prepared.body, headers=dict(prepared.headers))
    assert late.status_code == 400
    assert late.json()["__type"].endswith("#InvalidSignatureException")
    assert late.json()["message"].startswith("Signature expired: " + old.strftime("%Y%m%dT%H%M%SZ") + " is now earlier than ")


def test_keys_from_the_environment(spawn):
    env_keys = {"AWS_ACCESS_KEY_ID": "AKIAFROMENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}
    old = {k: os.environ.get(k) for k in env_keys}
    os.environ.update(env_keys)
    try:
        server = spawn("--auth", "sigv4")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert "TableNames" in client(server, "AKIAFROMENV", "env-secret").list_tables()
    assert code_and_message(client(server, "AKIATRIDENTDEFAULT", "default-secret").list_tables)[0] == "UnrecognizedClientException"


def test_the_admin_api_needs_a_signature_but_the_health_check_does_not(signed_server):
    assert requests.get(signed_server.endpoint + "/").status_code == 200
    unsigned = requests.get(signed_server.endpoint + "/_trident/zones")
    assert unsigned.status_code == 400 and "MissingAuthenticationToken" in unsigned.text
    request = AWSRequest(method="GET", url=signed_server.endpoint + "/_trident/zones")
    SigV4Auth(Credentials("AKIATRIDENTCI", "ci/secret+with=signs"), "dynamodb", "us-east-1").add_auth(request)
    prepared = request.prepare()
    signed = requests.get(prepared.url, headers=dict(prepared.headers))
    assert signed.status_code == 200 and signed.json()["leader"] == "us-east-1a"


def aws(server, key, secret, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION="us-east-1")
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_PROFILE", None)
    return subprocess.run(["aws", "dynamodb", *args, "--endpoint-url", server.endpoint], capture_output=True, text=True, env=env, timeout=60)


def test_the_aws_cli_with_right_and_wrong_keys(signed_server):
    ok = aws(signed_server, "AKIATRIDENTDEFAULT", "default-secret", "list-tables")
    assert ok.returncode == 0, ok.stderr
    bad = aws(signed_server, "AKIATRIDENTDEFAULT", "nope", "list-tables")
    assert bad.returncode != 0 and "InvalidSignatureException" in bad.stderr


def test_pynamodb_with_right_and_wrong_keys(signed_server):
    from pynamodb.attributes import UnicodeAttribute
    from pynamodb.exceptions import PynamoDBException
    from pynamodb.models import Model

    def model(key, secret):
        class Session(Model):
            class Meta:
                table_name = "pynamo_signed"
                host = signed_server.endpoint
                region = "us-east-1"
                aws_access_key_id = key
                aws_secret_access_key = secret
                read_capacity_units = 1
                write_capacity_units = 1
            id = UnicodeAttribute(hash_key=True)
            data = UnicodeAttribute(null=True)
        return Session

    good = model("AKIATRIDENTCI", "ci/secret+with=signs")
    good.create_table(wait=True)
    good(id="s1", data="hello").save()
    assert good.get("s1").data == "hello"
    with pytest.raises(PynamoDBException):
        model("AKIATRIDENTCI", "wrong").get("s1")
