"""Fault injection (`/_trident/faults`) through boto3's standard retry mode: each injected error
carries the service's code and status, so the SDK retries what it would retry and surfaces the rest."""

import pytest
import requests
from botocore.config import Config
import boto3


def client(endpoint, attempts):
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
                        config=Config(retries={"mode": "standard", "total_max_attempts": attempts}, connect_timeout=5, read_timeout=10))


@pytest.fixture
def server(spawn):
    return spawn()


def faults(server, method="GET", path="", **body):
    answer = requests.request(method, server.endpoint + "/_trident/faults" + path, json=body if method == "POST" else None, timeout=10)
    return answer.status_code, answer.json()


def make(server):
    c = server.client()
    c.create_table(TableName="orders", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    return c


@pytest.mark.parametrize("code,status,retried", [
    ("InternalServerError", 500, True), ("ServiceUnavailable", 503, True), ("ThrottlingException", 400, True),
    ("ProvisionedThroughputExceededException", 400, True), ("RequestLimitExceeded", 400, True), ("TransactionConflictException", 400, False),
])
def test_each_error_is_retried_as_the_sdk_would(server, code, status, retried):
    make(server)
    sdk = client(server.endpoint, attempts=4)
    # Two failures, then success: a retried error heals; the others surface at once.
    assert faults(server, "POST", operations=["PutItem"], tables=["orders"], error=code, count=2)[0] == 200
    if retried:
        answer = sdk.put_item(TableName="orders", Item={"id": {"S": "a"}})
        assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    else:
        with pytest.raises(sdk.exceptions.ClientError) as failed:
            sdk.put_item(TableName="orders", Item={"id": {"S": "a"}})
        assert failed.value.response["Error"]["Code"] == code
        assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
        assert failed.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    rules = faults(server)[1]["rules"]
    assert rules[0]["fired"] == (2 if retried else 1) and rules[0]["remaining"] == (0 if retried else 1)


def test_an_error_that_persists_is_surfaced_after_the_retries(server):
    make(server)
    sdk = client(server.endpoint, attempts=3)
    faults(server, "POST", operations=["GetItem"], error="ServiceUnavailable")
    with pytest.raises(sdk.exceptions.ClientError) as failed:
        sdk.get_item(TableName="orders", Key={"id": {"S": "a"}})
    assert failed.value.response["Error"]["Code"] == "ServiceUnavailable"
    assert failed.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert faults(server)[1]["rules"][0]["fired"] == 3
    # Other operations and tables are untouched.
    sdk.put_item(TableName="orders", Item={"id": {"S": "a"}})


def test_rules_match_tables_and_dropped_connections_are_retried(server):
    c = make(server)
    c.create_table(TableName="other", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    sdk = client(server.endpoint, attempts=3)
    faults(server, "POST", tables=["other"], error="dropConnection", count=1)
    sdk.put_item(TableName="orders", Item={"id": {"S": "a"}})  # another table: no fault
    answer = sdk.batch_write_item(RequestItems={"other": [{"PutRequest": {"Item": {"id": {"S": "b"}}}}]})
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert c.get_item(TableName="other", Key={"id": {"S": "b"}})["Item"]


def test_latency_and_probability_with_a_seed_repeat_exactly(server):
    make(server)
    sdk = client(server.endpoint, attempts=1)
    import time

    faults(server, "POST", operations=["GetItem"], latencyMs=300, count=1)
    began = time.time()
    sdk.get_item(TableName="orders", Key={"id": {"S": "a"}})
    assert time.time() - began >= 0.3

    def run():
        faults(server, "DELETE")
        requests.post(server.endpoint + "/_trident/faults/seed", json={"seed": 42}).raise_for_status()
        faults(server, "POST", operations=["PutItem"], error="InternalServerError", probability=0.5)
        outcome = []
        for i in range(40):
            try:
                sdk.put_item(TableName="orders", Item={"id": {"S": str(i)}})
                outcome.append(True)
            except sdk.exceptions.ClientError:
                outcome.append(False)
        return outcome

    first, second = run(), run()
    assert first == second and 5 < first.count(False) < 35


def test_rules_are_validated_listed_and_removed(server):
    status, answer = faults(server, "POST", error="Nope")
    assert status == 400 and "error must be one of" in answer["message"]
    assert faults(server, "POST", probability=2, error="InternalServerError")[0] == 400
    assert faults(server, "POST", operations=["PutItem"])[0] == 400  # neither error nor latency
    status, answer = faults(server, "POST", error="InternalServerError", count=1e300)
    assert status == 400 and "count must be a whole number" in answer["message"]
    status, rule = faults(server, "POST", operations=["PutItem"], error="ThrottlingException", message="slow down")
    assert status == 200 and rule["id"] >= 1 and rule["message"] == "slow down"
    assert [r["id"] for r in faults(server)[1]["rules"]] == [rule["id"]]
    assert faults(server, "DELETE", f"/{rule['id']}")[0] == 200
    assert faults(server, "DELETE", f"/{rule['id']}")[0] == 404
    assert faults(server)[1]["rules"] == []
