"""`poe-tui ask -m A -m B`: the bots answer at once, each reply is printed under its bot's name
(or as a JSON line), all are saved as alternatives; a SIGKILL mid-compare keeps every partial."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from poe_tui import config
from poe_tui.emulator.faults import Fault
from poe_tui.store import Store

from clihelpers import env, invoke  # noqa: F401


def test_two_bots_answer_under_their_names_and_are_saved_as_alternatives(env):  # noqa: F811
    result = invoke("ask", "-m", "Demo-Echo", "-m", "Demo-Reasoner", "what is 2+2")
    assert result.exit_code == 0, result.stderr
    assert "── Demo-Echo ──" in result.stdout and "── Demo-Reasoner ──" in result.stdout
    assert "Answer: 4" in result.stdout
    assert "the comparison cost" in result.stderr
    requests = env.state.chat_requests[-2:]
    assert {r.model for r in requests} == {"Demo-Echo", "Demo-Reasoner"}
    assert requests[0].body["messages"] == requests[1].body["messages"]
    with Store(config.db_path()) as store:
        conv = store.latest_conversation_id()
        replies = [m for m in store.all_messages(conv) if m.role == "assistant"]
        assert {m.bot for m in replies} == {"Demo-Echo", "Demo-Reasoner"}
        assert len({m.parent_id for m in replies}) == 1 and all(m.status == "complete" for m in replies)


def test_json_lines_and_a_failing_column(env):  # noqa: F811
    env.state.inject(Fault(model="Demo-Markdown", status=500, error_type="provider_error", message="boom", times=10))
    result = invoke("ask", "-m", "Demo-Echo", "-m", "Demo-Markdown", "--json", "hi")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_bot = {line["bot"]: line for line in lines}
    assert by_bot["Demo-Echo"]["status"] == "complete" and by_bot["Demo-Markdown"]["status"] == "error"
    assert result.exit_code != 0 and "Demo-Markdown" in result.stderr


def test_too_many_bots_is_bad_input(env):  # noqa: F811
    result = invoke("ask", *sum((["-m", f"Bot{i}"] for i in range(5)), []), "hi")
    assert result.exit_code == 8 and "at most 4" in result.stderr
    assert env.state.chat_requests == []


def test_sigkill_mid_compare_keeps_every_partial_reply(emulator, api_key):
    emulator.state.tokens_per_second = 60
    process_env = dict(os.environ, POE_BASE_URL=emulator.base_url, POE_API_KEY=api_key, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "poe_tui", "ask", "-m", "Demo-Long", "-m", "Demo-Markdown", "-m", "Demo-Reasoner",
         "write a lot tokens=5000"],
        env=process_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while len([r for r in emulator.state.chat_requests if r.stream]) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # three flush intervals into the replies
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with Store(config.db_path()) as store:  # reopening marks the dead process's replies interrupted
        conv = store.latest_conversation_id()
        replies = [m for m in store.all_messages(conv) if m.role == "assistant"]
        assert sorted(m.bot for m in replies) == ["Demo-Long", "Demo-Markdown", "Demo-Reasoner"]
        assert all(m.status == "interrupted" and m.content for m in replies), [(m.bot, m.status, len(m.content)) for m in replies]
