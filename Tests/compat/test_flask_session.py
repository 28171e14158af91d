"""A real session store end to end: Flask-Session 0.8's DynamoDB backend keeps a session in Trident,
reads it back on the next request, and once the clock passes the session's lifetime TTL deletes it.

Flask-Session 0.8.0 computes its expiry from a naive `datetime.utcnow()`, which is right only with
TZ=UTC, and fails silently to enable TTL (it refers to `self.table_name` before setting it), so the
test enables TTL itself — as a user of that version must."""

import os
import time
from datetime import timedelta

import boto3
import pytest
import requests


@pytest.fixture
def utc():
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_flask_session_stores_reads_and_expires(spawn, utc):
    import flask
    from flask_session import Session

    server = spawn("--clock", "controlled", "--ttl-interval", "3600")
    resource = boto3.resource("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="trident", aws_secret_access_key="trident")
    app = flask.Flask(__name__)
    app.config.update(SESSION_TYPE="dynamodb", SESSION_DYNAMODB=resource, SESSION_DYNAMODB_TABLE="Sessions",
                      SESSION_PERMANENT=True, PERMANENT_SESSION_LIFETIME=timedelta(hours=1), SECRET_KEY="test")
    Session(app)
    ddb = resource.meta.client
    assert ddb.describe_table(TableName="Sessions")["Table"]["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    ddb.update_time_to_live(TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"})

    @app.route("/login/<name>")
    def login(name):
        flask.session["user"] = name
        return "ok"

    @app.route("/whoami")
    def whoami():
        return flask.session.get("user", "nobody")

    client = app.test_client()
    assert client.get("/login/ada").data == b"ok"
    assert client.get("/whoami").data == b"ada"

    stored = resource.Table("Sessions")
    sid = client.get_cookie("session").value
    item = stored.get_item(Key={"id": "session:" + sid}, ConsistentRead=True)["Item"]
    now = requests.get(server.endpoint + "/_trident/clock").json()["epochSeconds"]
    assert now + 3500 < float(item["expiration"]) <= now + 3700

    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 1800}).raise_for_status()
    assert client.get("/whoami").data == b"ada"
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 1900}).raise_for_status()
    assert "Item" not in stored.get_item(Key={"id": "session:" + sid}, ConsistentRead=True)
    assert client.get("/whoami").data == b"nobody"
