"""Full-text search: ranking, plain-text snippets with highlight spans, hostile input, freshness."""

from __future__ import annotations

import pytest

from poe_tui.store import SearchHit
from poe_tui.store.search import build_match, parse_marked


@pytest.fixture
def conv(store):
    return store.create_conversation("Kitchen notes")


def test_more_matches_rank_first(store, conv):
    once = store.add_message(conv.id, "user", "walnut bread today with some seeds added")
    thrice = store.add_message(conv.id, "assistant", "walnut walnut walnut bread with seeds", bot="B")
    store.add_message(conv.id, "user", "nothing relevant here at all")
    hits = store.search("walnut")
    assert [h.message_id for h in hits] == [thrice.id, once.id]
    assert hits[0].rank < hits[1].rank
    assert (hits[0].role, hits[0].bot, hits[0].conversation_title) == ("assistant", "B", "Kitchen notes")
    assert hits[0].conversation_id == conv.id and hits[0].created_at == thrice.created_at


def test_snippet_is_plain_text_with_exact_spans(store, conv):
    store.add_message(conv.id, "user", "Use [bold]markup[/bold] and <b>tags</b> near the pineapple")
    (hit,) = store.search("pineapple")
    assert "\x02" not in hit.snippet and "\x03" not in hit.snippet
    assert "[bold]markup[/bold]" in hit.snippet  # markup-looking text comes back verbatim
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["pineapple"]
    assert hit.parts()[-1] == ("pineapple", True)
    assert "".join(t for t, _ in hit.parts()) == hit.snippet


def test_snippet_of_a_long_message_is_cut_with_ellipsis(store, conv):
    words = " ".join(f"filler{i}" for i in range(200))
    store.add_message(conv.id, "assistant", f"{words} the mango is ripe {words}")
    (hit,) = store.search("mango")
    assert len(hit.snippet) < 300 and "…" in hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["mango"]


def test_title_hits_have_no_message_id(store):
    c = store.create_conversation("Quantum chromodynamics homework")
    (hit,) = store.search("chromodynamics")
    assert hit.message_id is None and hit.role is None and hit.conversation_id == c.id
    assert hit.snippet == "Quantum chromodynamics homework"
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["chromodynamics"]


def test_last_word_is_a_prefix_and_words_are_anded(store, conv):
    m = store.add_message(conv.id, "user", "sourdough starter recipe")
    store.add_message(conv.id, "user", "a starter for ten")
    assert [h.message_id for h in store.search("sourdough star")] == [m.id]
    assert [h.message_id for h in store.search("sourd")] == [m.id]
    assert store.search("sourd ") == []  # a trailing space means the word is complete


def test_phrases_and_punctuated_words(store, conv):
    cpp = store.add_message(conv.id, "user", "templates in c++ are hard")
    ab = store.add_message(conv.id, "user", "we ran an a-b test")
    store.add_message(conv.id, "user", "test a lot, b later")
    assert [h.message_id for h in store.search("c++")] == [cpp.id]
    assert [h.message_id for h in store.search("a-b")] == [ab.id]
    assert [h.message_id for h in store.search('"an a"')] == [ab.id]


