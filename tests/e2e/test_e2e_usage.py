"""Where the points go, in a real 80x24 terminal, as a new user with a month of charges behind
them: the usage screen and its chart, a charge opens the message that spent it, an expensive
message asks first, and `usage --by bot --csv` adds up."""

from __future__ import annotations

import csv
import io
import subprocess

from e2ehelpers import ask, prompt_text, reply_headers, send, wait_idle
from terminal import POE_TUI, app_env

F4 = "\x1bOS"  # the usage key, as an xterm sends it


def test_usage_screen_chart_charge_to_message_confirmation_and_csv(standalone_emulator, tui_on, xdg):
    emu = standalone_emulator
    seeded = emu.control("POST", "history", {"count": 300})
    assert seeded["seeded"] == 300
    (xdg[0] / "poe-tui").mkdir(parents=True, exist_ok=True)
    (xdg[0] / "poe-tui" / "config.toml").write_text("confirm_above = 5\n")
    term = tui_on(emu, cols=80, rows=24)

    ask(term, "hello")  # a short first message: under the threshold, no question
    term.write(F4)
    term.wait_for("Points per day, last 30 days", timeout=10)
    term.wait_for("up to date, 301 new", timeout=10)
    assert "All time" in term.text and "┤" in term.text, term.dump()  # totals, and the chart's axis
    assert not term.tracebacks()

    term.press("4")
    term.wait_for("Enter opens the message", timeout=5)
    newest = next(line for line in term.lines if "pts" not in line and "hello" in line)
    assert "sure" in newest, term.dump()  # the reply's own charge, matched
    term.press("enter")
    term.wait_for(lambda t: "Points per day" not in t.text and reply_headers(t), timeout=10)
    assert "hello" in term.text

    long = "Tell me more about that, in detail"
    send(term, long)
    term.wait_for("Send it?", timeout=10)
    assert "costs at least" in term.text and "points" in term.text
    term.press("n")
    term.wait_for("Not sent", timeout=5)
    term.wait_for(lambda t: prompt_text(t) == long, timeout=5)
    term.press("enter")
    term.wait_for("Send it?", timeout=10)
    term.press("y")
    term.wait_for(lambda t: (r := _replies(xdg[1])) and len(r) == 2 and all(x["points"] for x in r), timeout=20)
    wait_idle(term)
    assert term.quit() == 0

    env = app_env(*xdg, {"POE_BASE_URL": emu.base_url, "POE_API_KEY": emu.api_key})
    out = subprocess.run([POE_TUI, "usage", "--by", "bot", "--csv"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert sum(int(r["charges"]) for r in rows) == 302
    assert sum(int(r["points"]) for r in rows) == seeded["points"] + sum(
        r["points"] for r in _replies(xdg[1]))


def _replies(data_home) -> list:
    import sqlite3

    conn = sqlite3.connect(data_home / "poe-tui" / "history.db")
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT points FROM messages WHERE role = 'assistant'").fetchall()
    finally:
        conn.close()
