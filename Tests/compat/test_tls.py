"""`--tls-cert` / `--tls-key`: the same API over https, for SDK set-ups that insist on one. boto3
verifies the server's certificate against the one given, and plain http on the port fails."""

import subprocess

import boto3
import pytest
import requests
from botocore.config import Config


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return str(cert), str(key)


def test_the_api_over_https(spawn, certificate):
    cert, key = certificate
    server = spawn("--tls-cert", cert, "--tls-key", key)
    assert server.endpoint.startswith("https://")
    ddb = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id="a",
                       aws_secret_access_key="b", verify=cert, config=Config(retries={"total_max_attempts": 1}))
    ddb.create_table(TableName="secure", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName="secure", Item={"id": {"S": "k"}})
    assert ddb.get_item(TableName="secure", Key={"id": {"S": "k"}})["Item"] == {"id": {"S": "k"}}
    assert requests.get(server.endpoint + "/", verify=cert).text.startswith("healthy: ")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.endpoint.replace("https://", "http://") + "/", timeout=5)


def test_a_certificate_without_its_key_is_refused(binary, certificate):
    out = subprocess.run([binary, "serve", "--port", "0", "--tls-cert", certificate[0]], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "--tls-cert and --tls-key go together" in out.stderr
