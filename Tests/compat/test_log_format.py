"""--log-format json: every log line is one JSON object with time, level, label and message."""

import json
import time


def test_json_log_lines(spawn):
    server = spawn("--log-format", "json")
    server.stop()
    time.sleep(0.2)
    logged = [line for line in server.log_lines if line.startswith("{")]
    assert logged, server.log_lines
    for line in logged:
        entry = json.loads(line)
        assert {"time", "level", "label", "message"} <= set(entry)
    assert any(json.loads(line)["message"] == "shutting down" for line in logged)
