"""Real processes: a SIGKILL mid-stream loses nothing that arrived, and two writers coexist."""

import os
import signal
import subprocess
import sys
import time

import pytest

from poe_tui import config
from poe_tui.store import Store


def _env(emulator, api_key):
    env = dict(os.environ)
    env.update(POE_BASE_URL=emulator.base_url, POE_API_KEY=api_key, PYTHONUNBUFFERED="1")
    return env


def _ask(env, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "poe_tui", "ask", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def test_sigkill_mid_stream_keeps_user_turn_and_partial_reply(emulator, api_key):
    emulator.state.tokens_per_second = 60
    proc = _ask(_env(emulator, api_key), "-m", "Demo-Long", "write a lot tokens=5000")
    try:
        first = proc.stdout.read(40)  # blocks until the reply is streaming
        assert first, proc.stderr.read().decode()
        time.sleep(1.2)  # more than two flush intervals
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    store = Store(config.db_path())  # reopening recovers replies left 'streaming' by a dead process
    conv = store.latest_conversation_id()
    msgs = store.get_messages(conv)
    assert [m.role for m in msgs] == ["user", "assistant"]
    assert msgs[0].content == "write a lot tokens=5000"
    reply = msgs[1]
    assert reply.status == "interrupted" and reply.error
    assert len(reply.content) >= len(first.decode(errors="ignore")) - 4
    assert reply.bot == "Demo-Long"
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_processes_asking_at_once(emulator, api_key):
    emulator.state.tokens_per_second = 400
    env = _env(emulator, api_key)
    procs = [_ask(env, "-m", "Demo-Long", f"parallel {i} tokens=400") for i in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
        assert b"locked" not in err
    store = Store(config.db_path())
    convs = store.list_conversations()
    assert len(convs) == 2
    for c in convs:
        msgs = store.get_messages(c.id)
        assert [m.status for m in msgs] == ["complete", "complete"]
