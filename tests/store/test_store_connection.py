"""The file itself: pragmas, clear errors, and two processes writing at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from poe_tui.store import Store, StoreError, connection

REPO = Path(__file__).resolve().parents[2]


def test_creates_parent_dirs_and_sets_pragmas(db_path, clock):
    assert not db_path.parent.exists()
    with Store(db_path, clock=clock) as store:
        assert db_path.exists()
        conn = store._db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_writes_use_begin_immediate(store):
    seen: list[str] = []
    store._db.conn.set_trace_callback(seen.append)
    conv = store.create_conversation("t")
    store.add_message(conv.id, "user", "hi")
    store._db.conn.set_trace_callback(None)
    begins = [s for s in seen if s.strip().upper().startswith("BEGIN")]
    assert begins and all(s.strip().upper() == "BEGIN IMMEDIATE" for s in begins)


def test_sqlite_utils_view_of_the_same_file(store):
    conv = store.create_conversation("via sqlite-utils")
    assert store.db["conversations"].count == 1
    assert next(store.db.query("SELECT title FROM conversations"))["title"] == conv.title


def test_parent_that_is_a_file_raises_store_error(tmp_path, clock):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(StoreError, match="cannot create"):
        Store(tmp_path / "afile" / "sub" / "history.db", clock=clock)


def _read_only_connect(monkeypatch):
    """Open every file read-only, as on a read-only mount (root ignores chmod, so fake it)."""
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        return real(f"file:{database}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(connection.sqlite3, "connect", connect)


def test_read_only_file_raises_store_error(db_path, clock, monkeypatch):
    with Store(db_path, clock=clock) as store:
        store.create_conversation("before")
    _read_only_connect(monkeypatch)
    with pytest.raises(StoreError, match="history database"):
        Store(db_path.with_name("missing.db"), clock=clock)
    store = Store(db_path, clock=clock)  # an up-to-date file opens without writing
    try:
        assert [c.title for c in store.list_conversations()] == ["before"]
        with pytest.raises(StoreError, match="readonly"):
            store.create_conversation("after")
    finally:
        store.close()


def test_directory_in_place_of_file_and_garbage_file(tmp_path, clock):
    (tmp_path / "isdir.db").mkdir()
    with pytest.raises(StoreError, match="directory"):
        Store(tmp_path / "isdir.db", clock=clock)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError):
        Store(junk, clock=clock)


def test_closed_store_raises_store_error(db_path, clock):
    store = Store(db_path, clock=clock)
    store.close()
    with pytest.raises(StoreError):
        store.list_conversations()


def test_transaction_groups_writes_and_rolls_back(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            conv = store.create_conversation("doomed")
            store.add_message(conv.id, "user", "hello")
            raise RuntimeError("boom")
    assert store.list_conversations() == []
    with store.transaction():
        conv = store.create_conversation("kept")
        store.add_message(conv.id, "user", "hello")
    assert store.get_conversation(conv.id).message_count == 1


_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from poe_tui.store import Store
    path, name, rounds, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    while not go.exists():
        time.sleep(0.001)
    store = Store(path)          # both open (and migrate) a brand-new file at once
    conv = store.create_conversation(name)
    for i in range(rounds):
        m = store.add_message(conv.id, "user", f"{name} question {i}")
        r = store.add_message(conv.id, "assistant", "", bot=name, status="streaming")
        store.update_message(r.id, content=f"{name} answer {i}", status="complete", points=i)
        store.add_recent_bot(name)
        store.cache_balance(i)
    store.close()
    print("done", conv.id)
    """
)


def test_two_processes_write_the_same_file_without_locking_errors(tmp_path):
    path = tmp_path / "shared" / "history.db"
    go = tmp_path / "go"
    rounds = 150
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), name, str(rounds), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
        )
        for name in ("alpha", "beta")
    ]
    time.sleep(0.3)  # let both interpreters start and wait on the signal
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
        assert "locked" not in err and out.startswith("done")
    conv_ids = [out.split()[1] for out, _ in outputs]
    with Store(path) as store:
        for conv_id in conv_ids:
            thread = store.get_messages(conv_id)
            assert len(thread) == 2 * rounds
            assert store.get_conversation(conv_id).message_count == 2 * rounds
            assert all(m.status == "complete" for m in thread)
        assert set(store.recent_bots()) == {"alpha", "beta"}
        assert len(store.search("answer")) == 50


def test_import_pulls_in_neither_textual_nor_sqlite_utils():
    """The store sits on the startup path and below the UI: keep its imports lean."""
    code = (
        "import sys, poe_tui.store\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlite_utils')"
        " or m.startswith('poe_tui.tui')]\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ).stdout
    assert out.strip() == "[]"


def test_in_memory_store(clock):
    with Store(":memory:", clock=clock) as store:
        conv = store.create_conversation("mem")
        m = store.add_message(conv.id, "user", "hello memory")
        assert [h.message_id for h in store.search("mem")] == [None, m.id]


def test_threads_share_one_store(store):
    import threading

    conv = store.create_conversation("threads")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                m = store.add_message(conv.id, "user", f"t{n} {i}")
                store.update_message(m.id, content=f"t{n} {i} done")
                store.list_conversations()
                store.get_messages(conv.id, limit=5)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.get_conversation(conv.id).message_count == 200
    assert len(store.get_messages(conv.id)) == 200  # still one unbroken chain


def _plan_of(store, call) -> str:
    """The query plan of the SELECT statements `call` runs (traced with their bound values)."""
    traced: list[str] = []
    conn = store._db.conn
    conn.set_trace_callback(traced.append)
    call()
    conn.set_trace_callback(None)
    selects = [sql for sql in traced if sql.lstrip().upper().startswith("SELECT")]
    assert selects
    return " ".join(str(r[-1]) for sql in selects for r in conn.execute("EXPLAIN QUERY PLAN " + sql))


def test_hot_queries_use_indexes_without_sorting(store):
    conv = store.create_conversation("x")
    store.add_message(conv.id, "user", "hi")
    plan = _plan_of(store, store.latest_conversation_id)
    assert "conversations_updated" in plan and "TEMP B-TREE" not in plan
    plan = _plan_of(store, store.list_conversations)
    assert "conversations_list" in plan and "TEMP B-TREE" not in plan
    plan = _plan_of(store, lambda: store.list_conversations(include_archived=True))
    assert "conversations_all" in plan and "TEMP B-TREE" not in plan
    plan = _plan_of(store, lambda: store.last_message(conv.id))
    assert "messages_conversation" in plan and "TEMP B-TREE" not in plan
