"""Conversations: CRUD, listing order and filters, aggregates kept on the row."""

from __future__ import annotations

import pytest

from poe_tui.store import ConversationSummary, StoreError, UnknownIdError


def test_create_and_get(store):
    conv = store.create_conversation("Trip plans", "Be brief.")
    got = store.get_conversation(conv.id)
    assert got == conv
    assert got.title == "Trip plans" and got.system_prompt == "Be brief."
    assert got.message_count == 0 and got.last_bot is None and got.last_message_at is None
    assert got.created_at == got.updated_at
    assert store.get_conversation("nope") is None


def test_create_with_explicit_id_and_times(store):
    conv = store.create_conversation("imported", id="imp0000000001", created_at=10.0, updated_at=20.0)
    assert (conv.id, conv.created_at, conv.updated_at) == ("imp0000000001", 10.0, 20.0)
    with pytest.raises(StoreError, match="already exists"):
        store.create_conversation("again", id="imp0000000001")


def test_edit_flags_and_prompt(store, clock):
    conv = store.create_conversation("old")
    store.rename_conversation(conv.id, "new")
    store.set_system_prompt(conv.id, "You are a pirate.")
    renamed = store.get_conversation(conv.id)
    assert renamed.title == "new" and renamed.system_prompt == "You are a pirate."
    assert renamed.updated_at > conv.updated_at
    store.set_pinned(conv.id, True)
    store.set_archived(conv.id, True)
    flagged = store.get_conversation(conv.id)
    assert flagged.pinned and flagged.archived
    assert flagged.updated_at == renamed.updated_at  # view state does not reorder the list
    store.set_system_prompt(conv.id, None)
    assert store.get_conversation(conv.id).system_prompt is None
    with pytest.raises(UnknownIdError):
        store.rename_conversation("missing", "x")


def test_listing_order_pinned_first_then_newest(store):
    a = store.create_conversation("a")
    b = store.create_conversation("b")
    c = store.create_conversation("c")
    store.add_message(a.id, "user", "bump a")  # a is now the most recently updated
    assert [s.title for s in store.list_conversations()] == ["a", "c", "b"]
    store.set_pinned(b.id, True)
    assert [s.title for s in store.list_conversations()] == ["b", "a", "c"]
    assert [s.title for s in store.list_conversations(limit=2, offset=1)] == ["a", "c"]
    store.set_archived(a.id, True)
    assert [s.title for s in store.list_conversations()] == ["b", "c"]
    assert [s.title for s in store.list_conversations(include_archived=True)] == ["b", "a", "c"]
    assert [s.title for s in store.list_conversations(archived_only=True)] == ["a"]
    assert all(isinstance(s, ConversationSummary) for s in store.list_conversations())
    assert store.latest_conversation_id() == c.id  # archived ones are not "latest"


def test_latest_conversation_id_empty(store):
    assert store.latest_conversation_id() is None


def test_aggregates_follow_messages(store):
    conv = store.create_conversation("agg")
    store.add_message(conv.id, "user", "hi", bot="GPT-4o")
    r1 = store.add_message(conv.id, "assistant", "hello", bot="GPT-4o")
    store.add_message(conv.id, "user", "and you?")
    r2 = store.add_message(conv.id, "assistant", "fine", bot="Claude-Sonnet-4")
    summary = store.list_conversations()[0]
    assert summary.message_count == 4
    assert summary.last_bot == "Claude-Sonnet-4"
    assert summary.last_message_at == r2.created_at == summary.updated_at
    assert r1.created_at < r2.created_at


def test_listing_reads_only_the_conversation_row(store):
    """Listing must not count messages: the numbers come from the row the triggers maintain."""
    conv = store.create_conversation("x")
    store.add_message(conv.id, "assistant", "a", bot="Real-Bot")
    # Tamper with the denormalised columns directly: listing must report them verbatim.
    store._db.conn.execute(
        "UPDATE conversations SET message_count = 42, last_bot = 'Marker' WHERE id = ?", (conv.id,)
    )
    traced: list[str] = []
    store._db.conn.set_trace_callback(traced.append)
    summary = store.list_conversations()[0]
    store._db.conn.set_trace_callback(None)
    assert (summary.message_count, summary.last_bot) == (42, "Marker")
    assert traced and not any("messages" in sql for sql in traced)


def test_delete_cascades_messages_attachments_and_search(store):
    conv = store.create_conversation("zebra facts")
    m = store.add_message(conv.id, "user", "tell me about zebras")
    store.add_attachment(m.id, "z.png", "image/png", b"\x89PNG")
    other = store.create_conversation("other")
    store.add_message(other.id, "user", "zebras again")
    assert len(store.search("zebra")) == 3
    store.delete_conversation(conv.id)
    assert store.get_conversation(conv.id) is None
    assert store.get_message(m.id) is None
    assert store.attachments(m.id) == []
    assert [h.conversation_id for h in store.search("zebra")] == [other.id]
    conn = store._db.conn
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0
    with pytest.raises(UnknownIdError):
        store.delete_conversation(conv.id)
