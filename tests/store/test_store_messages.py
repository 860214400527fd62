"""Messages: CRUD, streaming updates, threads and branches through parent_id."""

from __future__ import annotations

import pytest

from poe_tui.store import Message, UnknownIdError


def _texts(messages: list[Message]) -> list[str]:
    return [m.content for m in messages]


def test_add_and_get_round_trip(store):
    conv = store.create_conversation()
    m = store.add_message(
        conv.id, "assistant", "answer", bot="GPT-4o", reasoning="hmm", finish_reason="stop",
        prompt_tokens=10, completion_tokens=5, total_tokens=15, points=33,
    )
    assert store.get_message(m.id) == m
    assert (m.role, m.bot, m.status, m.reasoning, m.points) == ("assistant", "GPT-4o", "complete", "hmm", 33)
    assert (m.prompt_tokens, m.completion_tokens, m.total_tokens) == (10, 5, 15)
    assert m.created_at == m.updated_at
    assert store.get_message("missing") is None


def test_add_rejects_bad_input(store):
    conv = store.create_conversation()
    with pytest.raises(ValueError, match="role"):
        store.add_message(conv.id, "robot", "x")
    with pytest.raises(ValueError, match="status"):
        store.add_message(conv.id, "user", "x", status="done")
    with pytest.raises(UnknownIdError, match="conversation"):
        store.add_message("no-such-conv", "user", "x")
    with pytest.raises(UnknownIdError):
        store.add_message(conv.id, "user", "x", parent_id="no-such-msg")
    other = store.create_conversation()
    foreign = store.add_message(other.id, "user", "elsewhere")
    with pytest.raises(ValueError, match="another conversation"):
        store.add_message(conv.id, "user", "x", parent_id=foreign.id)
    assert store.get_conversation(conv.id).message_count == 0


def test_streaming_updates(store, clock):
    conv = store.create_conversation()
    reply = store.add_message(conv.id, "assistant", "", bot="Claude", status="streaming")
    store.update_message(reply.id, content="Hel")
    store.update_message(reply.id, content="Hello", reasoning="think")
    store.update_message(
        reply.id, status="complete", finish_reason="stop", prompt_tokens=3,
        completion_tokens=2, total_tokens=5, points=7,
    )
    got = store.get_message(reply.id)
    assert (got.content, got.reasoning, got.status, got.finish_reason) == ("Hello", "think", "complete", "stop")
    assert (got.total_tokens, got.points) == (5, 7)
    assert got.updated_at > reply.updated_at and got.created_at == reply.created_at
    store.update_message(reply.id, status="error", error="rate limited")
    assert store.get_message(reply.id).error == "rate limited"
    with pytest.raises(TypeError, match="bot"):
        store.update_message(reply.id, bot="other")
    with pytest.raises(ValueError):
        store.update_message(reply.id, status="bogus")
    with pytest.raises(UnknownIdError):
        store.update_message("missing", content="x")


def test_update_message_does_not_touch_the_conversation_row(store):
    conv = store.create_conversation()
    reply = store.add_message(conv.id, "assistant", "", bot="B", status="streaming")
    before = store.get_conversation(conv.id)
    store.update_message(reply.id, content="more text")
    assert store.get_conversation(conv.id) == before


def test_messages_append_to_the_active_thread(store):
    conv = store.create_conversation()
    a = store.add_message(conv.id, "system", "sys")
    b = store.add_message(conv.id, "user", "q1")
    c = store.add_message(conv.id, "assistant", "a1", bot="X")
    assert (a.parent_id, b.parent_id, c.parent_id) == (None, a.id, b.id)
    assert _texts(store.get_messages(conv.id)) == ["sys", "q1", "a1"]
    assert _texts(store.get_messages(conv.id, limit=2)) == ["q1", "a1"]
    assert store.get_messages(conv.id, limit=0) == []
    assert store.last_message(conv.id) == c
    assert store.get_messages(store.create_conversation().id) == []
    assert store.last_message("missing") is None


