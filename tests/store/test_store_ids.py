"""Ids: short, lowercase, time-sortable; prefixes resolve to exactly one conversation."""

from __future__ import annotations

import pytest

from poe_tui.store import AmbiguousIdError, UnknownIdError
from poe_tui.store.ids import ALPHABET, ID_LENGTH, new_id


def test_ids_are_short_lowercase_and_sort_by_time():
    times = iter([1_700_000_000.0 + i * 0.001 for i in range(200)])
    ids = [new_id(lambda: next(times)) for _ in range(200)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 200
    assert all(len(i) == ID_LENGTH and 12 <= len(i) <= 16 for i in ids)
    assert all(set(i) <= set(ALPHABET) for i in ids)


def test_resolve_unique_prefix(store):
    a = store.create_conversation("a", id="abcd1111xxxxxx")
    store.create_conversation("b", id="abcd2222yyyyyy")
    assert store.resolve_conversation_id("abcd1") == a.id
    assert store.resolve_conversation_id("ABCD11") == a.id  # case-insensitive
    assert store.resolve_conversation_id(a.id) == a.id
    assert store.resolve_conversation_id(f"  {a.id} ") == a.id


def test_resolve_ambiguous_prefix(store):
    store.create_conversation("a", id="abcd1111xxxxxx")
    store.create_conversation("b", id="abcd2222yyyyyy")
    with pytest.raises(AmbiguousIdError, match="ambiguous") as info:
        store.resolve_conversation_id("abcd")
    assert sorted(info.value.candidates) == ["abcd1111xxxxxx", "abcd2222yyyyyy"]
    assert isinstance(info.value, LookupError)


def test_resolve_no_match_and_too_short(store):
    store.create_conversation("a", id="abcd1111xxxxxx")
    with pytest.raises(UnknownIdError, match="no conversation"):
        store.resolve_conversation_id("zzzz")
    with pytest.raises(LookupError, match="at least 4"):
        store.resolve_conversation_id("abc")


def test_generated_ids_resolve(store):
    conv = store.create_conversation("x")
    assert store.resolve_conversation_id(conv.id[:8]) == conv.id
