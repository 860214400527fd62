"""One layout for one change.

After a layout, Textual sets each resized widget's `virtual_size` as a reactive that asks for a
layout, so every layout that changes a size is followed by a second one that finds nothing new:
a whole frame more (10-30 ms with replies side by side, during which a typed key waits). For the
widgets that grow while a reply streams, the sizes the layout just gave are final; their
scrollbars are still updated (Textual does that whatever the flag).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Collapsible, Static


class SettledSize:
    """Mixed in before a Textual widget class (not a widget itself: it adds no CSS type)."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)  # type: ignore[misc]


class SettledStatic(SettledSize, Static):
    """A Static in a reply, a column or a header: it moves when a reply grows."""


class SettledCollapsible(SettledSize, Collapsible):
    """A reply's folded reasoning."""
