"""The ledger against the emulator over loopback: paging to the end, incremental refresh (no
entry fetched twice, none missed), retention past the service's 30 days, pending charges,
network failures that leave the ledger intact, and the estimate before sending."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from poe_tui.client import PoeClient, PoeError, RetryPolicy
from poe_tui.emulator import seed_history
from poe_tui.emulator.faults import Fault
from poe_tui.spending import estimate_for, refresh_ledger, thread_tokens
from poe_tui.store import Store
from poe_tui.store.asyncstore import AsyncStore

DAY = 86_400.0


class MovableClock:
    """Both sides' clock in one: the emulator's "now" and the store's, moved by the test."""

    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(emulator, api_key):
    return PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retries=0))


@pytest.fixture
def db(tmp_path):
    store = AsyncStore(Store(tmp_path / "ledger.db"))
    yield store
    store.close()


def history_calls(emulator) -> list[str]:
    return [r.path for r in emulator.state.requests if r.path == "/usage/points_history"]


def served(emulator) -> dict[str, int]:
    """What the service holds now (last 30 days): query_id -> points."""
    return {e.query_id: e.cost_points for e in emulator.state.history(days=30)}


def ledger(db: AsyncStore) -> dict[str, int]:
    return {c.query_id: c.cost_points for c in db.sync.ledger_charges(limit=100_000)}


async def test_refresh_pages_to_the_end(emulator, client, db):
    seed_history(emulator.state, 450)
    got = await refresh_ledger(client, db)
    assert (got.added, got.updated) == (450, 0)
    assert got.pages == 1 + math.ceil((450 - 20) / 100), "a first page of 20, then pages of 100 to the end"
    assert ledger(db) == served(emulator)
    assert db.sync.ledger_count() == 450


async def test_incremental_refresh_fetches_only_what_is_new(emulator, client, db):
    seed_history(emulator.state, 250)
    await refresh_ledger(client, db)
    before = len(history_calls(emulator))

    again = await refresh_ledger(client, db)
    assert (again.added, again.pages) == (0, 1), "nothing new: one small page"

    for i in range(7):
        emulator.state.charge("poe-emulator-key", "GPT-5", 10 + i, {"Input": str(10 + i)})
    few = await refresh_ledger(client, db)
    assert (few.added, few.pages) == (7, 1)

    for i in range(130):
        emulator.state.charge("poe-emulator-key", "Grok-4", 1 + i, {"Input": str(1 + i)})
    many = await refresh_ledger(client, db)
    assert (many.added, many.pages) == (130, 3), "20 + 100 new, then the page that reaches known ones"
    assert len(history_calls(emulator)) - before == 1 + 1 + 3
    assert ledger(db) == served(emulator), "none missed, none twice"
    assert db.sync.ledger_count() == 250 + 7 + 130


async def test_the_ledger_keeps_what_the_service_has_forgotten(emulator, client, tmp_path, monkeypatch):
    clock = MovableClock()
    monkeypatch.setattr(emulator.state, "clock", clock)
    db = AsyncStore(Store(tmp_path / "kept.db", clock=clock))
    try:
        old = seed_history(emulator.state, 120)
        await refresh_ledger(client, db)
        clock.now += 45 * DAY
        assert served(emulator) == {}, "the service answers only the last 30 days"
        new = [emulator.state.charge("poe-emulator-key", "GPT-5", 50 + i, {"Input": str(50 + i)}) for i in range(5)]
        got = await refresh_ledger(client, db)
        assert got.added == 5
        assert ledger(db) == {e.query_id: e.cost_points for e in old + new}
        totals = await db.ledger_totals({"30 days": clock.now - 30 * DAY, "all time": None})
        assert totals == {"30 days": sum(e.cost_points for e in new), "all time": sum(e.cost_points for e in old + new)}
    finally:
        db.close()


async def test_a_zero_point_charge_is_fetched_again_until_it_has_its_cost(emulator, client, db):
    emulator.state.history_pending_seconds = 600
    first = emulator.state.charge("poe-emulator-key", "GPT-5", 77, {"Input": "77"})
    got = await refresh_ledger(client, db)
    assert got.added == 1 and db.sync.ledger_charges()[0].pending
    assert db.sync.ledger_charges()[0].cost_points == 0
    emulator.state.history_pending_seconds = 0
    for i in range(30):  # the pending one is now past the first page: the refresh reaches back to it
        emulator.state.charge("poe-emulator-key", "Grok-4", 1, {"Input": "1"})
    got = await refresh_ledger(client, db)
    assert (got.added, got.updated) == (30, 1)
    assert ledger(db)[first.query_id] == 77
    assert db.sync.ledger_oldest_pending() is None


