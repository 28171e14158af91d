"""GET /metrics in Prometheus's text format, read with Prometheus's own Python parser: requests by
operation and outcome with latency histograms, table figures, throttles, TTL deletions, zones,
the log and open connections; answered to this host only."""

import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import TridentProcess


def scrape(server):
    response = requests.get(server.endpoint + "/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def test_metrics_count_what_the_server_did(spawn):
    server = spawn("--clock", "controlled", "--ttl-interval", "0.05")
    client = server.client()
    client.create_table(TableName="metered", BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    client.update_time_to_live(TableName="metered", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    now = int(requests.get(server.endpoint + "/_trident/clock").json()["epochSeconds"])
    client.put_item(TableName="metered", Item={"pk": {"S": "k0"}, "exp": {"N": str(now + 10)}})
    for i in range(1, 300):
        client.put_item(TableName="metered", Item={"pk": {"S": f"k{i}"}})
    try:
        client.put_item(TableName="metered", Item={"pk": {"S": "over"}})
    except client.exceptions.ProvisionedThroughputExceededException:
        pass
    client.get_item(TableName="metered", Key={"pk": {"S": "k1"}})
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 60}).raise_for_status()
    requests.post(server.endpoint, data=b"{}", headers={"X-Amz-Target": "DynamoDB_20120810.Nonsense" + "x" * 50,
                                                       "Content-Type": "application/x-amz-json-1.0"})
    samples = scrape(server)
    assert value(samples, "trident_requests_total", operation="PutItem", outcome="success") == 300
    assert value(samples, "trident_requests_total", operation="PutItem", outcome="ProvisionedThroughputExceededException") == 1
    assert value(samples, "trident_requests_total", operation="unknown", outcome="UnknownOperationException") == 1
    assert value(samples, "trident_request_duration_seconds_count", operation="PutItem") == 301
    assert value(samples, "trident_request_duration_seconds_bucket", operation="GetItem", le="+Inf") == 1
    assert value(samples, "trident_table_items", table="metered") == 299
    assert value(samples, "trident_consumed_capacity_units_total", table="metered", kind="write") == 300
    assert value(samples, "trident_throttled_requests_total", table="metered", kind="write") == 1
    assert value(samples, "trident_ttl_deletions_total") == 1
    zones = [k for k in samples if k[0] == "trident_zone_applied_sequence"]
    assert len(zones) == 3 and all(samples[k] >= 300 for k in zones)
    assert value(samples, "trident_log_sequence") >= 300
    assert value(samples, "trident_open_connections") >= 1
    assert value(samples, "trident_disk_full") == 0


def test_metrics_answer_only_this_host_by_default(binary):
    import socket

    # This machine's address on its network (a UDP "connect" sends nothing).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))
        host = probe.getsockname()[0]
    assert not host.startswith("127."), "the test needs an address other than loopback"
    server = TridentProcess(binary, "--host", "0.0.0.0").start()
    try:
        port = server.endpoint.rsplit(":", 1)[1]
        assert requests.get(f"http://{host}:{port}/metrics").status_code == 403
        assert requests.get(f"http://127.0.0.1:{port}/metrics").status_code == 200
    finally:
        server.cleanup()
