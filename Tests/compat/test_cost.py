"""GET /_trident/cost: a fixed workload priced by hand at us-east-1's list prices — on-demand units
per table and operation between two marks, a provisioned table's hours, the cheapest provisioned
setting its busiest second allows, storage and stream reads."""

import pytest
import requests

from indexes import create_indexed_table, s

WRU, RRU = 0.625 / 1e6, 0.125 / 1e6  # us-east-1, per request unit


def test_a_fixed_workload_costs_what_the_price_list_says(spawn):
    server = spawn("--clock", "controlled")
    client = server.client()
    admin = server.endpoint + "/_trident/cost"
    on_demand = create_indexed_table(client, {"pk": "S"}, ("pk", None), StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    provisioned = create_indexed_table(client, {"pk": "S"}, ("pk", None), throughput=(5, 5))
    requests.post(admin + "/mark", json={"name": "a"}).raise_for_status()
    for i in range(10):
        client.put_item(TableName=on_demand, Item={"pk": s(f"k{i}"), "d": s("x" * 900)})
    for i in range(4):
        client.get_item(TableName=on_demand, Key={"pk": s(f"k{i}")})  # 0.5 each
    for i in range(2):
        client.get_item(TableName=on_demand, Key={"pk": s(f"k{i}")}, ConsistentRead=True)  # 1 each
    client.transact_write_items(TransactItems=[{"Put": {"TableName": on_demand, "Item": {"pk": s("t1")}}},
                                               {"Put": {"TableName": on_demand, "Item": {"pk": s("t2")}}}])  # 2 × 2
    client.put_item(TableName=provisioned, Item={"pk": s("p")})
    streams = __import__("test_streams").streams_client(server.endpoint)
    arn = client.describe_table(TableName=on_demand)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    streams.get_records(ShardIterator=streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"])
    requests.post(server.endpoint + "/_trident/clock", json={"advanceSeconds": 3600}).raise_for_status()
    requests.post(admin + "/mark", json={"name": "b"}).raise_for_status()
    client.put_item(TableName=on_demand, Item={"pk": s("after b")})

    report = requests.get(admin, params={"region": "us-east-1", "from": "a", "to": "b"}).json()
    assert report["region"] == "us-east-1" and report["seconds"] == pytest.approx(3600, abs=1)
    tables = {t["table"]: t for t in report["tables"]}
    ops = {o["operation"]: o for o in tables[on_demand]["operations"]}
    assert ops["PutItem"]["writeRequestUnits"] == 10 and ops["PutItem"]["onDemandUSD"] == pytest.approx(10 * WRU)
    assert ops["GetItem"]["readRequestUnits"] == 4 and ops["GetItem"]["onDemandUSD"] == pytest.approx(4 * RRU)
    assert ops["TransactWriteItems"]["writeRequestUnits"] == 4
    assert tables[on_demand]["onDemandUSD"] == pytest.approx(14 * WRU + 4 * RRU)
    # Everything ran in one second of the controlled clock: that second is the peak.
    assert tables[on_demand]["cheapestProvisioned"]["writeCapacityUnits"] == 14
    assert tables[on_demand]["cheapestProvisioned"]["readCapacityUnits"] == 4
    assert tables[on_demand]["streamReadRequests"] == 1 and tables[on_demand]["streamsUSD"] == pytest.approx(0.02 / 100_000)
    assert tables[on_demand]["storageUSDPerMonth"] == pytest.approx(tables[on_demand]["storageBytes"] / 1e9 * 0.25, abs=1e-9)
    hourly = 5 * 0.00013 + 5 * 0.00065
    assert tables[provisioned]["provisioned"]["USD"] == pytest.approx(hourly, rel=1e-3)
    assert tables[provisioned]["provisioned"]["USDPerMonth"] == pytest.approx(hourly * 730)
    total = report["total"]
    assert total["onDemandUSD"] == pytest.approx(15 * WRU + 4 * RRU)
    assert total["onDemandUSDPerMonthAtThisRate"] == pytest.approx((15 * WRU + 4 * RRU) / 3600 * 30 * 86400, rel=1e-6)
    # The write after mark b is in a report up to now, not in a→b.
    assert {o["operation"]: o for o in [t for t in requests.get(admin, params={"from": "a"}).json()["tables"] if t["table"] == on_demand][0]["operations"]}["PutItem"]["writeRequestUnits"] == 11
    # The same report from the command line.
    import subprocess

    printed = subprocess.run([server.binary, "cost", "--endpoint", server.endpoint, "--region", "us-east-1", "--from", "a", "--to", "b"],
                             capture_output=True, text=True, timeout=30)
    assert printed.returncode == 0, printed.stderr
    assert "Region us-east-1" in printed.stdout and "TransactWriteItems" in printed.stdout
    assert f"provisioned 5 RCU / 5 WCU = ${hourly * 730:.2f} per month" in printed.stdout
    raw = subprocess.run([server.binary, "cost", "--endpoint", server.endpoint, "--json", "--from", "a", "--to", "b"], capture_output=True, text=True, timeout=30)
    assert __import__("json").loads(raw.stdout)["total"]["onDemandUSD"] == pytest.approx(15 * WRU + 4 * RRU)
    # top=1: the costliest table only; the totals still count both.
    top = requests.get(admin, params={"from": "a", "to": "b", "top": "1"}).json()
    assert [t["table"] for t in top["tables"]] == [on_demand] and top["total"] == report["total"]
    assert requests.get(admin, params={"region": "mars-north-1"}).status_code == 400
    assert requests.get(admin, params={"from": "nope"}).status_code == 400
    requests.post(admin + "/reset").raise_for_status()
    assert requests.get(admin).json()["total"]["onDemandUSD"] == 0
