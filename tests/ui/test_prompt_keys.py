"""The prompt applies keys in the order typed, even when they all arrive in one read, and keeps
huge pastes as a chip while sending the whole text."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App

from poe_tui.tui.widgets.prompt import Prompt, PromptInput, paste_label


class PromptApp(App):
    def __init__(self, **prompt_kwargs) -> None:
        super().__init__()
        self.prompt_kwargs = prompt_kwargs
        self.submitted: list[str] = []

    def compose(self):
        yield Prompt()

    def on_mount(self) -> None:
        box = self.query_one(PromptInput)
        box.paste_threshold = self.prompt_kwargs.get("paste_threshold", box.paste_threshold)
        box.focus()

    def on_prompt_input_submitted(self, event: PromptInput.Submitted) -> None:
        self.submitted.append(event.text)


KEY_CHARS = {"backspace": "\x7f", "ctrl+u": "\x15", "ctrl+w": "\x17"}


def burst(app: App, keys: list[str]) -> None:
    """Queue every key at once, as the driver does when a stall delivers them in one read."""
    for key in keys:
        char = KEY_CHARS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))


@pytest.mark.parametrize(
    ("before", "keys", "after"),
    [
        ("xijqjjm0", ["backspace"] * 8 + list("xuwcixv"), "xuwcixv"),
        ("old text", ["ctrl+u", *"new word", "ctrl+w", *"ok"], "new ok"),
        ("", [*"ab", "backspace", "c", "backspace", "backspace", *"de"], "de"),
    ],
)
async def test_editing_keys_and_letters_apply_in_the_order_typed(before, keys, after):
    app = PromptApp()
    async with app.run_test() as pilot:
        box = app.query_one(PromptInput)
        box.load_text(before)
        box.move_cursor(box.document.end)
        await pilot.pause()
        burst(app, keys)
        await pilot.pause()
        await pilot.pause()
        assert box.text == after


def test_paste_label_gives_size_and_lines():
    assert paste_label("x" * 2 * 1024 * 1024) == "[pasted 2.0 MB, 1 line]"
    assert paste_label("ab\n" * 48_000) == "[pasted 140.6 KB, 48,001 lines]"


async def test_a_huge_paste_is_a_chip_that_sends_and_expands_whole():
    big = "".join(f"line {n} of the pasted file\n" for n in range(48_000))
    assert len(big) > 1_000_000
    app = PromptApp()
    async with app.run_test() as pilot:
        box = app.query_one(PromptInput)
        await pilot.press(*"see: ")
        app.post_message(events.Paste(big))
        await pilot.pause()
        await pilot.press(*" thanks")
        chip = paste_label(big)
        assert box.document.text == f"see: {chip} thanks"  # the document stays one short line
        assert box.document.line_count == 1
        assert box.text == f"see: {big} thanks"
        await pilot.press("enter")
        await pilot.pause()
        assert app.submitted == [f"see: {big} thanks"]  # sent whole

        box.load_text("")
        app.post_message(events.Paste(big))
        await pilot.pause()
        assert box.document.line_count == 1
        await pilot.press("ctrl+t")  # expand in place
        assert box.document.text == big
        assert box.text == big


async def test_deleting_a_chip_drops_its_paste_and_small_pastes_stay_text():
    app = PromptApp(paste_threshold=50)
    async with app.run_test() as pilot:
        box = app.query_one(PromptInput)
        app.post_message(events.Paste("short paste"))
        await pilot.pause()
        assert box.document.text == "short paste"
        box.load_text("")
        app.post_message(events.Paste("y" * 51))
        await pilot.pause()
        assert box.text == "y" * 51 and box.document.text == paste_label("y" * 51)
        await pilot.press("ctrl+u")
        assert box.text == ""
        await pilot.press(*"plain")
        assert box.text == "plain"


def test_a_huge_user_message_shows_its_start_and_what_is_left_out():
    from poe_tui.tui.widgets.message import SHOW_CHARS, shown_text

    big = "".join(f"line {n}\n" for n in range(48_000))
    shown = shown_text(big).plain
    assert shown.startswith("line 0\nline 1\n") and len(shown) < SHOW_CHARS + 200
    assert shown.endswith("more lines (sent whole)")
    assert shown_text("short \x1b[31mred").plain == "short red"  # controls still stripped
