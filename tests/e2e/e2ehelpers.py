"""Reading poe-tui's screen the way a person does: the footer, the prompt, replies, the history.

Everything here goes by what is drawn (pyte's rows), never by widget state. Layout facts used:
the footer is the last row; the prompt sits under a row of '▔'; the sidebar, when shown, ends
with a '▕' column; reply headers read "Bot  HH:MM  … #N".
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from terminal import Terminal

PROMPT_HINT = "Message the bot"  # the empty prompt's placeholder
BUSY = ("sending…", "waiting", "answering…", "no data for")


def wait_ready(term: Terminal, timeout: float = 20.0) -> None:
    """Wait until Textual has replaced the splash and the session has started: the bot list is
    loaded, nothing says "starting…", and the footer shows the balance."""
    term.wait_for(lambda t: "loading bots…" not in t.text and "starting…" not in t.text
                  and "points" in t.lines[-1], timeout)
    term.settle(0.2)


def footer(term: Terminal) -> str:
    return term.lines[-1]


def footer_bot(term: Terminal) -> str | None:
    """The bot the footer names ("● NAME  │ …")."""
    m = re.search(r"●\s+(\S+)", footer(term))
    return m.group(1) if m else None


def busy(term: Terminal) -> bool:
    return any(word in footer(term) for word in BUSY)


def right_of_sidebar(line: str) -> str:
    """The part of a row right of the sidebar's border (the whole row when it is hidden)."""
    return line.rsplit("▕", 1)[-1]


def prompt_lines(term: Terminal) -> list[str]:
    """The prompt's rows of text: between its top border ('▔▔▔') and the footer."""
    lines = term.lines
    tops = [i for i, line in enumerate(lines[:-1]) if "▔▔▔▔▔▔" in right_of_sidebar(line)]
    if not tops:
        return []
    return [right_of_sidebar(line).strip().strip("▌").strip() for line in lines[tops[-1] + 1:-1]]


def prompt_text(term: Terminal) -> str:
    """What the prompt holds as one string ('' when it shows its placeholder)."""
    text = " ".join(line for line in prompt_lines(term) if line).strip()
    return "" if PROMPT_HINT in text else text


def send(term: Terminal, text: str, delay: float = 0.01) -> None:
    """Type a line and press Enter, at `delay` seconds a key."""
    term.type(text, delay=delay)
    term.press("enter")


def wait_idle(term: Terminal, timeout: float = 20.0) -> None:
    """Wait until no reply is on its way (the footer says nothing about sending or answering).
    Only after a reply has shown up: before that, the screen may simply not have caught up."""
    term.wait_for(lambda t: not busy(t), timeout)


def wait_reply(term: Terminal, before: int, timeout: float = 20.0) -> None:
    """Wait for a reply after the `before` ones already on screen, then for it to end."""
    term.wait_for(lambda t: len(reply_headers(t)) > before, timeout)
    wait_idle(term, timeout)


def ask(term: Terminal, text: str) -> None:
    """Send a message and wait for the whole reply."""
    before = len(reply_headers(term))
    send(term, text)
    wait_reply(term, before)


# "█  Bot  12:00  63 tokens  1 pts  #2"; narrow screens leave the time out ("█  Bot  #2")
HEADER = re.compile(r"^\s*█ {2}(\S+) {2}(?:\d\d:\d\d\b|#\d+|waiting|[\d,]+ tokens|[\d,]+ pts|⏹|✖)")


def reply_headers(term: Terminal) -> list[str]:
    """First rows of the replies' headers on screen ("Bot  12:00  …"), top to bottom."""
    out = []
    for line in term.lines:
        m = HEADER.match(right_of_sidebar(line))
        if m and m.group(1) != "You":
            out.append(right_of_sidebar(line).strip(" █"))
    return out


def reopen_latest(term: Terminal) -> None:
    """Start a new conversation, then open the latest one from the history (ctrl+n, ctrl+o, Enter)."""
    term.press("ctrl+n")
    term.wait_for(lambda t: not reply_headers(t), timeout=5)
    term.press("ctrl+o")
    term.wait_for("Enter opens", timeout=5)
    term.settle()
    term.press("enter")
    term.wait_for(lambda t: reply_headers(t), timeout=5)
    term.settle()


def history_rows(term: Terminal) -> list[str]:
    """Open the history (ctrl+o) and return its rows of conversations; leaves it open. (A notice
    at the top right may hide a row's end for a few seconds: wait until the rows are whole.)"""
    term.press("ctrl+o")
    term.wait_for("Enter opens", timeout=5)
    term.wait_for(lambda t: any(re.search(r"\d+ msgs?\b", line) for line in t.lines), timeout=10)
    term.settle()
    return [line for line in term.lines if re.search(r"\d+ msgs?\b", line)]


def messages(db: Path) -> list[sqlite3.Row]:
    """Every stored message, oldest first (read-only, straight from the app's SQLite file)."""
    deadline = time.monotonic() + 5
    while True:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            conn.row_factory = sqlite3.Row
            try:
                return conn.execute("SELECT * FROM messages ORDER BY seq").fetchall()
            finally:
                conn.close()
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
