"""The command line on a full disk and a damaged database (issue 9, items 11 and 12): it says
exactly what was saved, never writes into a damaged file, and leaves no empty conversation.

The full disk is real: a small tmpfs mounted for the test (the suite runs as root here)."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from poe_tui import config


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """XDG_DATA_HOME on a 4 MB filesystem of its own, which the test can fill."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, text=True)
    assert done.returncode == 0, f"cannot mount a small tmpfs (needs root): {done.stderr}"
    monkeypatch.setenv("XDG_DATA_HOME", str(mount))
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount, leave_kb: int = 0):
    """Write a filler file until only `leave_kb` KB remain (0: until the disk refuses)."""
    filler = mount / "filler"
    with open(filler, "ab") as fh:
        while True:
            free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
            if free <= leave_kb * 1024:
                return filler
            try:
                fh.write(b"\0" * min(65536, max(4096, free - leave_kb * 1024)))
                fh.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                return filler


def cli(emulator, api_key, *args, stdin=subprocess.DEVNULL):
    env = dict(os.environ, POE_BASE_URL=emulator.base_url, POE_API_KEY=api_key)
    return subprocess.Popen(
        [sys.executable, "-m", "poe_tui", *args], stdin=stdin, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=env,
    )


def rows(sql: str):
    with sqlite3.connect(f"file:{config.db_path()}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


def reply_started() -> bool:
    try:
        return bool(config.db_path().exists() and rows("SELECT 1 FROM messages WHERE role = 'assistant'"))
    except sqlite3.Error:  # not created yet
        return False


def test_a_disk_that_fills_mid_reply_is_reported_exactly(emulator, api_key, small_disk):
    emulator.state.tokens_per_second = 4000
    proc = cli(emulator, api_key, "ask", "-m", "Demo-Long", "tokens=12000")
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not reply_started():
            time.sleep(0.02)
        filler = fill(small_disk)  # the reply is streaming: the disk fills now
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    out, err = out.decode(), err.decode()
    filler.unlink()
    saved = rows("SELECT length(content) FROM messages WHERE role = 'assistant'")[0][0]
    assert proc.returncode == 1, err
    assert f"the disk is full: the reply is shown but only {saved:,} characters are saved." in err
    assert "Traceback" not in err and "Not sent" not in err
    assert saved < len(out.strip()), "the whole reply is shown although not all of it is saved"


def test_a_failed_ask_leaves_no_empty_conversation(emulator, api_key, small_disk):
    proc = cli(emulator, api_key, "history")
    proc.communicate(timeout=30)  # the database exists, with room for small writes only
    fill(small_disk, leave_kb=250)
    proc = cli(emulator, api_key, "ask", "-m", "Demo-Echo", "--system", "be brief", stdin=subprocess.PIPE)
    _, err = proc.communicate(b"a" * 1_000_000, timeout=60)
    assert proc.returncode == 1 and "disk is full" in err.decode()
    assert rows("SELECT count(*) FROM conversations") == [(0,)]
    assert emulator.state.chat_requests == []


def _damaged_history(emulator, api_key):
    for i in range(3):
        proc = cli(emulator, api_key, "ask", "-m", "Demo-Echo", f"question {i} " + "x" * 20000)
        proc.communicate(timeout=30)
    path = config.db_path()
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek((size // 4096 // 2) * 4096)
        fh.write(b"\xde\xad\xbe\xef" * 1024)
    os.utime(path)
    return path


def test_a_damaged_database_is_refused_and_can_be_kept_aside(emulator, api_key):
    path = _damaged_history(emulator, api_key)
    before = path.read_bytes()
    sent = len(emulator.state.chat_requests)
    proc = cli(emulator, api_key, "ask", "-m", "Demo-Echo", "hello")
    _, err = proc.communicate(timeout=30)
    err = err.decode()
    assert proc.returncode == 1 and "is damaged" in err and "poe-tui repair" in err, err
    assert path.read_bytes() == before and len(emulator.state.chat_requests) == sent

    proc = cli(emulator, api_key, "repair")
    out, _ = proc.communicate(timeout=30)
    kept = [p for p in path.parent.iterdir() if p.name.startswith("history.db.corrupt-") and not p.name.endswith(("-wal", "-shm"))]
    assert proc.returncode == 0 and len(kept) == 1 and kept[0].read_bytes() == before
    assert str(kept[0]) in out.decode()

    proc = cli(emulator, api_key, "ask", "-m", "Demo-Echo", "hello again")
    proc.communicate(timeout=30)
    assert proc.returncode == 0 and rows("SELECT count(*) FROM conversations") == [(1,)]
    proc = cli(emulator, api_key, "repair")
    assert b"is fine" in proc.communicate(timeout=30)[0]
