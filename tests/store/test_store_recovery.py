"""Replies orphaned by a dead process are recovered on open; a live writer's stream is left alone."""

import socket
import subprocess
import sys

from poe_tui.store import Store


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_orphan_from_dead_process_becomes_interrupted_live_one_stays(tmp_path):
    path = tmp_path / "r.db"
    with Store(path) as store:
        conv = store.create_conversation("t").id
        user = store.add_message(conv, "user", "q")
        mine = store.add_message(conv, "assistant", "half an ans", parent_id=user.id, bot="B", status="streaming")
        dead = store.add_message(conv, "assistant", "partial", parent_id=user.id, bot="B", status="streaming")
        store.db.execute("UPDATE messages SET writer = ? WHERE id = ?", [f"{socket.gethostname()}:{_dead_pid()}", dead.id])
        store.db.conn.commit() if store.db.conn.in_transaction else None
    with Store(path) as store:
        recovered = store.get_message(dead.id)
        assert recovered.status == "interrupted" and recovered.content == "partial" and recovered.error
        assert store.get_message(mine.id).status == "streaming", "this process is alive and still writing"


def test_unknown_writer_recovered_only_when_old(tmp_path):
    now = [1000.0]
    path = tmp_path / "r.db"
    with Store(path, clock=lambda: now[0]) as store:
        conv = store.create_conversation("t").id
        msg = store.add_message(conv, "assistant", "x", status="streaming")
        store.db.execute("UPDATE messages SET writer = 'otherhost:1' WHERE id = ?", [msg.id])
    with Store(path, clock=lambda: now[0] + 5) as store:
        assert store.get_message(msg.id).status == "streaming"
    with Store(path, clock=lambda: now[0] + 3600) as store:
        assert store.get_message(msg.id).status == "interrupted"
