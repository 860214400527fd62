"""The points ledger in the store: saving, pending charges, matching charges to replies, totals
that equal the raw entries, and conversations that carry their replies' points."""

from __future__ import annotations

import sqlite3
import time

import pytest

from poe_tui.client.records import PointsEntry
from poe_tui.store import Store
from poe_tui.store.connection import Connection
from poe_tui.store.migrations import migrate


def entry(qid: str, bot: str, at: float, points: int, usage_type: str = "API") -> PointsEntry:
    return PointsEntry(query_id=qid, bot_name=bot, creation_time_us=int(at * 1_000_000), usage_type=usage_type,
                       cost_points=points, cost_breakdown={"Input": str(points)} if points else {})


def reply(store: Store, bot: str, start: float, end: float, points: int | None = None, conv=None):
    conv = conv or store.create_conversation(title=f"about {bot}")
    user = store.add_message(conv.id, "user", "question", created_at=start - 1)
    return store.add_message(conv.id, "assistant", "answer", parent_id=user.id, bot=bot, points=points,
                             created_at=start, updated_at=end)


def test_save_adds_once_and_keeps_the_fields(store, clock):
    now = clock.now
    first = [entry("q1", "GPT-5", now - 100, 40), entry("q2", "Claude-Sonnet-4.6", now - 50, 75, "Chat")]
    assert store.ledger_save(first) == (2, 0)
    assert store.ledger_save(first) == (0, 0), "a charge already held is not added again"
    assert store.ledger_count() == 2
    newest, oldest = store.ledger_charges()
    assert (newest.query_id, newest.bot_name, newest.cost_points, newest.usage_type) == ("q2", "Claude-Sonnet-4.6", 75, "Chat")
    assert oldest.created_at == pytest.approx(now - 100)
    assert store.ledger_known(["q1", "q2", "q3"]) == {"q1": False, "q2": False}


def test_a_fresh_zero_point_charge_stays_pending_until_its_cost_arrives(store, clock):
    now = clock.now
    store.ledger_save([entry("q1", "GPT-5", now - 5, 0), entry("old", "GPT-5", now - 7200, 0)])
    assert store.ledger_known(["q1", "old"]) == {"q1": True, "old": False}, "an old 0 is a real 0"
    assert store.ledger_oldest_pending() == pytest.approx(now - 5)
    assert store.ledger_charges()[0].pending
    assert store.ledger_save([entry("q1", "GPT-5", now - 5, 42)]) == (0, 1)
    assert store.ledger_known(["q1"]) == {"q1": False}
    assert store.ledger_oldest_pending() is None
    assert store.ledger_totals({"all": None}) == {"all": 42}
    assert store.ledger_save([entry("q1", "GPT-5", now - 5, 99)]) == (0, 0), "a settled charge is never rewritten"


def test_charges_are_matched_to_the_replies_that_spent_them(store, clock):
    now = clock.now + 10_000
    exact = reply(store, "GPT-5", now - 1000, now - 990, points=30)
    likely = reply(store, "claude-sonnet-4.6", now - 800, now - 780)  # cost unknown; bot in another case
    a = reply(store, "Gemini-2.5-Pro", now - 600, now - 590, points=10)
    b = reply(store, "Gemini-2.5-Pro", now - 600, now - 580, points=10)  # two at once: only a weak match
    near = reply(store, "Grok-4", now - 400, now - 395, points=5)
    other_bot = reply(store, "GPT-5", now - 200, now - 190, points=8)
    store.ledger_save([
        entry("e", "GPT-5", now - 992, 30),
        entry("l", "Claude-Sonnet-4.6", now - 785, 12),
        entry("w", "Gemini-2.5-Pro", now - 589, 10),
        entry("n", "Grok-4", now - 300, 5),  # 95 s after the reply's last write
        entry("x", "Llama-4", now - 195, 8),  # no reply from that bot
        entry("c", "GPT-5", now - 192, 8, "Chat"),  # spent in the Poe app, not here
        entry("far", "GPT-5", now - 5000, 8),
    ])
    found = {c.query_id: (c.message_id, c.match) for c in store.ledger_charges()}
    assert found["e"] == (exact.id, "exact")
    assert found["l"] == (likely.id, "likely")
    assert found["w"][0] in (a.id, b.id) and found["w"][1] == "weak"
    assert found["n"] == (near.id, "weak")
    assert found["x"] == found["c"] == found["far"] == (None, None)
    conv = {c.query_id: c.conversation_id for c in store.ledger_charges()}
    assert conv["e"] == exact.conversation_id
    assert other_bot.id not in {m for m, _ in found.values()}