def test_regenerate_with_another_bot_makes_a_sibling(store):
    conv = store.create_conversation()
    q = store.add_message(conv.id, "user", "q")
    first = store.add_message(conv.id, "assistant", "from GPT", bot="GPT-4o")
    second = store.add_message(conv.id, "assistant", "from Claude", bot="Claude", parent_id=q.id)
    assert second.parent_id == q.id
    # the newest branch is the active one; the old reply is still there
    assert _texts(store.get_messages(conv.id)) == ["q", "from Claude"]
    assert _texts(store.get_thread(conv.id, first.id)) == ["q", "from GPT"]
    assert [m.id for m in store.siblings(first.id)] == [first.id, second.id]
    assert [m.id for m in store.children(q.id)] == [first.id, second.id]
    assert store.get_conversation(conv.id).message_count == 3
    assert store.get_conversation(conv.id).last_bot == "Claude"


def test_edit_an_earlier_turn_branches_without_rewriting(store):
    conv = store.create_conversation()
    q1 = store.add_message(conv.id, "user", "q1")
    a1 = store.add_message(conv.id, "assistant", "a1")
    q2 = store.add_message(conv.id, "user", "q2")
    a2 = store.add_message(conv.id, "assistant", "a2")
    # edit q1: a new root (its parent was None), then continue from it
    q1b = store.add_message(conv.id, "user", "q1 edited", parent_id=q1.parent_id)
    assert q1b.parent_id is None
    a1b = store.add_message(conv.id, "assistant", "a1 edited")
    assert a1b.parent_id == q1b.id
    assert _texts(store.get_messages(conv.id)) == ["q1 edited", "a1 edited"]
    assert _texts(store.get_thread(conv.id, a2.id)) == ["q1", "a1", "q2", "a2"]
    assert _texts(store.get_thread(conv.id, a2.id, limit=3)) == ["a1", "q2", "a2"]
    assert [m.id for m in store.siblings(q1.id)] == [q1.id, q1b.id]
    # switching back to the first branch shows its newest leaf; replying there continues it
    assert store.latest_leaf(q1.id) == a2.id
    assert store.latest_leaf(a2.id) == a2.id
    q3 = store.add_message(conv.id, "user", "q3", parent_id=a2.id)
    assert _texts(store.get_messages(conv.id)) == ["q1", "a1", "q2", "a2", "q3"]
    assert [m.id for m in store.get_messages(conv.id)][:2] == [q1.id, a1.id]
    assert q3.parent_id == a2.id and q2.parent_id == a1.id


def test_get_thread_rejects_a_leaf_from_elsewhere(store):
    conv = store.create_conversation()
    other = store.create_conversation()
    m = store.add_message(other.id, "user", "x")
    with pytest.raises(UnknownIdError):
        store.get_thread(conv.id, m.id)
    with pytest.raises(UnknownIdError):
        store.get_thread(conv.id, "missing")


def test_import_keeps_ids_and_times(store):
    conv = store.create_conversation("imp", id="impconv0000001", created_at=5.0, updated_at=5.0)
    q = store.add_message(conv.id, "user", "q", id="impmsg00000001", created_at=6.0)
    a = store.add_message(conv.id, "assistant", "a", id="impmsg00000002", created_at=7.0,
                          parent_id=q.id, bot="B")
    assert (q.created_at, a.created_at, a.parent_id) == (6.0, 7.0, "impmsg00000001")
    got = store.get_conversation(conv.id)
    assert (got.updated_at, got.last_message_at, got.message_count) == (7.0, 7.0, 2)


def test_interrupt_stale_replies(store, clock):
    conv = store.create_conversation()
    stale = store.add_message(conv.id, "assistant", "half", status="streaming")
    clock.now += 120
    fresh = store.add_message(conv.id, "assistant", "live", status="streaming")
    assert store.interrupt_stale_replies(max_age=60) == 1
    assert store.get_message(stale.id).status == "interrupted"
    assert store.get_message(fresh.id).status == "streaming"


def test_attachments(store):
    conv = store.create_conversation()
    m = store.add_message(conv.id, "user", "look")
    a = store.add_attachment(m.id, "cat.png", "image/png", b"\x89PNG\r\n")
    b = store.add_attachment(m.id, "doc.pdf", "application/pdf", path="/tmp/does-not-exist.pdf")
    got = store.attachments(m.id)
    assert got == [a, b]
    assert (got[0].filename, got[0].mime, got[0].size, got[0].data) == ("cat.png", "image/png", 6, b"\x89PNG\r\n")
    assert got[1].data is None and got[1].path == "/tmp/does-not-exist.pdf"
    assert store.attachments("other") == []
    with pytest.raises(UnknownIdError):
        store.add_attachment("missing", "x", "text/plain", b"x")
    with pytest.raises(ValueError):
        store.add_attachment(m.id, "x", "text/plain")
