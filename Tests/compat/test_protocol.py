"""The wire protocol as DynamoDB speaks it: target dispatch, content types, error envelopes,
x-amzn-RequestId and x-amz-crc32 on every response, health line, request size limit, keep-alive."""

import json
import socket
import zlib
from urllib.parse import urlparse

import pytest
import requests

TARGET = "DynamoDB_20120810."


def post(endpoint, target, body, content_type="application/x-amz-json-1.0", session=None):
    headers = {"Content-Type": content_type}
    if target is not None:
        headers["X-Amz-Target"] = target
    return (session or requests).post(endpoint + "/", data=body, headers=headers)


def check_headers(resp):
    assert len(resp.headers["x-amzn-RequestId"]) == 52
    assert int(resp.headers["x-amz-crc32"]) == zlib.crc32(resp.content)


def test_health_line_names_the_host_asked_for(endpoint):
    resp = requests.get(endpoint + "/")
    assert resp.status_code == 200
    assert resp.text == "healthy: " + urlparse(endpoint).netloc + " "
    assert requests.get(endpoint + "/", headers={"Host": "dynamodb.us-east-1.amazonaws.com"}).text == \
        "healthy: dynamodb.us-east-1.amazonaws.com "


def test_success_has_request_id_crc_and_content_type(endpoint):
    resp = post(endpoint, TARGET + "ListTables", "{}")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/x-amz-json-1.0"
    check_headers(resp)
    assert "TableNames" in resp.json()
    ids = {post(endpoint, TARGET + "ListTables", "{}").headers["x-amzn-RequestId"] for _ in range(5)}
    assert len(ids) == 5


def test_json_1_1_content_type_is_accepted(endpoint):
    resp = post(endpoint, TARGET + "ListTables", "{}", content_type="application/x-amz-json-1.1")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/x-amz-json-1.1"


@pytest.mark.parametrize("target", [None, "DynamoDB_20120810.NoSuchThing", "Other_20120810.ListTables", "ListTables"])
def test_unknown_or_missing_target(endpoint, target):
    resp = post(endpoint, target, "{}")
    assert resp.status_code == 400
    check_headers(resp)
    assert resp.json() == {"__type": "com.amazon.coral.service#UnknownOperationException"}


@pytest.mark.parametrize("body", ["", "{", "not json", "[1, 2]", '{"a": tru}', "\xff\xfe"])
def test_malformed_body_is_serialization_exception(endpoint, body):
    resp = post(endpoint, TARGET + "ListTables", body.encode("latin-1"))
    assert resp.status_code == 400
    check_headers(resp)
    assert resp.json() == {"__type": "com.amazon.coral.service#SerializationException"}


@pytest.mark.parametrize(
    "body,message",
    [
        ({"TableName": 12}, "NUMBER_VALUE cannot be converted to String"),
        ({"TableName": True}, "TRUE_VALUE cannot be converted to String"),
        ({"TableName": {}}, "Start of structure or map found where not expected"),
        ({"TableName": "abc", "Key": {"id": {"S": 5}}}, "NUMBER_VALUE cannot be converted to String"),
        ({"TableName": "abc", "Key": {"id": {"B": "abc"}}}, "Base64 encoded length is expected a multiple of 4 bytes but found: 3"),
        ({"TableName": "abc", "Key": []}, "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"),
        ({"TableName": "abc", "Key": {"id": {"S": "a"}}, "ConsistentRead": "yes"}, "Unexpected token received from parser"),
    ],
)
def test_wrong_json_types_are_serialization_errors(endpoint, body, message):
    resp = post(endpoint, TARGET + "GetItem", json.dumps(body))
    assert resp.status_code == 400
    assert resp.json() == {"__type": "com.amazon.coral.service#SerializationException", "Message": message}


def test_validation_error_envelope(endpoint):
    resp = post(endpoint, TARGET + "GetItem", json.dumps({"Key": {"id": {"S": "a"}}}))
    assert resp.status_code == 400
    check_headers(resp)
    assert resp.json() == {
        "__type": "com.amazon.coral.validate#ValidationException",
        "message": "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    }


def test_wrong_method_or_content_type_is_not_the_api(endpoint):
    resp = post(endpoint, TARGET + "ListTables", "{}", content_type="text/plain")
    assert resp.status_code == 404
    assert resp.text == "<UnknownOperationException/>\n"
    resp = requests.put(endpoint + "/", data="{}", headers={"X-Amz-Target": TARGET + "ListTables"})
    assert resp.status_code == 404


def test_request_over_16_mib_is_refused(endpoint):
    body = b'{"TableName": "' + b"a" * (16 * 1024 * 1024) + b'"}'
    resp = post(endpoint, TARGET + "ListTables", body)
    assert resp.status_code == 413
    # The server is still fine afterwards.
    assert post(endpoint, TARGET + "ListTables", "{}").status_code == 200


def test_keep_alive_and_pipelining(endpoint):
    url = urlparse(endpoint)
    with socket.create_connection((url.hostname, url.port)) as s:
        body = b"{}"
        one = (
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b"X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 2\r\n\r\n" + body
        )
        s.sendall(one * 3)
        data = b""
        while data.count(b"HTTP/1.1 200 OK") < 3:
            chunk = s.recv(65536)
            assert chunk, "connection closed early"
            data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == 3
