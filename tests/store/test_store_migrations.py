"""Migrations: a file built by the first schema opens with the current code, upgraded and intact."""

from __future__ import annotations

import sqlite3
import time

import pytest

from poe_tui.store import SCHEMA_VERSION, Store, StoreError
from poe_tui.store.connection import Connection
from poe_tui.store.migrations import MIGRATIONS, migrate


def _tables(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def _build_v1(path) -> None:
    """A version-1 file filled the way version 1 of poe-tui would have."""
    db = Connection(path)
    assert migrate(db, time.time, target=1) == [1]
    conn = db.conn
    conn.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES"
        " ('conv0000000001', 'Old pasta recipes', 100.0, 100.0)"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at, updated_at)"
        " VALUES ('msg00000000001', 'conv0000000001', NULL, 'user', 'how long to boil spaghetti', 101.0, 101.0)"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, bot, reasoning,"
        " created_at, updated_at) VALUES ('msg00000000002', 'conv0000000001', 'msg00000000001',"
        " 'assistant', 'About nine minutes for al dente.', 'GPT-4o', 'thinking about pasta', 102.0, 102.0)"
    )
    db.close()


def test_migrations_are_numbered_in_sequence():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert SCHEMA_VERSION == MIGRATIONS[-1].version >= 3


def test_v1_file_upgrades_with_data_intact(tmp_path, clock):
    path = tmp_path / "old.db"
    _build_v1(path)
    assert "messages_fts" not in _tables(path)
    assert "attachments" not in _tables(path)

    with Store(path, clock=clock) as store:
        conv = store.get_conversation("conv0000000001")
        assert conv is not None and conv.title == "Old pasta recipes"
        # v1 triggers kept the aggregates while v1 wrote the rows
        assert conv.message_count == 2 and conv.last_bot == "GPT-4o" and conv.last_message_at == 102.0
        thread = store.get_messages("conv0000000001")
        assert [m.id for m in thread] == ["msg00000000001", "msg00000000002"]
        assert thread[1].reasoning == "thinking about pasta"
        # FTS was backfilled from the existing rows (content, reasoning, titles)
        assert [h.message_id for h in store.search("spaghetti")] == ["msg00000000001"]
        pasta = {h.message_id for h in store.search("pasta")}
        assert pasta == {None, "msg00000000002"}  # the title, and the reply's reasoning
        # new tables work on the upgraded file
        store.add_attachment("msg00000000001", "a.txt", "text/plain", b"hi")
        assert len(store.attachments("msg00000000001")) == 1

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [r[0] for r in conn.execute("SELECT version FROM _migrations ORDER BY version")] == [
        m.version for m in MIGRATIONS
    ]
    conn.close()


def test_reopening_an_up_to_date_file_is_a_no_op(db_path, clock):
    Store(db_path, clock=clock).close()
    db = Connection(db_path)
    assert migrate(db, clock) == []
    applied_at = db.conn.execute("SELECT version, applied_at FROM _migrations").fetchall()
    db.close()
    with Store(db_path, clock=clock):
        pass
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version, applied_at FROM _migrations").fetchall() == applied_at
    conn.close()


def test_fresh_file_applies_every_migration_once(tmp_path, clock):
    db = Connection(tmp_path / "fresh.db")
    assert migrate(db, clock) == [m.version for m in MIGRATIONS]
    assert migrate(db, clock) == []
    db.close()


def test_open_is_fast_when_up_to_date(db_path, clock):
    Store(db_path, clock=clock).close()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        Store(db_path, clock=clock).close()
        best = min(best, time.perf_counter() - start)
    assert best < 0.05


def test_newer_schema_is_refused_clearly(db_path, clock):
    Store(db_path, clock=clock).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db_path, clock=clock)


def test_v2_file_upgrades_to_current(tmp_path, clock):
    path = tmp_path / "v2.db"
    db = Connection(path)
    assert migrate(db, clock, target=2) == [1, 2]
    db.conn.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c2', 'Bees', 1, 1)"
    )
    db.close()
    with Store(path, clock=clock) as store:
        assert [h.conversation_id for h in store.search("bees")] == ["c2"]
        store.cache_balance(10)
        assert store.cached_balance() == (10, clock.now)
