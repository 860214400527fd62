"""The file on disk: private modes, the clean-close marker, damaged files refused and kept aside."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from poe_tui.store import CorruptDatabase, DiskFullError, Store, StoreError, dbfile, move_aside


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_history_is_private(db_path, clock):
    old = os.umask(0o022)
    try:
        with Store(db_path, clock=clock) as store:
            store.add_message(store.create_conversation("t").id, "user", "hi")
            files = [p for p in dbfile.companions(db_path) if p.exists()]
            assert {p.name for p in files} >= {"history.db", "history.db-wal", "history.db-shm"}
            assert all(mode(p) == 0o600 for p in files)
        assert mode(db_path.parent) == 0o700
    finally:
        os.umask(old)


def test_existing_loose_files_are_tightened_on_open(db_path, clock):
    Store(db_path, clock=clock).close()
    holder = sqlite3.connect(db_path)  # keeps -wal and -shm on disk
    holder.execute("CREATE TABLE IF NOT EXISTS x(a)")
    for p in dbfile.companions(db_path):
        os.chmod(p, 0o644)
    with Store(db_path, clock=clock):
        assert [mode(p) for p in dbfile.companions(db_path)] == [0o600] * 3
    holder.close()


def test_runtime_tightens_the_data_directory(tmp_path, monkeypatch):
    from poe_tui.runtime import Runtime

    data = tmp_path / "xdg-data" / "poe-tui"
    data.mkdir(parents=True, mode=0o755)
    os.chmod(data, 0o755)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    runtime = Runtime.load()
    runtime.open_store().close()
    assert runtime.db_path.parent == data and mode(data) == 0o700


def _fill(path, clock, n=400):
    with Store(path, clock=clock) as store:
        conv = store.create_conversation("many")
        for i in range(n):
            store.add_message(conv.id, "user", f"message {i} " + "x" * 500)


def _damage_a_middle_page(path):
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek((size // 4096 // 2) * 4096)
        fh.write(b"\xde\xad\xbe\xef" * 1024)


def test_a_damaged_file_is_refused_not_written_into(db_path, clock):
    _fill(db_path, clock)
    _damage_a_middle_page(db_path)
    before = db_path.read_bytes()
    with pytest.raises(CorruptDatabase) as info:
        Store(db_path, clock=clock)
    assert "damaged" in str(info.value) and info.value.path == db_path
    assert db_path.read_bytes() == before
    assert isinstance(info.value, StoreError)


def test_move_aside_keeps_the_damaged_file_and_starts_fresh(db_path, clock):
    _fill(db_path, clock)
    _damage_a_middle_page(db_path)
    damaged = db_path.read_bytes()
    kept = move_aside(db_path, now=1_700_000_000)
    assert kept.name.startswith("history.db.corrupt-2023") and kept.read_bytes() == damaged
    assert not db_path.exists()
    with Store(db_path, clock=clock) as store:
        assert store.list_conversations() == []
    assert Store.move_aside is move_aside


def test_a_cleanly_closed_file_is_not_checked_again(db_path, clock, monkeypatch):
    _fill(db_path, clock, n=3)
    checks = []
    real = dbfile.check
    monkeypatch.setattr(dbfile, "check", lambda conn, path: (checks.append(path), real(conn, path)))
    Store(db_path, clock=clock).close()
    assert checks == []
    with sqlite3.connect(db_path) as other:  # another writer that never recorded a clean close
        other.execute("UPDATE conversations SET title = 'changed'")
    Store(db_path, clock=clock).close()
    assert checks == [db_path]


def test_a_full_disk_is_a_typed_error(db_path, clock):
    with Store(db_path, clock=clock) as store:
        conv = store.create_conversation("t")
        pages = store._db.conn.execute("PRAGMA page_count").fetchone()[0]
        store._db.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(DiskFullError, match="disk is full"):
            store.add_message(conv.id, "user", "x" * 100_000)
        assert store.get_messages(conv.id) == []


def test_no_write_follows_a_read_that_found_damage(db_path, clock):
    _fill(db_path, clock)
    store = Store(db_path, clock=clock)  # closed cleanly before: opening does not check
    conv = store.latest_conversation_id()
    _damage_a_middle_page(db_path)
    with pytest.raises(CorruptDatabase):
        for _ in store.get_messages(conv):
            pass
    before = db_path.read_bytes()
    with pytest.raises(CorruptDatabase):
        store.create_conversation("into the damaged file")
    store.close()
    assert db_path.read_bytes() == before
    with pytest.raises(CorruptDatabase):
        Store(db_path, clock=clock)  # and its close was not recorded as clean
