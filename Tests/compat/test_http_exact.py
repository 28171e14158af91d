"""HTTP/1.1 as exactly as a server in front of careless and hostile clients needs it, over raw
sockets: HEAD answers headers alone; an unknown transfer coding is 501; controls in field values,
bare line feeds, chunked bodies on HTTP/1.0 and HTTP/1.1 without Host are 400; request lines and
header sections over 16 KB are 400, as DynamoDB answers them; and only `/` runs an operation."""

import socket
from urllib.parse import urlparse

import pytest


def exchange(endpoint, raw, read_until_close=True):
    """Sends raw bytes on a fresh connection; returns what came back until the server closed (or 2 s)."""
    host, port = urlparse(endpoint).hostname, urlparse(endpoint).port
    with socket.create_connection((host, port), timeout=2) as s:
        s.sendall(raw)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if not read_until_close and b"\r\n\r\n" in data:
                    break
        except socket.timeout:
            pass
        return data


def status(response):
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.") else None


GET_ITEM = b'{"TableName": "nope", "Key": {"id": {"S": "a"}}}'


def api(extra_headers=b"", body=GET_ITEM, path=b"/", version=b"HTTP/1.1", host=b"Host: x\r\n"):
    return (b"POST " + path + b" " + version + b"\r\n" + host + b"X-Amz-Target: DynamoDB_20120810.GetItem\r\n"
            b"Content-Type: application/x-amz-json-1.0\r\n" + extra_headers + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def test_head_answers_headers_alone_and_keeps_the_connection_in_step(endpoint):
    # Two requests on one connection: if HEAD sent a body, the second status line would be off.
    out = exchange(endpoint, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    first, _, rest = out.partition(b"\r\n\r\n")
    assert status(first) == 200 and b"Content-Length: 11" in first  # the length a GET's body would have
    assert rest.startswith(b"HTTP/1.1 200 OK") and rest.endswith(b"healthy: x ")


@pytest.mark.parametrize("coding", [b"gzip, chunked", b"gzip", b"deflate"])
def test_unknown_transfer_codings_are_not_implemented(endpoint, coding):
    out = exchange(endpoint, b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding + b"\r\n\r\n0\r\n\r\n")
    assert status(out) == 501


@pytest.mark.parametrize("raw", [
    api(b"X-Note: a\x00b\r\n"),                       # NUL in a value
    api(b"X-Note: a\x01b\r\n"),                       # another control
    api(b"X-Note: a\x7f\r\n"),                        # DEL
    api(b"X-Note: a\rb\r\n"),                         # a carriage return inside a value
    api(host=b""),                                    # HTTP/1.1 without Host
    api(host=b"Host: x\r\nHost: y\r\n"),              # two Hosts
    api().replace(b"\r\n", b"\n"),                    # bare line feeds
    api().replace(b"Host: x\r\n", b"Host: x\n"),      # one bare line feed
    b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",  # chunked on HTTP/1.0
], ids=["nul", "control", "del", "cr", "no-host", "two-hosts", "bare-lf", "one-bare-lf", "chunked-1.0"])
def test_malformed_requests_are_bad_requests(endpoint, raw):
    out = exchange(endpoint, raw)
    assert status(out) == 400, out[:200]
    assert b"Connection: close" in out


def test_request_line_and_header_section_over_16_kb_are_400(endpoint):
    line = b"GET /" + b"a" * (16 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert status(exchange(endpoint, line)) == 400
    fields = b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * (16 * 1024) + b"\r\n\r\n"
    assert status(exchange(endpoint, fields)) == 400
    under = b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 15000 + b"\r\nConnection: close\r\n\r\n"
    assert status(exchange(endpoint, under)) == 200


@pytest.mark.parametrize("path", [b"/garbage", b"/x/", b"//", b"/_trident", b"http://x/"])
def test_only_the_root_runs_an_operation(endpoint, path):
    out = exchange(endpoint, api(b"Connection: close\r\n", path=path))
    assert status(out) == 404, out[:200]
    assert b"ResourceNotFoundException" not in out  # the GetItem never ran
    get = exchange(endpoint, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status(get) == 404 and b"healthy" not in get


def test_the_root_with_a_query_string_is_still_the_api(endpoint):
    out = exchange(endpoint, api(b"Connection: close\r\n", path=b"/?x=1"))
    assert status(out) == 400 and b"ResourceNotFoundException" in out


@pytest.mark.parametrize("operation, member, value", [
    ("Scan", "Limit", "1e999999999"), ("Scan", "Limit", "2147483648"), ("Query", "Limit", "1e20"),
    ("Scan", "Segment", "1e999999999"), ("Scan", "TotalSegments", "-1e999999999"), ("ListTables", "Limit", "9999999999"),
])
def test_numbers_past_an_integer_are_validation_errors(endpoint, operation, member, value):
    # Not "no limit": DynamoDB's Integer members hold 32 bits, and a larger value is refused.
    import requests
    body = '{"TableName": "t", "%s": %s}' % (member, value) if operation != "ListTables" else '{"%s": %s}' % (member, value)
    resp = requests.post(endpoint + "/", data=body, headers={"X-Amz-Target": "DynamoDB_20120810." + operation,
                                                             "Content-Type": "application/x-amz-json-1.0"})
    assert resp.status_code == 400
    assert resp.json()["__type"].endswith("#ValidationException"), resp.text
    path = member[0].lower() + member[1:]
    assert f"Value '{value}' at '{path}' failed to satisfy constraint" in resp.json()["message"]
