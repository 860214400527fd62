"""Auth, balance, points history paging, and the per-key rate limit."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest

from poe_tui.emulator.state import DEFAULT_BALANCE, DEFAULT_KEY

HISTORY_KEYS = {"query_id", "bot_name", "creation_time", "usage_type", "cost_points", "cost_usd",
                "cost_breakdown_in_points"}


@pytest.mark.parametrize("path", ["/usage/current_balance", "/usage/points_history", "/v1/chat/completions"])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-key"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer"}])
def test_bearer_key_required(emulator, anon, path, headers):
    method = "POST" if path.startswith("/v1/chat") else "GET"
    body = {"model": "Demo-Echo", "messages": [{"role": "user", "content": "hi"}]}
    response = anon.request(method, path, headers=headers,
                             json=body if method == "POST" else None)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "authentication_error" and error["message"]
    assert "wrong-key" not in response.text
    assert emulator.state.balance() == DEFAULT_BALANCE


def test_balance_and_keys(emulator, http, anon):
    assert DEFAULT_KEY == "poe-emulator-key"
    response = http.get("/usage/current_balance")
    assert response.status_code == 200 and response.json() == {"current_point_balance": DEFAULT_BALANCE}
    emulator.state.add_key("other", 42)
    other = anon.get("/usage/current_balance", headers={"Authorization": "Bearer other"})
    assert other.json()["current_point_balance"] == 42
    emulator.state.revoke_key("other")
    gone = anon.get("/usage/current_balance", headers={"Authorization": "Bearer other"})
    assert gone.status_code == 401


def test_points_go_down_and_history_records_each_reply(emulator, http, chat):
    before = http.get("/usage/current_balance").json()["current_point_balance"]
    t0 = time.time_ns() // 1000
    assert chat("Demo-Markdown", "first").status_code == 200
    assert chat("claude-sonnet-4.6", "second").status_code == 200
    after = http.get("/usage/current_balance").json()["current_point_balance"]
    history = http.get("/usage/points_history").json()
    assert history["has_more"] is False and history["length"] == 2
    newest, oldest = history["data"]
    assert (newest["bot_name"], oldest["bot_name"]) == ("Claude-Sonnet-4.6", "Demo-Markdown")
    for entry in history["data"]:
        assert set(entry) == HISTORY_KEYS
        assert entry["usage_type"] == "API"
        assert entry["cost_points"] >= 1
        assert Decimal(entry["cost_usd"]) == entry["cost_points"] * Decimal("0.00003")
        assert t0 <= entry["creation_time"] <= time.time_ns() // 1000
        assert sum(int(v) for v in entry["cost_breakdown_in_points"].values()) == entry["cost_points"]
        assert re.fullmatch(r"[0-9a-f]{20}", entry["query_id"])
    assert before - after == newest["cost_points"] + oldest["cost_points"]
    assert newest["creation_time"] >= oldest["creation_time"]


def test_history_paging_with_starting_after(emulator, http):
    for i in range(25):
        emulator.state.charge(DEFAULT_KEY, f"Bot-{i}", i + 1, {"Request": str(i + 1)})
    default = http.get("/usage/points_history").json()
    assert default["length"] == 20 and default["has_more"] is True
    assert default["data"][0]["bot_name"] == "Bot-24"
    seen, cursor = [], None
    while True:
        params = {"limit": 7} | ({"starting_after": cursor} if cursor else {})
        page = http.get("/usage/points_history", params=params).json()
        assert page["length"] == len(page["data"]) <= 7
        seen += [e["bot_name"] for e in page["data"]]
        if not page["has_more"]:
            break
        cursor = page["data"][-1]["query_id"]
    assert seen == [f"Bot-{i}" for i in reversed(range(25))]
    assert len(http.get("/usage/points_history", params={"limit": 100}).json()["data"]) == 25
    last_id = default["data"][-1]["query_id"]
    rest = http.get("/usage/points_history", params={"starting_after": last_id}).json()
    assert [e["bot_name"] for e in rest["data"]] == ["Bot-4", "Bot-3", "Bot-2", "Bot-1", "Bot-0"]
    assert rest["has_more"] is False


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"limit": -1},
                                    {"starting_after": "no-such-query"}])
def test_history_rejects_bad_paging(http, params):
    response = http.get("/usage/points_history", params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] in params


def test_fresh_history_entry_may_show_zero_cost(emulator, http, chat):
    emulator.state.history_pending_seconds = 60
    chat("Demo-Echo", "x")
    entry = http.get("/usage/points_history").json()["data"][0]
    assert entry["cost_points"] == 0
    emulator.state.history_pending_seconds = 0
    assert http.get("/usage/points_history").json()["data"][0]["cost_points"] == 1


def test_rate_limit_429_with_retry_after(emulator, http, anon, chat):
    emulator.state.rate_limit_per_minute = 3
    emulator.state.add_key("second-key")
    assert [chat("Demo-Echo", str(i)).status_code for i in range(2)] == [200, 200]
    assert http.get("/usage/current_balance").status_code == 200
    before = emulator.state.balance()
    limited = chat("Demo-Echo", "one too many")
    assert limited.status_code == 429
    assert limited.json()["error"]["type"] == "rate_limit_error"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert emulator.state.balance() == before, "a 429 costs no points"
    assert http.get("/usage/current_balance").status_code == 429
    other = anon.get("/usage/current_balance", headers={"Authorization": "Bearer second-key"})
    assert other.status_code == 200, "the limit is per key"


def test_rate_limit_window_slides(emulator):
    state = emulator.state
    state.rate_limit_per_minute = 2
    assert state.check_rate("k", now=100.0) is None
    assert state.check_rate("k", now=110.0) is None
    assert state.check_rate("k", now=120.0) == pytest.approx(40.0)
    assert state.check_rate("k", now=160.5) is None
