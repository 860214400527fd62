"""Updating a line of text without moving anything around it.

`Static.update` relayouts the whole screen by default, the costliest thing a frame does (tens of
milliseconds with replies side by side), and a key typed meanwhile waits for it. A header whose
new text takes as many lines as the old one needs only a repaint.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


def update_in_place(static: Static, content: Content) -> None:
    """Show `content`; relayout only when its height at the widget's width changes (or the
    widget has not been laid out yet)."""
    width = static.content_size.width
    fixed_width = static.styles.width is None or not static.styles.width.is_auto  # None: fills the row
    same = bool(width) and fixed_width and content.get_height(static.styles, width) == static.content_size.height
    static.update(content, layout=not same)
