"""`poe-tui usage --by day|bot|conversation [--since] [--json|--csv]`: totals from the ledger after a
refresh, equal to the raw entries; `usage --json` without --by keeps its meaning."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from poe_tui import config
from poe_tui.emulator import seed_history
from poe_tui.emulator.faults import Fault
from poe_tui.store import Store
from clihelpers import env, invoke  # noqa: F401 - env is a fixture


def raw(emulator) -> list:
    return emulator.state.history(days=30)


def test_by_bot_csv_sums_to_the_raw_entries(env):
    seed_history(env.state, 300)
    result = invoke("usage", "--by", "bot", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["bot", "points", "charges", "share"]
    entries = raw(env)
    assert {r["bot"]: int(r["points"]) for r in rows} == {
        b: sum(e.cost_points for e in entries if e.bot_name == b) for b in {e.bot_name for e in entries}}
    assert sum(int(r["charges"]) for r in rows) == len(entries)
    points = [int(r["points"]) for r in rows]
    assert points == sorted(points, reverse=True), "ranked"
    assert abs(sum(float(r["share"]) for r in rows) - 100) < 1


def test_by_day_json_and_since(env):
    seed_history(env.state, 200)
    everything = json.loads(invoke("usage", "--by", "day", "--json").stdout)
    entries = raw(env)
    assert sum(d["points"] for d in everything) == sum(e.cost_points for e in entries)
    for d in everything:
        day = dt.date.fromisoformat(d["day"])
        assert d["points"] == sum(e.cost_points for e in entries
                                  if dt.date.fromtimestamp(e.creation_time / 1e6) == day)
    since = everything[len(everything) // 2]["day"]
    later = json.loads(invoke("usage", "--by", "day", "--since", since, "--json").stdout)
    assert [d["day"] for d in later] == [d["day"] for d in everything if d["day"] >= since]


def test_by_conversation_names_the_conversation_that_spent_it(env):
    seed_history(env.state, 20)
    assert invoke("ask", "-m", "Demo-Echo", "what does this cost").exit_code == 0
    rows = json.loads(invoke("usage", "--by", "conversation", "--json").stdout)
    store = Store(config.db_path())
    conv = store.get_conversation(store.latest_conversation_id())
    mine = [r for r in rows if r["conversation_id"] == conv.id]
    assert len(mine) == 1 and mine[0]["title"] == conv.title and mine[0]["charges"] == 1
    assert mine[0]["points"] == store.get_messages(conv.id)[-1].points
    elsewhere = next(r for r in rows if r["conversation_id"] is None)
    assert elsewhere["charges"] == 20
    text = invoke("usage", "--by", "conversation").stdout
    assert conv.title in text and "(not from this app)" in text


def test_plain_json_keeps_its_meaning(env):
    seed_history(env.state, 30)
    entries = json.loads(invoke("usage", "--json", "--limit", "5").stdout)
    assert [e["query_id"] for e in entries] == [e.query_id for e in raw(env)[:5]]
    assert set(entries[0]) >= {"query_id", "bot_name", "creation_time_us", "cost_points"}


def test_a_failed_refresh_says_so_and_prints_what_the_ledger_holds(env):
    seed_history(env.state, 40)
    first = invoke("usage", "--by", "bot", "--csv").stdout
    env.state.inject(Fault(endpoint="history", status=503, times=20))
    result = invoke("usage", "--by", "bot", "--csv")
    assert result.exit_code == 0
    assert result.stdout == first
    assert "could not refresh the ledger" in result.stderr


def test_bad_usage_input_is_explained(env):
    for args, words in [
        (["--by", "bot", "--json", "--csv"], "one of --json and --csv"),
        (["--since", "2026-01-01"], "--since goes with --by"),
        (["--by", "day", "--since", "last week"], "a date like"),
    ]:
        result = invoke("usage", *args)
        assert result.exit_code == 8 and words in result.output, result.output
    assert invoke("usage", "--by", "week").exit_code == 2


def test_hostile_bot_names_reach_no_terminal(env):
    env.state.charge("poe-emulator-key", "Evil\x1b]0;pwned\x07Bot\x1b[2J", 5, {"Input": "5"})
    for args in (["--by", "bot", "--csv"], ["--by", "bot"], ["--csv"], ["--by", "bot", "--json"]):
        out = invoke("usage", *args).stdout
        assert "\x1b" not in out and "\x07" not in out, args
        assert "Evil" in out
