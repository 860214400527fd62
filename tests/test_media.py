"""Parameters, attachments and media against the emulator over loopback: what the request body
carries, what is refused before any request, what survives a bot switch and a restart, and a
saved file equal to what the emulator served."""

import base64
import json

import httpx
import pytest

from poe_tui import attachments, media, params
from poe_tui.chat import ChatSession, ReplyFinished, ReplyStarted, UserSaved
from poe_tui.client import PoeClient, RetryPolicy, parse_models
from poe_tui.emulator.media import png
from poe_tui.store import Store

with open("tests/fixtures/poe-models-2026-04.json", encoding="utf-8") as _fh:
    BOTS = {b.name: b for b in parse_models(json.load(_fh))}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "fox.png").write_bytes(png("ab12cd34ef56"))
    (tmp_path / "doc.pdf").write_bytes(PDF)
    (tmp_path / "code.py").write_text("print('hi')\n")
    (tmp_path / "song.mp3").write_bytes(b"ID3" + b"\0" * 64)
    return tmp_path


@pytest.fixture
async def client(emulator, api_key):
    async with PoeClient(api_key, base_url=emulator.base_url, retry=RetryPolicy(max_retries=0), read_timeout=5) as c:
        yield c


async def run(gen):
    return [e async for e in gen]


def chat_bodies(emulator):
    return [r.body for r in emulator.state.chat_requests]


# ---------------------------------------------------------------- parameters, by the real schemas

def test_real_schemas_become_typed_values():
    gpt = BOTS["GPT-5.4"]
    assert params.parse_assignments(gpt, ["reasoning_effort=high", "web_search=on"]) == {
        "reasoning_effort": "high", "web_search": True}
    assert params.check(BOTS["GLM-5"], {"temperature": "1.5", "max_output_tokens": "2048"}) == {
        "temperature": 1.5, "max_output_tokens": 2048}
    assert [params.kind(p) for p in BOTS["Veo-3.1"].parameters][:3] == ["enum", "string", "enum"]


@pytest.mark.parametrize("item,words", [
    ("reasoning_effort=max", "none, low, medium, high, xhigh"),
    ("foo=1", "Its parameters: web_search, reasoning_effort, verbosity"),
    ("web_search=maybe", "true or false"),
    ("verbosity", "NAME=VALUE"),
])
def test_bad_names_and_values_name_what_is_allowed(item, words):
    with pytest.raises(params.ParamError) as err:
        params.parse_assignments(BOTS["GPT-5.4"], [item])
    assert words in str(err.value)


def test_numbers_out_of_range_are_refused():
    with pytest.raises(params.ParamError, match="from 0 to 2"):
        params.check(BOTS["GLM-5"], {"temperature": "3"})


def test_header_label_shows_only_non_default_values():
    gpt = BOTS["GPT-5.4"]
    sent = {"reasoning_effort": "high", "web_search": True, "verbosity": "medium"}
    assert params.label(params.non_default(gpt, sent)) == "effort high · web"


# ---------------------------------------------------------------- attachments

def test_files_are_checked_against_input_modalities(files):
    image = attachments.read(files / "fox.png", 10**6)
    pdf = attachments.read(files / "doc.pdf", 10**6)
    code = attachments.read(files / "code.py", 10**6)
    glm = BOTS["GLM-5"]
    with pytest.raises(attachments.AttachmentError) as err:
        attachments.check(glm.name, glm.input_modalities, [image])
    assert str(err.value) == "GLM-5 reads text only: pick a bot marked V for fox.png (image)."
    with pytest.raises(attachments.AttachmentError, match="doc.pdf"):
        attachments.check(glm.name, glm.input_modalities, [pdf])
    attachments.check(glm.name, glm.input_modalities, [code])  # text goes in as text, for any bot
    sonnet = BOTS["Claude-Sonnet-4.6"]
    attachments.check(sonnet.name, sonnet.input_modalities, [image, pdf, code])  # a PDF needs file or image
    audio = attachments.read(files / "song.mp3", 10**6)
    with pytest.raises(attachments.AttachmentError, match="takes audio"):
        attachments.check(sonnet.name, sonnet.input_modalities, [audio])


