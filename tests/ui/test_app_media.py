"""Parameters, attachments and media in the running app, against the emulator: the panel built
from the schema sets what the request carries and what the header shows; files are checked
before anything is sent; they survive a bot switch and a restart; a saved image is the bytes
the emulator served."""

from __future__ import annotations

import httpx

from poe_tui.emulator.media import png
from uihelpers import screen_text, settle, started, type_and_send, wait_for


def chat_bodies(emulator):
    return [r.body for r in emulator.state.chat_requests]


async def test_params_panel_sets_what_is_sent_and_shown(make_app, emulator):
    from textual.widgets import Select, Switch

    from poe_tui.tui.screens.params import ParamsScreen

    app = make_app(bot="GPT-5.4")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await type_and_send(pilot, "/params")
        await wait_for(pilot, lambda: isinstance(app.screen, ParamsScreen), what="the panel")
        panel = app.screen
        assert panel.query_one("#param-reasoning_effort", Select).value == "none"  # the default, shown
        panel.query_one("#param-reasoning_effort", Select).value = "high"
        panel.query_one("#param-web_search", Switch).value = True
        await pilot.pause()
        await pilot.click("#params-keep")
        await wait_for(pilot, lambda: not isinstance(app.screen, ParamsScreen), what="the panel to close")
        await type_and_send(pilot, "think hard")
        await settle(pilot)
        body = chat_bodies(emulator)[-1]
        assert body["reasoning_effort"] == "high" and body["web_search"] is True
        assert "verbosity" not in body  # its default is not sent
        assert "effort high · web" in screen_text(app)
        conv_id = app.session.conversation_id
    # Kept for the bot: a new start sends them again; the old reply's header still says them.
    app = make_app(bot="GPT-5.4")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await app.chat_screen.open_conversation(conv_id)
        await wait_for(pilot, lambda: "effort high · web" in screen_text(app), what="the header after a restart")
        await type_and_send(pilot, "again")
        await settle(pilot)
        assert chat_bodies(emulator)[-1]["reasoning_effort"] == "high"


async def test_a_bad_value_is_refused_in_the_panel(make_app, emulator):
    from textual.widgets import Input, Static

    from poe_tui.tui.screens.params import ParamsScreen

    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ParamsScreen), what="the panel")
        app.screen.query_one("#param-thinking_budget", Input).value = "99999"
        await pilot.click("#params-keep")
        await pilot.pause()
        assert isinstance(app.screen, ParamsScreen)  # still open: nothing kept
        error = str(app.screen.query_one("#params-error", Static).render())
        assert "a number from 0 to 8192" in error
        assert chat_bodies(emulator) == []


async def test_a_file_the_bot_cannot_read_is_refused_before_sending(make_app, emulator, tmp_path):
    (tmp_path / "fox.png").write_bytes(png("feedface0000"))
    app = make_app(bot="GLM-5")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await type_and_send(pilot, f"/attach {tmp_path / 'fox.png'}")
        await wait_for(pilot, lambda: app.chat_screen.media.files, what="the chip")
        assert "fox.png · image" in screen_text(app)
        await type_and_send(pilot, "what is this?")
        await pilot.pause(0.2)
        assert chat_bodies(emulator) == []
        assert any(n.message == "GLM-5 reads text only: pick a bot marked V for fox.png (image)." for n in app._notifications)
        assert app.chat_screen.prompt.text == "what is this?"  # handed back, chip kept
        assert len(app.chat_screen.media.files) == 1


async def test_attachments_survive_a_bot_switch_and_a_restart(make_app, emulator, tmp_path):
    (tmp_path / "fox.png").write_bytes(png("feedface0000"))
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    app = make_app(bot="Claude-Sonnet-4.6")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await type_and_send(pilot, f"/attach {tmp_path / 'fox.png'}")
        app.chat_screen.prompt.post_message(app.chat_screen.prompt.PathPasted(str(tmp_path / "doc.pdf")))  # a pasted path
        await wait_for(pilot, lambda: len(app.chat_screen.media.files) == 2, what="two chips")
        await type_and_send(pilot, "read these")
        await settle(pilot)
        assert [p["type"] for p in chat_bodies(emulator)[-1]["messages"][-1]["content"]] == ["text", "image_url", "file"]
        assert app.chat_screen.media.files == []  # the chips went with the message
        await type_and_send(pilot, "/model Demo-Echo")
        await type_and_send(pilot, "and you?")
        await settle(pilot)
        first = chat_bodies(emulator)[-1]["messages"][0]["content"]
        assert [p["type"] for p in first] == ["text", "image_url", "file"]
        assert "fox.png · image" in screen_text(app) and "doc.pdf · PDF" in screen_text(app)
        conv_id = app.session.conversation_id
    app = make_app(bot="Demo-Echo")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await app.chat_screen.open_conversation(conv_id)
        await wait_for(pilot, lambda: "doc.pdf · PDF" in screen_text(app), what="the chips after a restart")


