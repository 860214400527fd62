"""Attached files as chips: above the prompt (each removable, before sending) and on a sent
message (what went with it). A chip says name, kind and size; names are untrusted text."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from poe_tui.attachments import KIND_WORDS, human_size, kind_of
from poe_tui.textsafe import one_line

ICONS = {"image": "▨", "pdf": "▤", "text": "≡", "audio": "♪", "video": "▶"}


def chip_text(file: Any) -> str:
    """'🖼 fox.png · image · 1.0 KB' for a draft or a stored attachment."""
    kind = kind_of(file.mime)
    return f"{ICONS[kind]} {one_line(file.filename, 40)} · {KIND_WORDS[kind]} · {human_size(file.size)}"


def attachment_line(files: list[Any]) -> Static:
    """The files a sent message carried, on one line under it."""
    return Static(Content("   ".join(chip_text(f) for f in files)), classes="message-attachments")


class AttachmentChips(Horizontal):
    """The files that go with the next message; ✕ on a chip takes it off."""

    DEFAULT_CSS = """
    AttachmentChips { height: auto; display: none; padding: 0 1; }
    AttachmentChips.-has-files { display: block; }
    AttachmentChips Button { height: 1; border: none; margin: 0 1 0 0; min-width: 4; }
    """

    class Removed(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.files: list[Any] = []

    def compose(self) -> ComposeResult:
        return []

    async def show(self, files: list[Any]) -> None:
        self.files = list(files)
        await self.remove_children()
        await self.mount_all(
            Button(Content(f"{chip_text(f)}  ✕"), id=f"chip-{i}", classes="attachment-chip", compact=True)
            for i, f in enumerate(self.files)
        )
        self.set_class(bool(self.files), "-has-files")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id and event.button.id.startswith("chip-"):
            self.post_message(self.Removed(int(event.button.id.removeprefix("chip-"))))
