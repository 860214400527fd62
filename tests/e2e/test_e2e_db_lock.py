"""Another process holds the history's write lock for 5 s while a reply streams: typing must not
freeze (SQLite waits on its own thread, never on the event loop), and once the lock is released
the whole reply is saved."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.request

from e2ehelpers import PROMPT_HINT

HOLD = 5.0
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
print("released", flush=True)
"""


def _prompt_row(term) -> str:
    return term.lines[-3] + term.lines[-4] + term.lines[-5]


def test_typing_stays_live_and_the_reply_is_saved_while_another_process_holds_the_lock(
    standalone_emulator, tui_on, xdg
):
    emu = standalone_emulator
    emu.configure(tokens_per_second=120)
    term = tui_on(emu)
    term.type("/model Demo-Long")
    term.press("enter")
    term.type("tell me a long story tokens=1200")
    term.press("enter")
    term.wait_for("A long answer", timeout=15)

    db = xdg[1] / "poe-tui" / "history.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(HOLD)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        locked_at = time.monotonic()
        worst = 0.0
        typed = ""
        for ch in "responsive":  # one key at a time, each must show up on its own
            typed += ch
            sent = time.monotonic()
            term.write(ch)
            term.wait_for(lambda t: typed in _prompt_row(t), timeout=4.0)
            worst = max(worst, time.monotonic() - sent)
            time.sleep(0.3)
        typing_took = time.monotonic() - locked_at
        assert typing_took < HOLD, "the keys were typed while the lock was still held"
        # A frozen loop echoes nothing until the lock goes (~5 s); a live one in milliseconds.
        assert worst < 1.5, f"a key took {worst:.2f} s to echo while the database was locked"
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.wait(timeout=30)

    term.wait_for(lambda t: "is answering" not in t.lines[-1] and "waiting" not in t.lines[-1], timeout=60)
    time.sleep(0.5)
    with sqlite3.connect(db) as conn:
        status, content = conn.execute(
            "SELECT status, content FROM messages WHERE role = 'assistant' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert status == "complete"
    # The emulator answers the same request with the same text: ask for it without streaming.
    request = emu.chat_requests()[-1]
    body = {"model": "Demo-Long", "messages": [{"role": "user", "content": "tell me a long story tokens=1200"}]}
    req = urllib.request.Request(
        f"{emu.base_url}/v1/chat/completions", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {emu.api_key}"},
    )
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req, timeout=30) as resp:
        expected = json.loads(resp.read())["choices"][0]["message"]["content"]
    assert request["model"] == "Demo-Long"
    assert content == expected, f"saved {len(content)} of {len(expected)} characters"
    assert PROMPT_HINT not in _prompt_row(term) and "responsive" in _prompt_row(term)
    term.quit()
