"""Replaying the 76 real recorded requests: same status family and the same response structure.

The recordings are from March 2026; since April the service rejects top-level keys a bot does
not declare, so recorded requests sending an undeclared `reasoning_effort` now get a 400.
"""

from __future__ import annotations

import pytest
from emulator_wire import load_recordings, shape

from poe_tui.emulator.bots import catalog
from poe_tui.emulator.validation import STANDARD_KEYS

RECORDINGS = load_recordings()


def expected_status(rec: dict) -> int:
    bot = catalog().lookup(rec["request"]["model"])
    undeclared = [k for k in rec["request"] if k not in STANDARD_KEYS and k not in bot.parameters]
    return 400 if undeclared or (rec["request"].get("tools") and not bot.supports_tools) else 200


def test_recordings_are_all_here():
    assert len(RECORDINGS) == 76
    assert sum(expected_status(r) == 200 for r in RECORDINGS) >= 60


@pytest.mark.parametrize("rec", RECORDINGS, ids=[r["name"] for r in RECORDINGS])
def test_replayed_request(http, rec):
    response = http.post("/v1/chat/completions", json=rec["request"])
    want = expected_status(rec)
    assert response.status_code == want, response.text
    body = response.json()
    assert set(response.headers) >= {"content-type", "openai-processing-ms", "openai-version"}
    if want != 200:
        assert set(body) == {"error"} and body["error"]["type"] == "invalid_request_error"
        assert {"message", "type"} <= set(body["error"]) <= {"message", "type", "param", "code"}
        return
    recorded = rec["response"]
    assert list(body) == list(recorded)
    assert body["model"] == recorded["model"], "the model string is echoed as sent"
    choice, rchoice = body["choices"][0], recorded["choices"][0]
    assert list(choice) == list(rchoice)
    assert choice["finish_reason"] == rchoice["finish_reason"]
    message, rmessage = choice["message"], rchoice["message"]
    assert list(message)[:2] == ["role", "content"]
    assert set(message) <= {"role", "content", "reasoning_content", "reasoning", "tool_calls"}
    assert ("tool_calls" in message) == ("tool_calls" in rmessage)
    if "tool_calls" in message:
        call, rcall = message["tool_calls"][0], rmessage["tool_calls"][0]
        assert shape({k: call[k] for k in ("id", "type", "function")}) == shape(
            {k: rcall[k] for k in ("id", "type", "function")})
        assert call["function"]["arguments"] == rcall["function"]["arguments"]
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        assert isinstance(body["usage"][key], int)
    if rec["status"] == 400:
        pytest.fail("a recorded 400 replayed as 200")


def test_the_recorded_tool_refusal_is_reproduced_exactly(http):
    rec = next(r for r in RECORDINGS if r["request"]["model"] == "kimi-k2.5-fw")
    response = http.post("/v1/chat/completions", json=rec["request"])
    assert response.status_code == 400 and response.json() == rec["response"]
