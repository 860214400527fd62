"""Regression tests for failure paths found in review: each once printed a traceback, leaked the
key, lost data or told the user the wrong thing."""

import asyncio
import json
import os
import stat
import subprocess
import sys

import pytest

from poe_tui import config
from poe_tui.chat import ChatSession, ReplyFinished
from poe_tui.client import AuthenticationError, PoeClient, RetryPolicy, TextDelta
from poe_tui.emulator.faults import Fault
from poe_tui.store import Store, StoreError
from clihelpers import env, invoke  # noqa: F401 - env is a fixture




@pytest.mark.parametrize("key", ["secretKEY123\nzz", "sécretKEY", "two words"])
async def test_malformed_key_is_refused_without_quoting_it(emulator, key):
    async with PoeClient(key, base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.balance()
    assert "KEY" not in str(info.value) and "words" not in str(info.value)


def test_malformed_key_on_the_command_line(env, monkeypatch):
    monkeypatch.setenv("POE_API_KEY", "secretKEY123\x07zz")
    result = invoke("balance")
    assert result.exit_code == 3 and "secretKEY" not in result.output


async def test_reply_on_disk_while_the_bot_pauses(emulator, api_key, tmp_path):
    emulator.state.inject(Fault(reply="first words arrive then a long pause then more", stall_after=4, stall_seconds=1.5))
    store = Store(tmp_path / "p.db")
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        session = ChatSession(store, client, bot="Demo-Echo", flush_interval=0.2)
        seen = {}

        async def watch():
            other = Store(tmp_path / "p.db")
            while not any(m.role == "assistant" for m in other.get_messages(other.latest_conversation_id() or "x")):
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.8)  # inside the stall: only the timer can have written
            reply = [m for m in other.get_messages(other.latest_conversation_id()) if m.role == "assistant"][0]
            seen["during_pause"] = reply.content

        watcher = asyncio.create_task(watch())
        streamed = "".join([e.text async for e in session.send("hi") if isinstance(e, TextDelta)][:4])
        await watcher
    assert seen["during_pause"] == streamed[: len(seen["during_pause"])] and len(seen["during_pause"]) >= len("first words")


async def test_a_failed_flush_does_not_kill_the_reply(emulator, api_key, tmp_path, monkeypatch):
    emulator.state.tokens_per_second = 200
    store = Store(tmp_path / "f.db")
    real = store.update_message
    failures = []

    def flaky(id, **fields):
        if "status" not in fields and not failures:
            failures.append(1)
            raise StoreError("database is locked")
        return real(id, **fields)

    monkeypatch.setattr(store, "update_message", flaky)
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        session = ChatSession(store, client, bot="Demo-Long", flush_interval=0.05)
        events = [e async for e in session.send("tokens=150")]
    assert failures and any(isinstance(e, ReplyFinished) for e in events)
    assert (await session.messages())[-1].status == "complete"


