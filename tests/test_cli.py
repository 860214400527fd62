"""Every command against the emulator, including bad input: clear message, distinct exit code,
no traceback."""

import json
import os
import stat

import pytest

from poe_tui import config
from poe_tui.emulator.faults import Fault
from poe_tui.store import Store
from clihelpers import env, invoke  # noqa: F401 - env is a fixture




def store():
    return Store(config.db_path())


def test_every_command_has_help():
    for name in ["ask", "models", "balance", "usage", "history", "export", "import", "login", "logout", "emulator", "repair"]:
        result = invoke(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, name


def test_ask_streams_and_saves_both_turns(env):
    result = invoke("ask", "-m", "Demo-Echo", "hello from the cli")
    assert result.exit_code == 0, result.output
    s = store()
    conv = s.latest_conversation_id()
    msgs = s.get_messages(conv)
    assert [m.role for m in msgs] == ["user", "assistant"]
    assert msgs[0].content == "hello from the cli"
    assert msgs[1].content.strip() in result.stdout and msgs[1].bot == "Demo-Echo"


def test_ask_json(env):
    result = invoke("ask", "-m", "demo-markdown", "--json", "show me")
    data = json.loads(result.stdout)
    assert data["status"] == "complete" and data["bot"] == "demo-markdown" and data["content"]
    assert data["usage"]["completion_tokens"] > 0 and data["points"] > 0 and data["balance"] > 0


@pytest.mark.parametrize("args", [["-"], []])
def test_ask_reads_stdin(env, args):
    result = invoke("ask", "-m", "Demo-Echo", *args, input="question from a pipe\n")
    assert result.exit_code == 0
    assert env.state.chat_requests[-1].body["messages"][-1]["content"] == "question from a pipe"


def test_ask_continue_and_conversation_prefix(env):
    invoke("ask", "-m", "Demo-Echo", "first")
    assert invoke("ask", "-c", "second").exit_code == 0
    sent = env.state.chat_requests[-1].body["messages"]
    assert [m["content"] for m in sent if m["role"] == "user"] == ["first", "second"]
    assert env.state.chat_requests[-1].model == "Demo-Echo", "continues with the conversation's bot"
    conv = store().latest_conversation_id()
    assert invoke("ask", "--conversation", conv[:6], "-m", "Demo-Markdown", "third").exit_code == 0
    assert len(env.state.chat_requests[-1].body["messages"]) == 5
    assert env.state.chat_requests[-1].model == "Demo-Markdown"


def test_ask_strips_terminal_escapes(env):
    env.state.inject(Fault(reply="safe \x1b]52;c;aGFja2Vk\x07text \x1b[2J\x1b[31mred\x1b[0m end"))
    result = invoke("ask", "-m", "Demo-Echo", "hi")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "safe text red end" in result.stdout


@pytest.mark.parametrize(
    "args,code,needle",
    [
        (["ask", "-m", "Demo-Markdwn", "hi"], 4, "Demo-Markdown"),
        (["ask", "-m", "Demo-Echo", "   "], 8, "empty prompt"),
        (["ask", "--conversation", "zzzzzz", "hi"], 4, "zzzzzz"),
        (["export", "nope1234"], 4, "nope1234"),
        (["import", "/no/such/file.json"], 8, "/no/such/file.json"),
        (["history", "--search", "  "], 8, "empty search"),
    ],
)
def test_bad_input_gives_clear_error_and_exit_code(env, args, code, needle):
    if args[0] == "ask" and "Demo-Markdwn" in args:
        invoke("models")  # fill the bot cache so suggestions can be made
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert needle in result.stderr and result.stderr.startswith("poe-tui: ")


def test_ask_continue_with_no_history(env):
    result = invoke("ask", "-c", "hi")
    assert result.exit_code == 4 and "no conversation" in result.stderr


def test_bad_key(env, monkeypatch):
    monkeypatch.setenv("POE_API_KEY", "bad-key")
    result = invoke("ask", "-m", "Demo-Echo", "hi")
    assert result.exit_code == 3 and "login" in result.stderr and "bad-key" not in result.output
    assert invoke("balance").exit_code == 3


def test_no_key_at_all(env, monkeypatch):
    monkeypatch.delenv("POE_API_KEY")
    result = invoke("ask", "hi")
    assert result.exit_code == 3 and "poe-tui login" in result.stderr


@pytest.mark.parametrize(
    "fault,code",
    [
        (Fault(status=402, error_type="insufficient_credits", message="Out of points"), 5),
        (Fault(status=403, error_type="moderation_error", message="Refused"), 10),
        (Fault(status=413, error_type="request_too_large", message="Too long"), 10),
        (Fault(status=429, error_type="rate_limit_error", message="Slow", retry_after="0", times=10), 9),
        (Fault(status=503, error_type="overloaded_error", message="Busy", retry_after="0", times=10), 6),
        (Fault(reply="one two three four five six seven", break_after=2), 7),
    ],
)
def test_service_failures_map_to_exit_codes(env, fault, code):
    env.state.inject(fault)
    result = invoke("ask", "-m", "Demo-Echo", "hi")
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("poe-tui: ")


def test_models(env):
    result = invoke("models", "--search", "sonnet")
    assert result.exit_code == 0 and "Claude-Sonnet-4.6" in result.stdout
    assert "Demo-Echo" not in result.stdout
    data = json.loads(invoke("models", "--json").stdout)
    assert len(data) >= 362 and all("id" in b for b in data)


def test_models_falls_back_to_cache_when_offline(env, monkeypatch):
    invoke("models")
    monkeypatch.setenv("POE_BASE_URL", "http://127.0.0.1:9")
    result = invoke("models", "--search", "gpt-5")
    assert result.exit_code == 0 and "GPT-5" in result.stdout and "cached" in result.stderr


def test_balance_and_usage(env):
    before = json.loads(invoke("balance", "--json").stdout)["current_point_balance"]
    for i in range(3):
        invoke("ask", "-m", "Demo-Echo", f"q{i}")
    after = json.loads(invoke("balance", "--json").stdout)["current_point_balance"]
    entries = json.loads(invoke("usage", "--limit", "2", "--json").stdout)
    assert len(entries) == 2
    all_entries = json.loads(invoke("usage", "--limit", "50", "--json").stdout)
    assert sum(e["cost_points"] for e in all_entries) == before - after
    assert "points" in invoke("balance").stdout


def test_history_and_search(env):
    invoke("ask", "-m", "Demo-Echo", "tell me about pelicans")
    invoke("ask", "-m", "Demo-Echo", "and what about walruses")
    listing = invoke("history")
    assert "walruses" in listing.stdout and "pelicans" in listing.stdout
    hits = invoke("history", "--search", "pelican")
    assert hits.exit_code == 0 and "«pelican" in hits.stdout.lower() or "«pelicans»" in hits.stdout
    data = json.loads(invoke("history", "--search", "walruses", "--json").stdout)
    assert data and all("walrus" in (h["snippet"] + (h["conversation_title"] or "")).lower() for h in data)
    rows = json.loads(invoke("history", "--json").stdout)
    assert rows[0]["title"] == "and what about walruses"


def test_export_import_round_trip(env, tmp_path, monkeypatch):
    invoke("ask", "-m", "Demo-Echo", "round trip me")
    invoke("ask", "-c", "-m", "Demo-Markdown", "and again")
    conv = store().latest_conversation_id()
    md = invoke("export", conv).stdout
    assert "# round trip me" in md and "## Demo-Markdown" in md and "## You" in md
    out = tmp_path / "c.json"
    assert invoke("export", conv, "--format", "json", "-o", str(out)).exit_code == 0
    original = json.loads(out.read_text())
    # into a fresh database: ids kept, nothing lost
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "other-data"))
    imported = invoke("import", str(out))
    assert imported.exit_code == 0 and imported.stdout.strip() == conv
    again = tmp_path / "again.json"
    invoke("export", conv, "--format", "json", "-o", str(again))
    assert json.loads(again.read_text()) == original
    # into the same database again: fresh ids, same content
    second = invoke("import", str(out)).stdout.strip()
    assert second != conv
    copy = store().get_messages(second)
    assert [(m.role, m.content, m.bot) for m in copy] == [(m["role"], m["content"], m["bot"]) for m in original["messages"]]


