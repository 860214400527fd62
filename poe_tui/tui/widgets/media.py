"""A reply's media items: one row each (kind, name, the URL once) with Open and Save, and an
inline preview of an image where enabled.

Previews are drawn by `textual-image` in half-block cells, imported on the first preview (never
on the way to the first frame). Its package runs a terminal query on import (written to the
terminal, answered on stdin) that would race Textual's own input thread for the answer, so the
import runs with that query turned off and the cell size left at its default.
"""

from __future__ import annotations

import io
import sys
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from poe_tui.media import MediaItem
from poe_tui.textsafe import one_line

ICONS = {"image": "▨", "audio": "♪", "video": "▶"}
PREVIEW_WIDTH = 24  # cells; the height follows from the image (each cell two pixels tall)


def short_url(url: str, keep: int = 12) -> str:
    """'pfst.cf2.poecdn.net/base/image/70a90ad6f876…': the host (no port) and the path, the
    hash cut short; Open and Save use the whole URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    head, _, tail = parts.path.rpartition("/")
    tail = tail if len(tail) <= keep else tail[:keep] + "…"
    return one_line(f"{parts.hostname or ''}{head}/{tail}", 120)


class _NotATerminal:
    """sys.__stdout__ as textual-image's import sees it: not a terminal, so it asks nothing."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _halfcell() -> Any:
    real = sys.__stdout__
    sys.__stdout__ = _NotATerminal(real)  # type: ignore[misc]
    try:
        from textual_image._terminal import get_cell_size
        from textual_image.renderable.halfcell import Image

        get_cell_size()  # cached now, from the defaults: never asked later, mid-app
    finally:
        sys.__stdout__ = real  # type: ignore[misc]
    return Image


def preview(data: bytes, width: int = PREVIEW_WIDTH) -> Any:
    """A renderable of the image, or None when the bytes are not an image Pillow can read."""
    try:
        return _halfcell()(io.BytesIO(data), width=width, height="auto")
    except Exception:  # a broken or hostile file: no preview, the row still offers Save
        return None


class MediaRow(Vertical):
    """One item: its line, its buttons, its preview once the bytes are here."""

    DEFAULT_CSS = """
    MediaRow { height: auto; margin: 0 0 1 0; }
    MediaRow .media-line { height: auto; color: $text-muted; }
    MediaRow Horizontal { height: auto; }
    MediaRow Button { min-width: 8; height: 1; border: none; margin: 0 1 0 0; }
    MediaRow .media-preview { height: auto; width: auto; }
    """

    def __init__(self, item: MediaItem, index: int) -> None:
        super().__init__(classes="media-row")
        self.item = item
        self.index = index

    def compose(self) -> ComposeResult:
        item = self.item
        yield Static(
            Content.assemble(
                (f"{ICONS.get(item.kind, '•')} {one_line(item.label, 60)}", "bold"),
                "  ",
                (item.kind, "$text-muted"),
                "  ",
                (short_url(item.url), "$text-muted underline"),
            ),
            classes="media-line",
        )
        with Horizontal():
            yield Button("Open", id=f"media-open-{self.index}", classes="media-open", compact=True)
            yield Button("Save", id=f"media-save-{self.index}", classes="media-save", compact=True)

    def show_preview(self, data: bytes) -> bool:
        image = preview(data)
        if image is None:
            return False
        self.mount(Static(image, classes="media-preview"))
        return True


class MediaList(Vertical):
    """The media of one reply, under its text."""

    DEFAULT_CSS = """
    MediaList { height: auto; padding: 0 1; }
    """

    class Wanted(Message):
        """Open or save an item ('open' / 'save'), or fetch it for a preview ('preview')."""

        def __init__(self, media_list: MediaList, what: str, item: MediaItem) -> None:
            super().__init__()
            self.media_list = media_list
            self.what = what
            self.item = item

    def __init__(self, items: list[MediaItem], *, previews: bool = False) -> None:
        super().__init__(classes="media-list")
        self.items = items
        self.previews = previews

    def compose(self) -> ComposeResult:
        for i, item in enumerate(self.items):
            yield MediaRow(item, i)

    def on_mount(self) -> None:
        if self.previews:
            for item in self.items:
                if item.kind == "image":
                    self.post_message(self.Wanted(self, "preview", item))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        row = next((a for a in event.button.ancestors if isinstance(a, MediaRow)), None)
        if row is not None:
            self.post_message(self.Wanted(self, "save" if event.button.has_class("media-save") else "open", row.item))

    def show_preview(self, item: MediaItem, data: bytes) -> bool:
        for row in self.query(MediaRow):
            if row.item == item:
                return row.show_preview(data)
        return False
