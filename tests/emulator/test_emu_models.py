"""The shipped bot list and GET /v1/models."""

from __future__ import annotations

import json
from importlib import resources


CONTRACT_FIELDS = ("id", "created", "description", "owned_by", "architecture", "pricing", "context_window",
                   "metadata", "reasoning", "supported_endpoints", "parameters")


def shipped() -> tuple[bytes, dict]:
    raw = resources.files("poe_tui.emulator").joinpath("data/models.json").read_bytes()
    return raw, json.loads(raw)


def test_shipped_list_keeps_every_real_bot_and_contract_field():
    raw, body = shipped()
    real = [m for m in body["data"] if m["owned_by"] != "poe-tui demo"]
    assert len(real) == 362
    assert len({m["id"] for m in real}) == 362
    for m in real:
        for name in CONTRACT_FIELDS:
            assert name in m, (m["id"], name)
        assert m["metadata"]["display_name"]
        assert set(m["architecture"]) >= {"input_modalities", "output_modalities"}
        assert "image" not in m["metadata"] and "url" not in m["metadata"]
    # The April 2026 recording is 746,468 bytes; the trimmed copy is clearly smaller.
    assert len(raw) < 560_000
    by_id = {m["id"]: m for m in real}
    assert by_id["claude-sonnet-4.6"]["metadata"]["display_name"] == "Claude-Sonnet-4.6"
    assert by_id["gpt-5.4"]["pricing"]["prompt"] == "0.0000022"
    assert {p["name"] for p in by_id["gpt-5.4"]["parameters"]} == {"web_search", "reasoning_effort", "verbosity"}
    assert by_id["claude-haiku-4.5"]["reasoning"]["budget"]["max_tokens"] == 63999


def test_demo_bots_have_the_same_shape():
    _, body = shipped()
    demo = {m["metadata"]["display_name"]: m for m in body["data"] if m["owned_by"] == "poe-tui demo"}
    assert set(demo) == {"Demo-Markdown", "Demo-Echo", "Demo-Reasoner", "Demo-Long", "Demo-Image"}
    real_keys = set(next(m for m in body["data"] if m["id"] == "gpt-5.4"))
    for m in demo.values():
        assert set(m) == real_keys
        assert m["id"] == m["metadata"]["display_name"].lower()
    reasoner = demo["Demo-Reasoner"]
    assert reasoner["reasoning"]["supports_reasoning_effort"] is True
    assert [p["name"] for p in reasoner["parameters"]] == ["reasoning_effort"]
    assert demo["Demo-Image"]["architecture"]["output_modalities"] == ["image"]


def test_models_endpoint_needs_no_key(anon):
    response = anon.get("/v1/models")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["openai-version"] == "2020-10-01"
    body = response.json()
    assert body["object"] == "list" and len(body["data"]) == 367
    assert body == shipped()[1]


def test_models_endpoint_ignores_a_bad_key(emulator, anon):
    response = anon.get("/v1/models", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 200
    logged = emulator.state.requests[-1]
    assert logged.path == "/v1/models" and logged.headers["authorization"] == "Bearer …", "credentials never kept in the log"


def test_unknown_path_is_a_json_404(http):
    response = http.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_request_log_masks_real_looking_keys(emulator):
    import httpx

    secret = "sk-poe-this-is-a-real-key-1234"
    httpx.get(emulator.base_url + "/usage/current_balance", headers={"Authorization": f"Bearer {secret}"})
    logged = emulator.state.requests[-1]
    assert logged.headers["authorization"] == "Bearer …1234"
    served = httpx.get(emulator.base_url + "/_emulator/requests").text
    assert secret not in served


def test_request_log_never_holds_an_accepted_key(emulator):
    import httpx

    secret = "sk-poe-an-accepted-real-key-5678"
    emulator.state.add_key(secret)
    assert httpx.get(emulator.base_url + "/usage/current_balance", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert emulator.state.requests[-1].key == "…5678"
    served = httpx.get(emulator.base_url + "/_emulator/requests").text
    assert secret not in served and "…5678" in served
