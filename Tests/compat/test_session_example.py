"""examples/session-failover run in both modes (what `make example` shows), each step's outcome
asserted, so the example can never rot."""

import json
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def test_the_session_failover_example(binary, tmp_path):
    out = tmp_path / "outcomes.json"
    done = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "session-failover", "driver.py"), "--trident", binary, "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text())
    sticky, shared = results["sticky"], results["shared"]

    # 1: a sticky user stays on one instance; shared requests spread over all three.
    assert sticky["1"]["cart"] == shared["1"]["cart"] == ["book", "lamp", "tea"]
    assert len(set(sticky["1"]["instances"])) == 1 and len(set(shared["1"]["instances"])) == 3
    # 2: killing the instance that served last loses the in-memory session, not the shared one.
    assert sticky["2"]["cart_intact"] is False and sticky["2"]["user"] is None and sticky["2"]["served_by"] != sticky["2"]["killed"]
    assert shared["2"]["cart_intact"] is True and shared["2"]["served_by"] != shared["2"]["killed"]
    assert set(sticky) == {"1", "2"}  # the rest concerns the shared store
    # 3: a stopped leader zone: another leads, reads and writes go on.
    assert shared["3"]["new_leader"] != shared["3"]["stopped"] and shared["3"]["zone_states"][shared["3"]["stopped"]] == "down"
    assert shared["3"]["write_status"] == shared["3"]["read_status"] == 200 and shared["3"]["cart"] == ["book", "lamp", "tea", "pen"]
    # 4: past the lifetime TTL really deletes the session; the next request starts afresh.
    assert shared["4"]["session_items_before"] == 1 and shared["4"]["session_items_after"] == 0 and shared["4"]["user"] is None
    # 5: starved of write capacity, writes are throttled, retried by the SDK, and some surface as 503s.
    five = shared["5"]
    assert five["throttled_writes"] > five["refused_503"] > 0 and five["ok"] > 0 and five["ok"] + five["refused_503"] == five["requests"]
    assert "2. " in done.stdout and "evidence:" in done.stdout