@pytest.mark.parametrize(
    "content,needle",
    [
        ("not json at all", "not valid JSON"),
        ('{"format": "something-else"}', "not a poe-tui conversation"),
        ('{"format": "poe-tui/conversation", "version": 1, "conversation": {"id": "x", "created_at": 1, "updated_at": 1}, "messages": [{"id": "a", "role": "robot", "content": "", "created_at": 1}]}', "unknown role"),
    ],
)
def test_import_rejects_bad_files_without_touching_data(env, tmp_path, content, needle):
    invoke("ask", "-m", "Demo-Echo", "keep me")
    before = [c.id for c in store().list_conversations()]
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = invoke("import", str(bad))
    assert result.exit_code == 8 and needle in result.stderr
    assert [c.id for c in store().list_conversations()] == before


def test_import_unreadable_file(env, tmp_path):
    bad = tmp_path / "binary.json"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    result = invoke("import", str(bad))
    assert result.exit_code == 8 and "UTF-8" in result.stderr


def test_login_checks_and_stores_key_0600_then_logout(env, api_key, monkeypatch):
    monkeypatch.delenv("POE_API_KEY")
    bad = invoke("login", input="wrong-key\n")
    assert bad.exit_code == 3 and "rejected" in bad.stderr and "wrong-key" not in bad.output
    assert not config.config_path().exists()
    good = invoke("login", input=api_key + "\n")
    assert good.exit_code == 0 and "points" in good.stdout and api_key not in good.output
    path = config.config_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert config.load_settings().api_key == api_key
    assert invoke("balance").exit_code == 0
    assert invoke("logout").exit_code == 0
    assert config.load_settings().api_key is None
    assert invoke("balance").exit_code == 3


def test_key_never_written_to_database(env, api_key):
    invoke("ask", "-m", "Demo-Echo", "hi")
    invoke("models")
    raw = config.db_path().read_bytes()
    for suffix in ("-wal",):
        wal = config.db_path().with_name(config.db_path().name + suffix)
        if wal.exists():
            raw += wal.read_bytes()
    assert api_key.encode() not in raw


def test_demo_flag_needs_no_key_and_uses_its_own_history(monkeypatch):
    monkeypatch.delenv("POE_API_KEY", raising=False)
    result = invoke("--demo", "ask", "-m", "Demo-Echo", "hello demo")
    assert result.exit_code == 0 and result.stdout.strip()
    assert config.db_path(demo=True).exists() and not config.db_path().exists()
