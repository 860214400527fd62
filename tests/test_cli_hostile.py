"""The command line against hostile input, a hostile service, silence and bad disks (issue 9):
each case ends with one clear line and the documented exit code. Real subprocesses against the
emulator over loopback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from poe_tui import config
from poe_tui.emulator.faults import Fault
from poe_tui.store import Store

HOSTILE = "\x1b]52;c;aGFja2Vk\x07\x1b]2;PWNED\x07\x1b[6n\x1b[2J\x9b31m\x85"
BIDI = "\u202e\u2066"


def poe(emulator, api_key, *args, input: bytes | None = None, timeout: float = 60):
    env = dict(os.environ, POE_BASE_URL=emulator.base_url, POE_API_KEY=api_key)
    proc = subprocess.run(
        [sys.executable, "-m", "poe_tui", *args], input=input, capture_output=True, env=env, timeout=timeout
    )
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in err and "internal error" not in err, err
    return proc.returncode, out, err


def assert_inert(text: str) -> None:
    """Nothing a terminal would act on: no ESC, BEL, CSI/OSC introducers or other controls."""
    bad = [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]
    assert not bad, f"control characters reached the output: {bad!r}"


def conversations() -> int:
    path = config.db_path()
    if not path.exists():
        return 0
    with Store(path) as store:
        return len(store.list_conversations(include_archived=True))


# ------------------------------------------------------------------ bad input (9.3)


def test_import_of_a_deeply_nested_file_is_bad_input(emulator, api_key, tmp_path):
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 1_000_000 + "]" * 1_000_000)
    code, _, err = poe(emulator, api_key, "import", str(nested))
    assert code == 8 and "nests too deeply" in err


def test_invalid_utf8_on_asks_stdin_is_bad_input(emulator, api_key):
    code, _, err = poe(emulator, api_key, "ask", "-m", "Demo-Echo", input=b"hi \xff\xfe there")
    assert code == 8 and "not valid UTF-8" in err
    assert emulator.state.chat_requests == [] and conversations() == 0


# -------------------------------------------------------------- escapes (9.4)


def test_usage_prints_the_services_text_inert(emulator, api_key):
    entry = emulator.state.charge(api_key, f"Evil{HOSTILE}Bot{BIDI}", 7, {})
    entry.usage_type = f"API{HOSTILE}"
    code, out, _ = poe(emulator, api_key, "usage")
    assert code == 0 and "EvilBot" in out
    assert_inert(out)
    assert BIDI[0] not in out and BIDI[1] not in out
    code, out, _ = poe(emulator, api_key, "usage", "--json")
    assert_inert(out)
    assert json.loads(out)[0]["bot_name"] == f"Evil{HOSTILE}Bot{BIDI}", "JSON keeps the data, escaped"


def test_models_and_errors_print_inert(emulator, api_key):
    body = {"object": "list", "data": [{"id": "evil", "metadata": {"display_name": f"Evil{HOSTILE}{BIDI}Name"}}]}
    emulator.state.inject(Fault(endpoint="models", body=json.dumps(body)))
    code, out, _ = poe(emulator, api_key, "models")
    assert code == 0 and "EvilName" in out
    assert_inert(out)
    assert not set(BIDI) & set(out)
    emulator.state.inject(Fault(status=400, error_type="invalid_request_error", message=f"bad {HOSTILE} thing"))
    code, out, err = poe(emulator, api_key, "ask", "-m", "Demo-Echo", "hi")
    assert code == 10 and "bad" in err
    assert_inert(err)


def test_history_and_export_are_inert_everywhere(emulator, api_key, tmp_path):
    emulator.state.inject(Fault(reply=f"body {HOSTILE} text\tand\ttabs\nline two {BIDI}"))
    code, _, _ = poe(emulator, api_key, "ask", "-m", "Demo-Echo", "hi")
    assert code == 0
    with Store(config.db_path()) as store:
        conv = store.latest_conversation_id()
        store.rename_conversation(conv, f"title{HOSTILE}{BIDI}reversed")
    code, out, _ = poe(emulator, api_key, "history")
    assert "titlereversed" in out
    assert_inert(out)
    assert not set(BIDI) & set(out)
    code, md, _ = poe(emulator, api_key, "export", conv)
    assert code == 0 and "# titlereversed" in md and "text\tand\ttabs\nline two" in md
    assert_inert(md)
    assert BIDI in md, "message bodies keep bidi characters for right-to-left text"
    out_file = tmp_path / "c.md"
    poe(emulator, api_key, "export", conv, "-o", str(out_file))
    assert_inert(out_file.read_text())
    code, js, _ = poe(emulator, api_key, "export", conv, "--format", "json")
    assert_inert(js)
    messages = json.loads(js)["messages"]
    assert HOSTILE in messages[-1]["content"], "the JSON export loses nothing"


# -------------------------------------------------------------- silence (9.7, 9.8)


def test_ask_timeout_when_nothing_arrives(emulator, api_key):
    emulator.state.inject(Fault(delay=30))
    started = time.monotonic()
    code, _, err = poe(emulator, api_key, "ask", "-m", "Demo-Echo", "--timeout", "1", "hi")
    took = time.monotonic() - started
    assert code == 6 and "nothing arrived" in err and took < 10, (took, err)


def test_ask_timeout_mid_reply_says_how_much_was_kept(emulator, api_key):
    emulator.state.inject(Fault(reply="one two three four five six seven eight", stall_after=3, stall_seconds=30))
    code, out, err = poe(emulator, api_key, "ask", "-m", "Demo-Echo", "--timeout", "1", "hi")
    with Store(config.db_path()) as store:
        reply = store.get_messages(store.latest_conversation_id())[-1]
    assert code == 7 and reply.status == "interrupted" and reply.content
    assert f"{len(reply.content):,} characters were kept" in err and out.strip() == reply.content.strip()


def test_balance_gives_up_in_seconds_as_configured(emulator, api_key):
    config.write_file({"request_timeout": 1})
    emulator.state.inject(Fault(endpoint="balance", status=503, delay=30, times=20))
    started = time.monotonic()
    code, _, err = poe(emulator, api_key, "balance")
    assert code == 6 and "No answer" in err and time.monotonic() - started < 10


def test_a_long_retry_after_fails_at_once(emulator, api_key):
    emulator.state.inject(Fault(status=429, error_type="rate_limit_error", retry_after="3600", times=10))
    started = time.monotonic()
    code, _, err = poe(emulator, api_key, "ask", "-m", "Demo-Echo", "hi")
    assert code == 9 and "rate limited: try again in 1 h" in err and time.monotonic() - started < 10


# ------------------------------------------------------ what the service meant (9.9, 9.10)


def test_out_of_points_mid_stream_exits_5_with_the_balance(emulator, api_key):
    emulator.state.inject(Fault(reply="one two three four", error_after=2, error_type="insufficient_credits",
                                message="You ran out of points", done_after_error=True))
    code, _, err = poe(emulator, api_key, "ask", "-m", "Demo-Echo", "hi")
    balance = emulator.state.balance(api_key)
    assert code == 5 and "ran out of points" in err and f"Balance: {balance:,} points" in err


def test_bad_key_mid_stream_exits_3_with_the_login(emulator, api_key):
    emulator.state.inject(Fault(reply="one two three four", error_after=2, error_type="authentication_error",
                                message="Key revoked", done_after_error=True))
    code, _, err = poe(emulator, api_key, "ask", "-m", "Demo-Echo", "hi")
    assert code == 3 and "Key revoked" in err and "poe-tui login" in err


def test_an_empty_stream_is_a_failure(emulator, api_key):
    emulator.state.inject(Fault(body="data: {broken\n\ndata: [DONE]\n\n", headers={"content-type": "text/event-stream"}))
    code, out, err = poe(emulator, api_key, "ask", "-m", "Demo-Echo", "hi")
    assert code == 6 and "sent nothing" in err and out.strip() == ""
    with Store(config.db_path()) as store:
        reply = store.get_messages(store.latest_conversation_id())[-1]
    assert reply.role == "assistant" and reply.status == "error"