def test_unreadable_and_oversized_files_are_refused(files, tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\xff\xfe\x00\x01" * 10)
    with pytest.raises(attachments.AttachmentError, match="over the 500 B limit"):
        attachments.read(files / "fox.png", 500)
    with pytest.raises(attachments.AttachmentError, match="not a file a bot can read"):
        attachments.read(tmp_path / "blob.bin", 10**6)
    with pytest.raises(attachments.AttachmentError, match="There is no file"):
        attachments.read(tmp_path / "missing.png", 10**6)


async def test_request_carries_declared_params_and_the_right_content_parts(emulator, client, tmp_path, files):
    store = Store(tmp_path / "h.db")
    session = ChatSession(store, client, bot="Demo-Echo", flush_interval=0.1)
    drafts = [attachments.read(files / n, 10**6) for n in ("fox.png", "doc.pdf", "code.py")]
    events = await run(session.send("look", params={"verbosity": "high", "web_search": True}, files=drafts))
    body = chat_bodies(emulator)[-1]
    declared = {"verbosity", "web_search"}
    assert {k for k in body if k not in ("model", "messages", "stream", "stream_options")} == declared
    parts = body["messages"][-1]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url", "file", "text"]
    assert parts[0] == {"type": "text", "text": "look"}
    assert base64.b64decode(parts[1]["image_url"]["url"].split(",", 1)[1]) == png("ab12cd34ef56")
    assert parts[2]["file"]["filename"] == "doc.pdf"
    assert parts[2]["file"]["file_data"].startswith("data:application/pdf;base64,")
    assert "print('hi')" in parts[3]["text"]
    saved = next(e for e in events if isinstance(e, UserSaved))
    assert [a.filename for a in saved.attachments] == ["fox.png", "doc.pdf", "code.py"]
    started = next(e for e in events if isinstance(e, ReplyStarted))
    assert started.params == {"verbosity": "high", "web_search": True}
    assert 'params: verbosity="high", web_search=true' in next(e for e in events if isinstance(e, ReplyFinished)).message.content
    assert store.sent_params([started.message_id]) == {started.message_id: {"verbosity": "high", "web_search": True}}
    store.close()


async def test_attachments_survive_a_bot_switch_a_retry_and_a_restart(emulator, client, tmp_path, files):
    path = tmp_path / "h.db"
    store = Store(path)
    session = ChatSession(store, client, bot="Demo-Echo", flush_interval=0.1)
    image = attachments.read(files / "fox.png", 10**6)
    await run(session.send("what is this", files=[image]))
    session.bot = "Claude-Sonnet-4.6"  # switch bots mid-conversation
    await run(session.send("and now?"))
    first_turn = chat_bodies(emulator)[-1]["messages"][0]["content"]
    assert [p["type"] for p in first_turn] == ["text", "image_url"]
    await run(session.retry(bot="Demo-Markdown"))  # regenerating keeps them too
    assert chat_bodies(emulator)[-1]["messages"][0]["content"][1]["type"] == "image_url"
    conv_id = session.conversation_id
    store.close()

    store = Store(path)  # a restart
    again = ChatSession(store, client, bot="Demo-Echo", flush_interval=0.1)
    thread = await again.open(conv_id)
    kept = store.attachments_for([m.id for m in thread])
    assert [a.filename for files_ in kept.values() for a in files_] == ["fox.png"]
    await run(again.send("once more"))
    assert chat_bodies(emulator)[-1]["messages"][0]["content"][1]["image_url"]["url"].startswith("data:image/png;base64,")
    store.close()


async def test_an_edited_message_keeps_its_attachments(emulator, client, tmp_path, files):
    store = Store(tmp_path / "h.db")
    session = ChatSession(store, client, bot="Demo-Echo", flush_interval=0.1)
    events = await run(session.send("first", files=[attachments.read(files / "doc.pdf", 10**6)]))
    user = next(e for e in events if isinstance(e, UserSaved)).message
    edited = await run(session.edit(user.id, "first, changed"))
    assert [a.filename for a in next(e for e in edited if isinstance(e, UserSaved)).attachments] == ["doc.pdf"]
    assert chat_bodies(emulator)[-1]["messages"][0]["content"][1]["type"] == "file"
    store.close()


def test_params_are_kept_per_bot_and_per_conversation(tmp_path):
    store = Store(tmp_path / "h.db")
    conv = store.create_conversation(title="t")
    store.set_bot_params("GPT-5.4", {"reasoning_effort": "low"})
    store.set_bot_params("GPT-5.4", {"reasoning_effort": "high"}, conv.id)
    assert store.bot_params("GPT-5.4") == {"reasoning_effort": "high"}  # a change in a conversation is also the bot's
    store.set_bot_params("gpt-5.4", {"reasoning_effort": "xhigh"})  # elsewhere (no conversation)
    assert store.bot_params("GPT-5.4", conv.id) == {"reasoning_effort": "high"}
    assert store.bot_params("GPT-5.4") == {"reasoning_effort": "xhigh"}
    store.delete_conversation(conv.id)
    assert store.bot_params("GPT-5.4", conv.id) == {"reasoning_effort": "xhigh"}
    store.close()


# ---------------------------------------------------------------- media

def test_media_items_are_found_once_each():
    text = ("![a fox.png](http://127.0.0.1:9/base/image/abc123?w=1024&h=1024)\n\n"
            "http://127.0.0.1:9/base/image/abc123?w=1024&h=1024\n"
            "and https://pfst.cf2.poecdn.net/base/audio/def456 https://example.com/x.png")
    items = media.find(text)
    assert [(i.kind, i.name) for i in items] == [("image", "a fox.png"), ("audio", "")]
    assert media.strip(text) == "and  https://example.com/x.png"


def test_saved_names_follow_prompt_and_bot_and_never_overwrite(tmp_path):
    item = media.MediaItem("image", "http://h/base/image/abc")
    name = media.file_name("A fox, in the snow!", "Demo-Image", item, "image/png")
    assert name == "a-fox-in-the-snow-demo-image.png"
    first = media.save(tmp_path, name, b"1")
    second = media.save(tmp_path, name, b"2")
    assert second.name == "a-fox-in-the-snow-demo-image-2.png" and first.read_bytes() == b"1"


async def test_a_saved_media_file_equals_what_the_emulator_served(emulator, client, tmp_path):
    reply = await client.chat("Demo-Image", [{"role": "user", "content": "a red fox"}])
    item = media.find(reply.content)[0]
    served = httpx.get(item.url).content
    data, content_type = await client.download(item.url)
    path = media.save(tmp_path, media.file_name("a red fox", "Demo-Image", item, content_type), data)
    assert path.read_bytes() == served and served.startswith(b"\x89PNG")
    fetch = [r for r in emulator.state.requests if r.path.startswith("/base/image/")][0]
    assert "authorization" not in fetch.headers  # the key never goes with a media URL


async def test_a_bot_that_cannot_read_a_stored_file_is_told_so_not_sent_it(emulator, client, tmp_path, files):
    store = Store(tmp_path / "h.db")
    inputs = {b.name: b.input_modalities for b in BOTS.values()}
    session = ChatSession(store, client, bot="Claude-Sonnet-4.6", flush_interval=0.1, bot_inputs=inputs.get)
    await run(session.send("look", files=[attachments.read(files / "fox.png", 10**6)]))
    session.bot = "GLM-5"  # reads text only
    await run(session.send("and you?"))
    first = chat_bodies(emulator)[-1]["messages"][0]["content"]
    assert first == "look\n\n[GLM-5 reads text only: pick a bot marked V for fox.png (image).]"
    session.bot = "Claude-Sonnet-4.6"  # the file is still there for a bot that reads it
    await run(session.send("back to you"))
    assert chat_bodies(emulator)[-1]["messages"][0]["content"][1]["type"] == "image_url"
    store.close()


def test_media_settings_from_the_config_file(tmp_path, monkeypatch):
    from poe_tui.config import ConfigError, load_settings, media_dir

    path = tmp_path / "config.toml"
    path.write_text('max_attachment_mb = 5\nmedia_dir = "~/Pictures/poe"\ninline_images = false\n')
    monkeypatch.setenv("HOME", str(tmp_path))
    settings = load_settings(path=path)
    assert (settings.max_attachment_mb, settings.inline_images) == (5, False)
    assert media_dir(settings) == tmp_path / "Pictures" / "poe"
    for bad in ("max_attachment_mb = 0", 'inline_images = "yes"', "media_dir = 3"):
        path.write_text(bad + "\n")
        with pytest.raises(ConfigError):
            load_settings(path=path)