def test_a_reply_written_after_its_charge_arrived_is_matched_on_the_next_save(store, clock):
    now = clock.now + 100
    store.ledger_save([entry("late", "GPT-5", now - 20, 30)])
    assert store.ledger_charges()[0].message_id is None
    late = reply(store, "GPT-5", now - 25, now - 15, points=30)
    store.ledger_save([])
    store.ledger_save([entry("other", "Grok-4", now, 1)])
    assert {c.query_id: c.message_id for c in store.ledger_charges()}["late"] == late.id


def test_one_reply_takes_one_charge(store, clock):
    now = clock.now + 100
    only = reply(store, "GPT-5", now - 30, now - 20, points=7)
    store.ledger_save([entry("a", "GPT-5", now - 25, 7), entry("b", "GPT-5", now - 24, 7)])
    matched = [c for c in store.ledger_charges() if c.message_id]
    assert [c.message_id for c in matched] == [only.id]


def test_totals_by_day_bot_and_conversation_equal_the_raw_entries(store, clock, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        day0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC
        clock.now = day0 + 40 * 86_400
        replies = [reply(store, "GPT-5", day0 + 3600 * h, day0 + 3600 * h + 5, points=h + 1) for h in range(0, 72, 7)]
        raw = [entry(f"r{i}", "GPT-5", m.updated_at - 1, i + 1) for i, m in enumerate(replies)]
        raw += [entry(f"o{i}", bot, day0 + 5000 * i, 3 * i + 2, "Chat") for i, bot in enumerate(["Grok-4", "Veo-3"] * 20)]
        store.ledger_save(raw)
        everything = sum(e.cost_points for e in raw)
        for group in ("day", "bot", "conversation"):
            rows = store.ledger_by(group)
            assert sum(r.points for r in rows) == everything, group
            assert sum(r.charges for r in rows) == len(raw), group
        days = {r.key: r.points for r in store.ledger_by("day")}
        for day, points in days.items():
            start = time.mktime(time.strptime(day, "%Y-%m-%d"))
            assert points == sum(e.cost_points for e in raw if start <= e.creation_time_us / 1e6 < start + 86_400)
        bots = store.ledger_by("bot")
        assert [r.points for r in bots] == sorted((r.points for r in bots), reverse=True)
        assert {r.key: r.points for r in bots} == {
            b: sum(e.cost_points for e in raw if e.bot_name == b) for b in ("GPT-5", "Grok-4", "Veo-3")}
        convs = {r.key: r.points for r in store.ledger_by("conversation")}
        for i, m in enumerate(replies):
            assert convs[m.conversation_id] == i + 1
        assert convs[None] == sum(e.cost_points for e in raw if e.usage_type == "Chat")
        since = day0 + 86_400
        assert sum(r.points for r in store.ledger_by("bot", since)) == sum(
            e.cost_points for e in raw if e.creation_time_us / 1e6 >= since)
        totals = store.ledger_totals({"all": None, "since": since})
        assert totals == {"all": everything, "since": sum(e.cost_points for e in raw if e.creation_time_us / 1e6 >= since)}
        with pytest.raises(ValueError):
            store.ledger_by("week")
    finally:
        monkeypatch.undo()
        time.tzset()


def test_conversations_carry_their_replies_points(store):
    conv = store.create_conversation(title="costly")
    user = store.add_message(conv.id, "user", "hi")
    first = store.add_message(conv.id, "assistant", "a", parent_id=user.id, bot="GPT-5", points=30)
    second = store.add_message(conv.id, "assistant", "b", parent_id=user.id, bot="GPT-5")
    assert store.get_conversation(conv.id).points == 30
    store.update_message(second.id, points=12)
    store.update_message(first.id, content="edited")  # not a points change
    assert store.get_conversation(conv.id).points == 42
    assert [c.points for c in store.list_conversations()] == [42]
    store.db.execute("DELETE FROM messages WHERE id = ?", [first.id])
    assert store.get_conversation(conv.id).points == 12


def test_migration_6_adds_the_ledger_and_counts_existing_points(tmp_path):
    path = tmp_path / "old.db"
    db = Connection(path)
    migrate(db, time.time, target=5)
    db.conn.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 't', 1, 1)")
    for i, points in enumerate([None, 10, 25]):
        db.conn.execute(
            "INSERT INTO messages (id, conversation_id, role, content, points, created_at, updated_at)"
            " VALUES (?, 'c1', 'assistant', 'x', ?, 2, 2)", (f"m{i}", points))
    db.close()
    with Store(path) as store:
        assert store.get_conversation("c1").points == 35
        assert store.ledger_count() == 0
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT max(version) FROM _migrations").fetchone()[0] >= 6
    conn.close()
