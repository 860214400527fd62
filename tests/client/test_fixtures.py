"""The real service's recordings parse: every chat exchange and the whole model list."""

import json
from pathlib import Path

import pytest

from poe_tui.client import BadRequestError, PoeClient, parse_models
from poe_tui.client.records import Bot
from poe_tui.emulator.faults import Fault

SHARED = Path(__file__).resolve().parents[1] / "fixtures"  # copies of ../shared/fixtures
RECORDINGS = [json.loads(line) for line in (SHARED / "poe-chat-recordings-2026-03.jsonl").read_text().splitlines() if line.strip()]
MODELS = json.loads((SHARED / "poe-models-2026-04.json").read_text())


def test_fixture_files_are_there():
    assert len(RECORDINGS) == 76
    assert len(MODELS["data"]) == 362


@pytest.mark.parametrize("rec", RECORDINGS, ids=[r["name"] for r in RECORDINGS])
async def test_recording_parses_over_the_wire(emulator, api_key, rec):
    """Replay the recorded status and body from the emulator; the client must read it."""
    emulator.state.inject(Fault(status=rec["status"], body=json.dumps(rec["response"]), headers=rec.get("headers") or {}))
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        if rec["status"] == 200:
            reply = await client.chat(rec["request"]["model"], rec["request"]["messages"])
            expected = rec["response"]["choices"][0]["message"]
            assert reply.content == (expected.get("content") or "")
            assert reply.model == rec["response"]["model"]
            assert reply.finish_reason == rec["response"]["choices"][0]["finish_reason"]
            assert reply.total_tokens == rec["response"]["usage"]["total_tokens"]
        else:
            with pytest.raises(BadRequestError) as info:
                await client.chat(rec["request"]["model"], rec["request"]["messages"])
            assert info.value.message == rec["response"]["error"]["message"]
            assert info.value.code == rec["response"]["error"].get("code")


def test_whole_model_list_parses():
    bots = parse_models(MODELS)
    assert len(bots) == 362
    by_id = {b.id: b for b in bots}
    sonnet = by_id["claude-sonnet-4.6"]
    assert sonnet.display_name == "Claude-Sonnet-4.6"
    assert sonnet.vision and sonnet.context_length and sonnet.pricing.prompt is not None
    flat = by_id["deepseek-r1"]
    assert flat.pricing.request is not None and "/req" in flat.pricing.summary()
    assert sum(b.reasons for b in bots) == sum(1 for m in MODELS["data"] if m["reasoning"])
    assert sum(len(b.parameters) for b in bots) == sum(len(m["parameters"] or []) for m in MODELS["data"])


def test_models_tolerate_nulls_and_missing_fields():
    bots = parse_models({"data": [{"id": "x"}, {"id": "y", "metadata": None, "pricing": None, "architecture": None,
                                                 "context_window": None, "reasoning": None, "parameters": None},
                                  {"no": "id"}, "junk", {"id": ""}]})
    assert [b.id for b in bots] == ["x", "y"]
    assert bots[0].display_name == "x" and not bots[0].vision and bots[0].pricing is None


async def test_list_models_from_emulator(client):
    bots = await client.list_models()
    names = {b.display_name for b in bots}
    assert len(bots) >= 362 and "Claude-Sonnet-4.6" in names and "Demo-Markdown" in names
    assert all(isinstance(b, Bot) for b in bots)


async def test_balance_and_points_history_paging(client):
    before = (await client.balance()).points
    for i in range(5):
        await client.chat("Demo-Markdown", [{"role": "user", "content": f"q{i}"}])
    after = (await client.balance()).points
    assert after < before
    page1 = await client.points_history(limit=2)
    assert len(page1.entries) == 2 and page1.has_more
    page2 = await client.points_history(limit=2, starting_after=page1.next_cursor)
    assert {e.query_id for e in page1.entries}.isdisjoint({e.query_id for e in page2.entries})
    everything = [e async for e in client.iter_points_history(page_size=2)]
    assert len(everything) == 5
    assert sum(e.cost_points for e in everything) == before - after
    times = [e.creation_time_us for e in everything]
    assert times == sorted(times, reverse=True)
    with pytest.raises(ValueError):
        await client.points_history(limit=101)
