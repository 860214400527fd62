"""Cached bot list and balance, recent and favourite bots."""

from __future__ import annotations

from poe_tui.store import Store


def test_bot_cache_round_trips_raw_dicts(store, clock):
    assert store.cached_bots() == ([], None)
    bots = [
        {"id": "gpt-4o", "metadata": {"display_name": "GPT-4o"}, "pricing": {"prompt": "0.0000025"}},
        {"id": "claude", "architecture": {"input_modalities": ["text", "image"]}, "extra": None},
    ]
    store.cache_bots(bots)
    got, fetched_at = store.cached_bots()
    assert got == bots and fetched_at == clock.now
    store.cache_bots(bots[:1])
    got, later = store.cached_bots()
    assert got == bots[:1] and later > fetched_at


def test_bot_cache_parses_with_the_client(store):
    from poe_tui.client.records import Bot

    store.cache_bots([{"id": "gpt-4o", "metadata": {"display_name": "GPT-4o"}}])
    bots, _ = store.cached_bots()
    assert Bot.parse(bots[0]).name == "GPT-4o"


def test_balance_cache(store, clock):
    assert store.cached_balance() is None
    store.cache_balance(12345)
    assert store.cached_balance() == (12345, clock.now)
    store.cache_balance(12000)
    assert store.cached_balance()[0] == 12000


def test_caches_survive_reopen(db_path, clock):
    with Store(db_path, clock=clock) as s:
        s.cache_bots([{"id": "x"}])
        s.cache_balance(5)
        s.add_recent_bot("X")
        s.set_favourite("Y", True)
    with Store(db_path, clock=clock) as s:
        assert s.cached_bots()[0] == [{"id": "x"}]
        assert s.cached_balance()[0] == 5
        assert s.recent_bots() == ["X"] and s.favourite_bots() == ["Y"]


def test_recent_bots_most_recent_first_deduplicated_and_capped(store):
    for name in ["A", "B", "C", "A"]:
        store.add_recent_bot(name)
    assert store.recent_bots() == ["A", "C", "B"]
    store.add_recent_bot("b")  # the same bot, other casing: moves to the front, newest casing
    assert store.recent_bots() == ["b", "A", "C"]
    assert store.recent_bots(limit=2) == ["b", "A"]
    for i in range(80):
        store.add_recent_bot(f"bot{i}")
    assert len(store.recent_bots(limit=1000)) == 50
    assert store.recent_bots(limit=1) == ["bot79"]


def test_favourites(store):
    assert store.favourite_bots() == []
    store.set_favourite("GPT-4o", True)
    store.set_favourite("Claude", True)
    store.set_favourite("gpt-4o", True)  # already a favourite
    assert store.favourite_bots() == ["GPT-4o", "Claude"]
    store.set_favourite("GPT-4O", False)
    assert store.favourite_bots() == ["Claude"]
    store.set_favourite("never-added", False)
    assert store.favourite_bots() == ["Claude"]
