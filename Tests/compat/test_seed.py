"""`trident serve --seed FILE`: the session-store starter tables exist with TTL at start, and loading
the same seed again leaves existing tables (and their items) alone."""

import os

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "Fixtures")


def test_session_store_tables_are_seeded_once(spawn):
    stores = os.path.join(FIXTURES, "session-stores.json")
    example = os.path.join(FIXTURES, "example-seed.json")
    server = spawn("--seed", stores, "--seed", example)
    ddb = server.client()
    names = ddb.list_tables()["TableNames"]
    assert {"sessions", "ruby_sessions", "Tomcat_SessionState", "Sessions", "users"} <= set(names)
    ttl = {t: ddb.describe_time_to_live(TableName=t)["TimeToLiveDescription"] for t in ("sessions", "ruby_sessions", "Sessions", "Tomcat_SessionState")}
    assert ttl["sessions"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert ttl["ruby_sessions"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expire_at"}
    assert ttl["Sessions"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiration"}
    assert ttl["Tomcat_SessionState"] == {"TimeToLiveStatus": "DISABLED"}
    assert ddb.describe_table(TableName="users")["Table"]["ItemCount"] == 2
    # The log says what was loaded (large files also log their progress).
    assert any("seeded users with 2 items" in line for line in server.log_lines)
    ddb.put_item(TableName="sessions", Item={"id": {"S": "kept"}, "data": {"S": "x"}})
    ddb.delete_item(TableName="users", Key={"tenant": {"S": "acme"}, "user": {"S": "ada"}})
    assert server.stop() == 0

    again = spawn("--seed", stores, "--seed", example, data_dir=server.data_dir)
    ddb = again.client()
    assert "Item" in ddb.get_item(TableName="sessions", Key={"id": {"S": "kept"}})
    # The existing table was left alone: the deleted seed item did not come back.
    assert ddb.describe_table(TableName="users")["Table"]["ItemCount"] == 1


def test_a_bad_seed_file_stops_the_start(spawn, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tables": [{"TableName": "x;y", "KeySchema": []}]}')
    server = spawn("--seed", str(bad), start=False)
    import pytest

    with pytest.raises(RuntimeError):
        server.start()