HOSTILE = [
    'foo "bar', "a-b", "c++", "NEAR", "NEAR(a b)", "*", "**", '"', '""', "'", "AND", "OR x",
    "NOT", "a OR", "(", ")", "(a", "^x", "col:x", "content:x", "x:", "-x", "+", "a AND NOT",
    "{content}: x", "\\", "%", "_", "\x00", "\x02hi\x03", "🙂", "   ", "", "a" * 500, "@Bot hi",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(store, conv, query):
    store.add_message(conv.id, "user", "NEAR the AND of a-b c++ x content 🙂 hi bot")
    hits = store.search(query)
    assert isinstance(hits, list) and all(isinstance(h, SearchHit) for h in hits)


def test_keywords_are_searched_as_words(store, conv):
    near = store.add_message(conv.id, "user", "the shop is near here")
    store.add_message(conv.id, "user", "far away")
    assert [h.message_id for h in store.search("NEAR")] == [near.id]
    assert store.search("*") == [] and store.search("") == []


def test_updates_and_deletes_are_reflected(store, conv):
    m = store.add_message(conv.id, "assistant", "", status="streaming")
    assert store.search("banana") == []
    store.update_message(m.id, content="a banana split")
    assert [h.message_id for h in store.search("banana")] == [m.id]
    store.update_message(m.id, content="an apple pie")
    assert store.search("banana") == []
    assert [h.message_id for h in store.search("apple")] == [m.id]
    store.update_message(m.id, reasoning="thinking of cherries")
    assert [h.message_id for h in store.search("cherries")] == [m.id]
    store.rename_conversation(conv.id, "Desserts")
    assert [h.message_id for h in store.search("kitchen")] == []
    assert [h.message_id for h in store.search("desserts")] == [None]
    store.delete_conversation(conv.id)
    assert store.search("apple") == [] and store.search("desserts") == []


def test_content_outranks_reasoning(store, conv):
    in_reasoning = store.add_message(conv.id, "assistant", "other words here", reasoning="kiwi fruit")
    in_content = store.add_message(conv.id, "assistant", "kiwi fruit", reasoning="other words here")
    assert [h.message_id for h in store.search("kiwi")] == [in_content.id, in_reasoning.id]


def test_limit(store, conv):
    for i in range(10):
        store.add_message(conv.id, "user", f"lemon number {i}")
    assert len(store.search("lemon", limit=3)) == 3
    assert len(store.search("lemon")) == 10


def test_build_match():
    assert build_match('foo "bar') == '"foo" """bar"*'  # the stray quote is escaped, not syntax
    assert build_match("c++") == '"c++"'
    assert build_match('say "hello world"') == '"say" "hello world"'
    assert build_match('a"b') == '"a""b"*'
    assert build_match("* ( ) ^") is None
    assert build_match("done ") == '"done"'


def test_parse_marked():
    assert parse_marked("a \x02bc\x03 d \x02e\x03") == ("a bc d e", [(2, 4), (7, 8)])
    assert parse_marked("stray \x03 close \x02open") == ("stray  close open", [(13, 17)])


def test_titles_come_before_messages(store):
    conv = store.create_conversation("Gardening")
    m = store.add_message(conv.id, "user", "gardening gardening gardening tips")
    assert [h.message_id for h in store.search("gardening")] == [None, m.id]
    assert [h.message_id for h in store.search("gardening", limit=1)] == [None]


def test_too_many_matches_come_newest_first(store, conv, monkeypatch):
    from poe_tui.store import search as search_module

    strong = store.add_message(conv.id, "user", "plum plum plum plum")
    weak = [store.add_message(conv.id, "user", f"plum and {i} other words here") for i in range(4)]
    ranked = store.search("plum")
    assert ranked[0].message_id == strong.id  # few matches: by relevance
    monkeypatch.setattr(search_module, "RANK_AT_MOST", 3)
    newest = store.search("plum")
    assert [h.message_id for h in newest] == [m.id for m in reversed([strong, *weak])]
    assert all(isinstance(h.rank, float) for h in newest)
    assert store.search("plum", limit=2)[0].message_id == weak[-1].id


def test_whole_word_matches_come_before_prefix_matches(tmp_path):
    from poe_tui.store import Store

    with Store(tmp_path / "s.db") as store:
        conv = store.create_conversation("t").id
        prefix_only = store.add_message(conv, "user", "clusters clusters clustering clusters")
        whole = store.add_message(conv, "assistant", "one cluster here")
        hits = store.search("cluster")
        assert [h.message_id for h in hits] == [whole.id, prefix_only.id]
        assert store.search("cluster ")[0].message_id == whole.id and len(store.search("cluster ")) == 1