async def test_an_image_reply_is_shown_once_and_saved(make_app, emulator, tmp_path, monkeypatch):
    from dataclasses import replace

    from poe_tui.tui.widgets.media import MediaList

    app = make_app(bot="Demo-Image")
    app.runtime.settings = replace(app.runtime.settings, media_dir=str(tmp_path / "media"))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await type_and_send(pilot, "a red fox")
        await settle(pilot)
        await wait_for(pilot, lambda: app.chat_screen.query(".media-preview"), what="the preview")
        lists = list(app.chat_screen.query(MediaList))
        assert len(lists) == 1 and [i.kind for i in lists[0].items] == ["image"]
        url = lists[0].items[0].url
        assert url not in app.chat_screen.conversation.last_reply().body.source  # shown once, as a media row
        await type_and_send(pilot, "/save")
        saved = tmp_path / "media" / "a-red-fox-demo-image.png"
        await wait_for(pilot, saved.exists, what="the saved file")
        assert saved.read_bytes() == httpx.get(url).content
        await pilot.press("alt+s")
        await wait_for(pilot, (tmp_path / "media" / "a-red-fox-demo-image-2.png").exists, what="a second, not over the first")


async def test_pasting_a_file_path_attaches_it_and_open_asks_first(make_app, emulator, tmp_path):
    from textual import events

    from poe_tui.tui.screens.confirm import ConfirmScreen

    (tmp_path / "my notes.txt").write_text("remember the milk\n")
    app = make_app(bot="Demo-Image")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        prompt = app.chat_screen.prompt
        prompt.focus()
        app.post_message(events.Paste(f"'{tmp_path / 'my notes.txt'}'"))  # as a terminal pastes a dropped file
        await wait_for(pilot, lambda: len(app.chat_screen.media.files) == 1, what="the chip")
        assert prompt.text == ""  # attached, not typed
        await wait_for(pilot, lambda: "my notes.txt · text file · 18 B" in screen_text(app), what="the chip on screen")
        app.post_message(events.Paste("just some words"))
        await pilot.pause()
        assert prompt.text == "just some words" and len(app.chat_screen.media.files) == 1
        prompt.clear()
        await type_and_send(pilot, "a fox")
        await settle(pilot)
        assert "remember the milk" in chat_bodies(emulator)[-1]["messages"][-1]["content"][1]["text"]  # text goes as text
        await wait_for(pilot, lambda: app.chat_screen.query(".media-open"), what="the media row")
        await pilot.click(".media-open")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        assert "/base/image/" in str(app.screen.question)
        await pilot.press("n")


async def test_file_picker_detach_and_save_into_a_folder(make_app, emulator, tmp_path, monkeypatch):
    from textual.widgets import DirectoryTree

    from poe_tui.tui.screens.file_picker import FilePickerScreen

    (tmp_path / "pick").mkdir()
    (tmp_path / "pick" / "a.md").write_text("# hi\n")
    monkeypatch.chdir(tmp_path / "pick")
    app = make_app(bot="Demo-Image")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("alt+a")
        await wait_for(pilot, lambda: isinstance(app.screen, FilePickerScreen), what="the picker")
        tree = app.screen.query_one(DirectoryTree)
        await wait_for(pilot, lambda: tree.last_line >= 1, what="the folder listed")
        tree.cursor_line = 1  # a.md, under the root
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.chat_screen.media.files) == 1, what="the picked file")
        assert app.chat_screen.media.files[0].filename == "a.md"
        await type_and_send(pilot, "/detach 2")
        assert len(app.chat_screen.media.files) == 1  # no such attachment: nothing taken off
        await type_and_send(pilot, "/detach 1")
        assert app.chat_screen.media.files == []
        await type_and_send(pilot, "an owl")
        await settle(pilot)
        await type_and_send(pilot, f"/save {tmp_path / 'out'}")
        await wait_for(pilot, (tmp_path / "out" / "an-owl-demo-image.png").exists, what="the file in DIR")


async def test_kept_values_go_with_a_retry_after_a_reopen_and_with_each_compared_bot(make_app, emulator):
    app = make_app(bot="GPT-5.4")
    async with app.run_test(size=(150, 40)) as pilot:
        await started(pilot)
        await app.service.set_bot_params("GPT-5.4", {"reasoning_effort": "high"})
        await type_and_send(pilot, "think")
        await settle(pilot)
        conv_id = app.session.conversation_id
    app = make_app(bot="GPT-5.4")  # a restart: nothing typed yet when ctrl+r comes
    async with app.run_test(size=(150, 40)) as pilot:
        await started(pilot)
        await app.chat_screen.open_conversation(conv_id)
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        await settle(pilot)
        assert chat_bodies(emulator)[-1]["reasoning_effort"] == "high"
        await type_and_send(pilot, "/compare GPT-5.4 Demo-Echo")
        await type_and_send(pilot, "both of you")
        await settle(pilot)
        by_model = {r.model: r.body for r in emulator.state.chat_requests[-2:]}
        assert by_model["GPT-5.4"]["reasoning_effort"] == "high"
        assert "reasoning_effort" not in by_model["Demo-Echo"]  # only what each bot declares
