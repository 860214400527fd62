"""Fuzzy bot ranking against the real bot list (362 bots, April 2026)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from poe_tui.botsearch import (
    TIER_BOUNDARY,
    TIER_CONTIGUOUS,
    TIER_EXACT,
    TIER_PREFIX,
    TIER_SCATTERED,
    BotIndex,
    compact,
    rank_bots,
)
from poe_tui.client.records import Bot, parse_models

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "poe-models-2026-04.json"


@pytest.fixture(scope="module")
def bots() -> list[Bot]:
    parsed = parse_models(json.loads(FIXTURE.read_text()))
    assert len(parsed) == 362
    return parsed


@pytest.fixture(scope="module")
def index(bots) -> BotIndex:
    return BotIndex(bots)


def names(matches, n=None):
    out = [m.bot.display_name for m in matches]
    return out if n is None else out[:n]


def test_compact_ignores_case_and_separators():
    assert compact("Claude-Sonnet-4.6") == "claudesonnet46"
    assert compact("gpt 5") == "gpt5"


def test_son46_finds_claude_sonnet_46_first(index):
    result = index.rank("son46")
    assert names(result, 1) == ["Claude-Sonnet-4.6"]
    top = result[0]
    assert top.tier == TIER_BOUNDARY
    # Highlighted characters: "Son" of Sonnet, "4" and "6".
    assert [top.bot.display_name[p] for p in top.positions] == list("Son46")
    assert top.positions == (7, 8, 9, 14, 16)


def test_gpt5_exact_beats_prefixes(index):
    result = index.rank("gpt5")
    assert names(result, 1) == ["GPT-5"]
    assert result[0].tier == TIER_EXACT
    got = names(result)
    assert got.index("GPT-5") < got.index("GPT-5-mini")
    # Every GPT-5 variant is a prefix match and ranks above anything merely scattered.
    tiers = [m.tier for m in result]
    assert tiers == sorted(tiers, reverse=True)
    assert all(n.startswith("GPT-5") for n in got[:20])


def test_separators_in_the_query_do_not_matter(index):
    assert names(index.rank("gpt-5"), 1) == ["GPT-5"]
    assert names(index.rank("GPT 5"), 1) == ["GPT-5"]
    assert names(index.rank("claude sonnet 4.6"), 1) == ["Claude-Sonnet-4.6"]


def test_tier_order(index):
    by_name = {m.bot.display_name: m for m in index.rank("opus")}
    assert by_name["Claude-Opus-4.6"].tier == TIER_BOUNDARY  # a whole word
    r = {m.bot.display_name: m.tier for m in index.rank("sonnet")}
    assert r["Claude-Sonnet-4.6"] == TIER_BOUNDARY
    assert {m.bot.display_name: m.tier for m in index.rank("claude")}["Claude-Opus-4.6"] == TIER_PREFIX
    # "onnet" sits inside a word: contiguous, ranked under word-boundary matches.
    r = {m.bot.display_name: m.tier for m in index.rank("onnet")}
    assert r["Claude-Sonnet-4.6"] == TIER_CONTIGUOUS
    # "cs46": C(laude) S(onnet) 4 6 are word starts; Claude-Opus-4.6 only scatters.
    result = index.rank("cs46")
    assert names(result, 1) == ["Claude-Sonnet-4.6"]
    assert {m.bot.display_name: m.tier for m in result}["Claude-Opus-4.6"] == TIER_SCATTERED


def test_word_starts_beat_scattered(index):
    result = index.rank("g25f")
    assert names(result, 3) == ["Gemini-2.5-Flash", "Gemini-2.5-Flash-Lite", "Gemini-2.5-Flash-TTS"]
    assert names(index.rank("dsr1"), 1) == ["DeepSeek-R1"]


def test_no_match(index):
    assert index.rank("zzqqxx") == []


def test_empty_query_lists_favourites_then_recents_then_the_rest(index, bots):
    result = index.rank("", favourites=["GPT-5", "o3"], recents=["Claude-Opus-4.6", "gpt-5", "Gemini-3-Flash"])
    got = names(result)
    assert got[:4] == ["GPT-5", "o3", "Claude-Opus-4.6", "Gemini-3-Flash"]  # gpt-5 listed once
    assert len(got) == len(bots) and len(set(got)) == len(got)
    assert result[0].favourite and not result[2].favourite and result[2].recent
    assert got[4:] == [b.display_name for b in bots if b.display_name not in got[:4]]


def test_favourites_and_recents_break_ties(index):
    plain = names(index.rank("gpt5m"))
    assert plain[0] == "GPT-5-mini"  # prefix tier
    boosted = names(index.rank("gpt5m", favourites=["GPT-5.1-Codex-Max"]))
    # Same tier (word starts) as GPT-5.4-Mini: the favourite moves ahead of it...
    assert boosted.index("GPT-5.1-Codex-Max") < boosted.index("GPT-5.4-Mini")
    # ...but never above a better tier.
    assert boosted[0] == "GPT-5-mini"
    recent = names(index.rank("gpt5m", recents=["GPT-5.1-Codex-Mini"]))
    assert recent.index("GPT-5.1-Codex-Mini") < recent.index("GPT-5.4-Mini")


def test_matches_on_id_when_display_name_differs():
    bots = [
        Bot(id="a2-internal", display_name="Friendly Helper"),
        Bot(id="other", display_name="Other"),
    ]
    index = BotIndex(bots)
    by_id = index.rank("a2int")
    assert names(by_id) == ["Friendly Helper"]
    assert by_id[0].positions == ()  # the name itself did not match: nothing to highlight
    by_name = index.rank("frhe")
    assert names(by_name) == ["Friendly Helper"] and by_name[0].positions == (0, 1, 9, 10)
    assert index.find("A2-INTERNAL") is bots[0] and index.find("friendly helper") is bots[0]
    assert index.find("nope") is None


def test_incremental_typing_gives_the_same_result_as_fresh(index, bots):
    query = "gemini25flash"
    for i in range(1, len(query) + 1):
        typed = index.rank(query[:i])
        fresh = rank_bots(bots, query[:i])
        assert names(typed) == names(fresh)
    # Deleting characters widens again.
    assert names(index.rank("gem")) == names(rank_bots(bots, "gem"))
    assert len(index.rank("g")) > len(index.rank("gem"))


def test_limit(index):
    assert len(index.rank("", limit=5)) == 5
    assert len(index.rank("a", limit=3)) == 3


def test_untrusted_names_do_not_break_matching():
    evil = Bot(id="evil", display_name="[@click=app.quit]x[/] \x1b[31mRED")
    index = BotIndex([evil, Bot(id="b", display_name="B")])
    result = index.rank("click")
    assert names(result) == [evil.display_name]
    assert all(0 <= p < len(evil.display_name) for p in result[0].positions)


def test_a_keystroke_is_fast(index):
    """The per-keystroke budget is a 16 ms frame; the search alone should use a sliver of it."""
    worst = 0.0
    for query in ["claude sonnet 4.6", "gpt5 mini", "gemini 2.5 flash", "e", "aeiou"]:
        index.rank("")
        for i in range(1, len(query) + 1):
            start = time.perf_counter()
            index.rank(query[:i], favourites=["GPT-5"], recents=["Claude-Opus-4.6"])
            worst = max(worst, time.perf_counter() - start)
    assert worst < 0.016