async def test_a_network_failure_leaves_the_ledger_as_it_was(emulator, client, db):
    seed_history(emulator.state, 60)
    await refresh_ledger(client, db)
    kept = ledger(db)
    for i in range(150):
        emulator.state.charge("poe-emulator-key", "GPT-5", 5, {"Input": "5"})

    class FailsOnSecondPage(PoeClient):
        calls = 0

        async def points_history(self, *args, **kwargs):
            type(self).calls += 1
            if self.calls == 2:  # the service really fails (a 502 from the emulator), mid-refresh
                emulator.state.inject(Fault(endpoint="history", status=502))
            return await super().points_history(*args, **kwargs)

    flaky = FailsOnSecondPage("poe-emulator-key", base_url=emulator.base_url, retry=RetryPolicy(max_retries=0))
    with pytest.raises(PoeError):
        await refresh_ledger(flaky, db)
    assert ledger(db) == kept, "the first page is not saved alone (the next refresh would skip the rest)"

    emulator.state.inject(Fault(endpoint="history", status=503))
    with pytest.raises(PoeError):
        await refresh_ledger(client, db)
    assert ledger(db) == kept
    got = await refresh_ledger(client, db)
    assert got.added == 150 and ledger(db) == served(emulator)


def test_thread_tokens_use_the_counted_reply_and_estimate_the_rest():
    from poe_tui.store.records import Message

    def msg(role, content, prompt=None, completion=None):
        return Message("id", "c", None, role, content, "", None, "complete", None, None, prompt, completion, None, None, 0.0, 0.0)

    thread = [msg("user", "x" * 400), msg("assistant", "y" * 4000, prompt=120, completion=1000), msg("user", "z" * 40)]
    assert thread_tokens(thread, draft="w" * 8) == 120 + 1000 + 10 + 2
    assert thread_tokens(thread[:1], system_prompt="s" * 40) == 100 + 10
    assert thread_tokens([]) == 0


def test_estimate_is_the_bots_price_times_the_tokens(emulator):
    from poe_tui.client import Bot

    opus = Bot.parse({"id": "claude-opus-4.6", "pricing": {"prompt": "0.0000043", "completion": "0.000021"}})
    flat = Bot.parse({"id": "deepseek-r1", "pricing": {"request": "0.018"}})
    free = Bot.parse({"id": "mystery"})
    assert estimate_for(opus, 10_000) == math.ceil(Decimal("0.0000043") * 10_000 / Decimal("0.00003")) == 1434
    assert estimate_for(flat, 10) == estimate_for(flat, 10_000) == 600
    assert estimate_for(free, 10_000) is None and estimate_for(None, 5) is None


async def test_service_estimate_follows_the_thread_and_the_bot(emulator, api_key, tmp_path):
    from poe_tui.config import Settings
    from poe_tui.runtime import Runtime
    from poe_tui.service import PoeService

    settings = Settings(api_key=api_key, base_url=emulator.base_url, confirm_above=300)
    service = PoeService(Runtime(settings=settings), open_store=lambda: Store(tmp_path / "s.db"))
    await service.start()
    try:
        session = service.start_session("Demo-Markdown")
        await service.refresh_catalog()
        assert service.confirm_above == 300
        empty = await service.estimate("hello")
        assert empty is not None and empty.tokens == 2 and empty.bot == "Demo-Markdown"
        async for _ in session.send("Show me markdown " + "word " * 500):
            pass
        reply = (await session.messages())[-1]
        tokens = reply.prompt_tokens + reply.completion_tokens
        opus = service.find_bot("Claude-Opus-4.6")
        est = await service.estimate("@Claude-Opus-4.6 " + "q" * 40)
        assert (est.bot, est.tokens) == ("Claude-Opus-4.6", tokens + 10)
        assert est.points == opus.pricing.points(tokens + 10)
        session.bot = "Claude-Opus-4.6"
        assert (await service.estimate()).points == opus.pricing.points(tokens)
        session.bot = "Demo-Echo-Unknown"
        assert await service.estimate() is None, "no price, no estimate"
    finally:
        await service.close()


def test_the_seeded_history_is_a_realistic_month(emulator, api_key):
    import datetime as dt

    import httpx

    before = emulator.state.balance()
    with httpx.Client(base_url=emulator.base_url, headers={"Authorization": f"Bearer {api_key}"}) as http:
        made = http.post("/_emulator/history", json={"count": 400}).json()
        assert made["seeded"] == 400
        pages, cursor = [], None
        while True:
            page = http.get("/usage/points_history", params={"limit": 100, **({"starting_after": cursor} if cursor else {})}).json()
            pages.append(page)
            if not page["has_more"]:
                break
            cursor = page["data"][-1]["query_id"]
    entries = [e for p in pages for e in p["data"]]
    assert len(pages) == 4 and len(entries) == 400 and [p["has_more"] for p in pages] == [True, True, True, False]
    times = [e["creation_time"] for e in entries]
    assert times == sorted(times, reverse=True), "newest first"
    now = emulator.state.clock()
    assert all(now - 30 * DAY <= t / 1e6 <= now for t in times), "only the last 30 days"
    assert len({dt.date.fromtimestamp(t / 1e6) for t in times}) >= 25, "spread over the month"
    assert len({e["bot_name"] for e in entries}) >= 12, "across many bots"
    assert {e["usage_type"] for e in entries} == {"API", "Chat"}
    assert before - emulator.state.balance() == made["points"] == sum(e["cost_points"] for e in entries)
