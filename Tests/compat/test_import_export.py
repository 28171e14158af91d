"""`trident export` and `trident import`: the line format of DynamoDB's export to S3 (DynamoDB
JSON, gzip), a round trip that keeps every attribute type, and seed files that load an export."""

import base64
import gzip
import json
import subprocess

import pytest

EVERY_TYPE = {
    "id": {"S": "k1"}, "s": {"S": "text ünïcode"}, "n": {"N": "-12.5e3"}, "b": {"B": base64.b64encode(b"\x00\x01\xff").decode()},
    "t": {"BOOL": True}, "z": {"NULL": True}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [base64.b64encode(b"x").decode()]}, "l": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"BOOL": False}}}]},
    "m": {"M": {"a": {"L": []}, "b": {"M": {}}}},
}


def wire(value):
    """boto3's decoded item as DynamoDB JSON on the wire (binary values base64)."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value


def run(binary, *args):
    done = subprocess.run([binary, *args], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done


def test_export_then_import_keeps_every_attribute_type(spawn, binary, tmp_path):
    source = spawn()
    c = source.client()
    c.create_table(TableName="src", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    c.put_item(TableName="src", Item=EVERY_TYPE)
    stored = c.get_item(TableName="src", Key={"id": {"S": "k1"}}, ConsistentRead=True)["Item"]  # numbers as the service normalises them
    for i in range(2500):  # more than one Scan page of 1 MB
        c.put_item(TableName="src", Item={"id": {"S": f"bulk{i:05d}"}, "pad": {"S": "p" * 500}})
    export = tmp_path / "data.json.gz"
    run(binary, "export", "src", "--endpoint", source.endpoint, "--output", str(export))
    lines = gzip.decompress(export.read_bytes()).decode().splitlines()
    assert len(lines) == 2501 and all(line.startswith('{"Item":') for line in lines)
    assert wire(stored) in [json.loads(line)["Item"] for line in lines]
    plain = run(binary, "export", "src", "--endpoint", source.endpoint).stdout.decode().splitlines()
    by_key = lambda rows: sorted((json.loads(r) for r in rows), key=lambda r: r["Item"]["id"]["S"])
    assert by_key(plain) == by_key(lines)

    target = spawn()
    run(binary, "import", str(export), "--table", "dst", "--partition-key", "id:S", "--endpoint", target.endpoint, "--chunk", "1000")
    t = target.client()
    assert t.describe_table(TableName="dst")["Table"]["ItemCount"] == 2501
    assert t.get_item(TableName="dst", Key={"id": {"S": "k1"}}, ConsistentRead=True)["Item"] == stored


def test_import_refuses_bad_lines_and_writes_nothing(spawn, binary, tmp_path):
    server = spawn()
    c = server.client()
    c.create_table(TableName="t01", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
                   KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    bad = tmp_path / "bad.json"
    bad.write_text('{"Item": {"id": {"N": "1"}}}\n{"Item": {"id": {"S": "wrong type"}}}\n')
    done = subprocess.run([binary, "import", str(bad), "--table", "t01", "--endpoint", server.endpoint], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and "line 2" in done.stderr and "ValidationException" in done.stderr
    assert c.scan(TableName="t01")["Count"] == 0
    # A key twice in one load: the last line wins, counted once.
    twice = tmp_path / "twice.json"
    twice.write_text('{"Item": {"id": {"N": "9"}, "v": {"S": "first"}}}\n{"Item": {"id": {"N": "9"}, "v": {"S": "second"}}}\n')
    run(binary, "import", str(twice), "--table", "t01", "--endpoint", server.endpoint)
    assert c.get_item(TableName="t01", Key={"id": {"N": "9"}}, ConsistentRead=True)["Item"]["v"] == {"S": "second"}
    assert c.describe_table(TableName="t01")["Table"]["ItemCount"] == 1
    c.delete_item(TableName="t01", Key={"id": {"N": "9"}})
    # Bare items (no "Item" wrapper) are accepted too.
    bare = tmp_path / "bare.json"
    bare.write_text('{"id": {"N": "1"}, "v": {"S": "one"}}\n\n{"id": {"N": "2"}}\n')
    run(binary, "import", str(bare), "--table", "t01", "--endpoint", server.endpoint)
    assert c.scan(TableName="t01")["Count"] == 2


def test_a_seed_file_loads_an_export(spawn, tmp_path):
    data = tmp_path / "export" / "data"
    data.mkdir(parents=True)
    with gzip.open(data / "part-0.json.gz", "wt") as f:
        for i in range(25_000):
            f.write(json.dumps({"Item": {"pk": {"S": f"u{i}"}, "n": {"N": str(i)}}}) + "\n")
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"tables": [{
        "TableName": "users", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST",
        "ImportFrom": "export/data/part-0.json.gz", "Items": [{"pk": {"S": "extra"}}]}]}))
    server = spawn("--seed", str(seed))
    c = server.client()
    assert c.describe_table(TableName="users")["Table"]["ItemCount"] == 25_001
    assert c.get_item(TableName="users", Key={"pk": {"S": "u24999"}})["Item"]["n"] == {"N": "24999"}
    assert any("seeded users with 25001 items" in line for line in server.log_lines)
