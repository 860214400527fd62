"""Markdown export, plain: what a reader sees, and that no bot text can act on a terminal."""

from __future__ import annotations

import pytest

from poe_tui import export
from poe_tui.store import Store, UnknownIdError


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "h.db", clock=iter(range(1_700_000_000, 1_800_000_000)).__next__) as s:
        yield s


def conversation(store, title="Plans", **reply):
    conv = store.create_conversation(title)
    store.add_message(conv.id, "user", "What now?")
    store.add_message(conv.id, "assistant", reply.pop("content", "Tea.\n\nThen **bed**."), bot=reply.pop("bot", "Demo-Echo"), **reply)
    return conv.id


def test_headings_turns_and_metadata(store):
    conv = conversation(store, completion_tokens=1234, total_tokens=1300, points=56, reasoning="think first")
    md = export.to_markdown(store, conv)
    assert md.startswith("# Plans\n\n*poe-tui conversation `")
    assert "## You\n\nWhat now?\n" in md
    assert "## Demo-Echo · 1,234 tokens · 56 points\n" in md
    assert "<details><summary>Reasoning</summary>\n\nthink first\n\n</details>" in md
    assert "Tea.\n\nThen **bed**." in md and md.endswith("\n") and not md.endswith("\n\n")


def test_system_prompt_and_failed_replies_are_marked(store):
    conv = conversation(store, status="error", error="bot failed", content="half")
    store.set_system_prompt(conv, "Be brief.\nVery.")
    md = export.to_markdown(store, conv)
    assert "> **System:** Be brief.\n> Very." in md
    assert "half\n\n*(error: bot failed)*" in md


def test_control_characters_are_dropped_newlines_and_tabs_kept(store):
    conv = conversation(store, content="a\x1b]52;c;aGk=\x07b\x1b[2Jc\x85d\x00e\tf\r\ng\u202eh", bot="Bot\x1b[31m\u202eX")
    md = export.to_markdown(store, conv)
    assert "abcde\tf\ng\u202eh" in md, "bodies keep tabs, newlines and right-to-left marks"
    assert "## BotX" in md, "bot names lose escapes and bidi overrides"
    assert not [c for c in md if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


def test_a_title_cannot_hide_text_with_bidi_overrides(store):
    conv = conversation(store, title="invoice\u202efdp.exe\u2066")
    assert export.to_markdown(store, conv).startswith("# invoicefdp.exe\n")


def test_unknown_conversation(store):
    with pytest.raises(UnknownIdError):
        export.to_markdown(store, "nope")


def test_attachments_travel_with_their_message_through_export_and_import(store, tmp_path):
    conv = store.create_conversation(title="With a file")
    user = store.add_message(conv.id, "user", "what is in this picture?")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    store.add_attachment(user.id, "fox.png", "image/png", png)
    store.add_message(conv.id, "assistant", "A fox.", parent_id=user.id, bot="GPT-5.4", status="complete")

    markdown = export.to_markdown(store, conv.id)
    assert f"*Attached: fox.png (image/png, {len(png):,} bytes)*" in markdown

    data = export.to_json(store, conv.id)
    other = Store(tmp_path / "other.db")
    new_id = export.from_json(other, data)
    first = other.get_messages(new_id)[0]
    files = other.attachments(first.id)
    assert [(f.filename, f.mime, f.data) for f in files] == [("fox.png", "image/png", png)]
    other.close()


def test_a_broken_attachment_is_refused_before_anything_is_written(store):
    conv = store.create_conversation(title="x")
    user = store.add_message(conv.id, "user", "hi")
    store.add_attachment(user.id, "a.txt", "text/plain", b"hello")
    data = export.to_json(store, conv.id)
    data["messages"][0]["attachments"][0]["data"] = "not base64!!"
    before = len(store.list_conversations(100, 0))
    with pytest.raises(export.ImportFormatError, match="not valid base64"):
        export.from_json(store, data)
    assert len(store.list_conversations(100, 0)) == before
