"""The /_emulator/* control surface, for driving a standalone emulator from outside."""

from __future__ import annotations


def test_faults_over_http(emulator, anon, chat):
    response = anon.post("/_emulator/faults", json={"status": 503, "message": "busy", "retry_after": 2})
    assert response.status_code == 200 and response.json()["queued"][0]["status"] == 503
    assert anon.get("/_emulator/faults").json()["data"][0]["message"] == "busy"
    limited = chat()
    assert limited.status_code == 503 and limited.headers["retry-after"] == "2"
    assert anon.get("/_emulator/faults").json()["data"] == []
    anon.post("/_emulator/faults", json=[{"reply": "one"}, {"reply": "two"}])
    assert [chat().json()["choices"][0]["message"]["content"] for _ in range(2)] == ["one", "two"]
    anon.post("/_emulator/faults", json={"status": 500})
    assert anon.delete("/_emulator/faults").json() == {"data": []}
    assert chat().status_code == 200


def test_bad_fault_is_rejected(anon):
    assert anon.post("/_emulator/faults", json={"colour": "red"}).status_code == 400
    assert anon.post("/_emulator/faults", json={"usage_mode": "sometimes"}).status_code == 400
    assert anon.post("/_emulator/faults", content=b"{not json").status_code == 400
    assert anon.post("/_emulator/faults", json=["not an object"]).status_code == 400


def test_requests_log_over_http(anon, chat):
    chat("demo-ECHO", "hello")
    data = anon.get("/_emulator/requests").json()["data"]
    record = data[-1]
    assert record["path"] == "/v1/chat/completions" and record["model"] == "demo-ECHO"
    assert record["body"]["messages"] == [{"role": "user", "content": "hello"}]
    assert record["stream"] is False and record["cancelled"] is False and record["status"] == 200
    assert all(not r["path"].startswith("/_emulator") for r in data), "the control surface is not logged"


def test_reset_keys_and_config_over_http(emulator, anon, http, chat):
    chat()
    assert emulator.state.balance() < 1_000_000
    assert anon.post("/_emulator/keys", json={"key": "k2", "balance": 77}).json()["current_point_balance"] == 77
    assert anon.get("/usage/current_balance", headers={"Authorization": "Bearer k2"}).json() == {
        "current_point_balance": 77}
    config = anon.post("/_emulator/config", json={"tokens_per_second": 25, "rate_limit_per_minute": 9}).json()
    assert config["tokens_per_second"] == 25 and emulator.state.rate_limit_per_minute == 9
    assert anon.post("/_emulator/config", json={"nope": 1}).status_code == 400
    assert anon.post("/_emulator/reset").json() == {"ok": True}
    assert emulator.state.balance() == 1_000_000 and emulator.state.requests == []
    assert emulator.state.tokens_per_second is None and emulator.state.rate_limit_per_minute == 500
    assert anon.get("/usage/current_balance", headers={"Authorization": "Bearer k2"}).status_code == 401