class ExplodingClient:
    """The real client, but its stream fails with a non-API error after two chunks."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    async def stream_chat(self, *args, **kwargs):
        count = 0
        async for event in self.real.stream_chat(*args, **kwargs):
            yield event
            count += isinstance(event, TextDelta)
            if count == 2:
                raise RuntimeError("decoder exploded")


async def test_unexpected_exception_is_recorded_as_error_not_cancel(emulator, api_key, tmp_path):
    store = Store(tmp_path / "e.db")
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        session = ChatSession(store, ExplodingClient(client), bot="Demo-Echo")
        with pytest.raises(RuntimeError):
            async for _ in session.send("hi"):
                pass
    reply = (await session.messages())[-1]
    assert reply.status == "error" and reply.error == "poe-tui failed unexpectedly: decoder exploded" and reply.content


async def test_consumer_that_stops_early_and_closes_leaves_interrupted(emulator, api_key, tmp_path):
    from contextlib import aclosing

    store = Store(tmp_path / "c.db")
    async with PoeClient(api_key, base_url=emulator.base_url) as client:
        session = ChatSession(store, client, bot="Demo-Echo")
        async with aclosing(session.send("hi")) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    break
    reply = (await session.messages())[-1]
    assert reply.status == "interrupted" and reply.content


def test_data_dir_that_is_a_file(env, tmp_path, monkeypatch):
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "afile"))
    result = invoke("history")
    assert result.exit_code == 1 and result.stderr.startswith("poe-tui: history database:")


@pytest.mark.parametrize(
    "content,needle",
    [('max_retries = "three"', "max_retries"), ('base_url = "http://[::1"', "not valid"), ('base_url = "ftp://x"', "https://")],
)
def test_bad_config_values(env, monkeypatch, content, needle):
    monkeypatch.delenv("POE_BASE_URL")
    config.config_path().parent.mkdir(parents=True, exist_ok=True)
    config.config_path().write_text(content + "\n")
    result = invoke("balance")
    assert result.exit_code == 8 and needle in result.stderr


def test_undecodable_argument_and_nul_query(env):
    assert invoke("history", "--search", "hi\udcffthere").exit_code == 0
    assert Store(config.db_path()).search("a\x00b") == []


@pytest.mark.parametrize(
    "patch,needle",
    [
        ({"created_at": 1e300}, "time"),
        ({"created_at": float("nan")}, "time"),
        ({"points": 10**23}, "whole number"),
        ({"content": "\ud800"}, "text"),
        ({"updated_at": "zz"}, "updated_at"),
    ],
)
def test_import_rejects_values_that_would_break_history(env, tmp_path, patch, needle):
    invoke("ask", "-m", "Demo-Echo", "a real one")
    conv = Store(config.db_path()).latest_conversation_id()
    data = json.loads(invoke("export", conv, "--format", "json").stdout)
    data["conversation"]["id"] = "other1"
    for m in data["messages"]:
        m["id"] = m["id"] + "x"
        if m.get("parent_id"):
            m["parent_id"] += "x"
    data["messages"][0].update(patch)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, allow_nan=True))
    result = invoke("import", str(bad))
    assert result.exit_code == 8 and needle in result.stderr
    assert invoke("history").exit_code == 0


def test_import_with_hostile_ids_gets_fresh_ones(env, tmp_path):
    data = {
        "format": "poe-tui/conversation", "version": 1,
        "conversation": {"id": "evil\x1b]0;PWNED\x07", "title": "t", "created_at": 1, "updated_at": 2},
        "messages": [{"id": "m\x1b[2J", "role": "user", "content": "hi \x1b]52;c;ZWNobw==\x07 there", "created_at": 1}],
    }
    f = tmp_path / "evil.json"
    f.write_text(json.dumps(data))
    result = invoke("import", str(f))
    assert result.exit_code == 0 and "\x1b" not in result.stdout
    new_id = result.stdout.strip()
    assert new_id.isalnum()
    assert "\x1b" not in invoke("history").stdout


def test_broken_pipe_is_quiet(emulator, api_key):
    env = dict(os.environ, POE_BASE_URL=emulator.base_url, POE_API_KEY=api_key)
    emulator.state.tokens_per_second = 300
    proc = subprocess.run(
        f"{sys.executable} -m poe_tui ask -m Demo-Long 'tokens=3000' | head -c 20",
        shell=True, env=env, capture_output=True, text=True, timeout=60,
    )
    assert "Traceback" not in proc.stderr and "RuntimeError" not in proc.stderr, proc.stderr
    store = Store(config.db_path())
    reply = store.get_messages(store.latest_conversation_id())[-1]
    assert reply.status in ("interrupted", "complete") and reply.content


def test_failing_balance_endpoint_does_not_slow_ask(env):
    env.state.inject(Fault(endpoint="balance", status=503, times=20))
    result = invoke("ask", "-m", "Demo-Echo", "hi")
    assert result.exit_code == 0
    balance_calls = [r for r in env.state.requests if r.path == "/usage/current_balance"]
    assert len(balance_calls) == 2, "one before, one after: no back-off retries"


def test_leftover_loose_tmp_file_does_not_loosen_the_key_file(tmp_path):
    path = tmp_path / "config.toml"
    tmp = tmp_path / "config.toml.tmp"
    tmp.write_text("junk")
    os.chmod(tmp, 0o644)
    config.save_api_key("k-123", path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and not tmp.exists()
