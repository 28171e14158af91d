"""Crash recovery: writers hammer the server, it is killed with SIGKILL at a random moment, and after
a restart every acknowledged write is there and the three zones hold identical data. Repeated 20
times, with puts and atomic counters."""

import random
import threading
import time

from conftest import make_client
from test_zones import assert_identical

S = lambda v: {"S": v}  # noqa: E731


def test_kill_9_at_random_moments_loses_no_acknowledged_write(spawn):
    rng = random.Random(20261125)
    server = spawn()
    server.client().create_table(
        TableName="crash", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    counts = {"acked_adds": 0, "attempted_adds": 0}
    lock = threading.Lock()
    total_puts = 0
    for round_ in range(20):
        stop = threading.Event()
        acked_puts = []

        def writer(t):
            client = make_client(server.endpoint)
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    if i % 4 == 0:
                        with lock:
                            counts["attempted_adds"] += 1
                        client.update_item(TableName="crash", Key={"id": S("counter")}, UpdateExpression="ADD n :one",
                                           ExpressionAttributeValues={":one": {"N": "1"}})
                        with lock:
                            counts["acked_adds"] += 1
                    else:
                        key = f"r{round_}-t{t}-{i}"
                        client.put_item(TableName="crash", Item={"id": S(key)})
                        acked_puts.append(key)
                except Exception:  # noqa: BLE001 - the server was killed under the request: not acknowledged
                    return

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        time.sleep(rng.uniform(0.05, 0.4))
        server.kill9()
        stop.set()
        for th in threads:
            th.join()

        server = spawn(data_dir=server.data_dir)
        ddb = server.client()
        missing = [k for k in acked_puts if "Item" not in ddb.get_item(TableName="crash", Key={"id": S(k)}, ConsistentRead=True)]
        assert missing == [], f"round {round_}"
        counter = ddb.get_item(TableName="crash", Key={"id": S("counter")}, ConsistentRead=True).get("Item")
        n = int(counter["n"]["N"]) if counter else 0
        assert counts["acked_adds"] <= n <= counts["attempted_adds"], f"round {round_}"
        assert_identical(server)
        total_puts += len(acked_puts)
    assert total_puts > 200
