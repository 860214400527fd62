"""Conversation history, full-text search and small caches in one SQLite file.

Knows nothing of the UI; the chat session, CLI and TUI all go through `Store`. Names load on
first use, so `poe_tui.store.peek` (the first frame's one read) costs nothing more than sqlite3.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "AmbiguousIdError": ("errors", "AmbiguousIdError"),
    "CorruptDatabase": ("errors", "CorruptDatabase"),
    "DiskFullError": ("errors", "DiskFullError"),
    "move_aside": ("dbfile", "move_aside"),
    "StoreError": ("errors", "StoreError"),
    "UnknownIdError": ("errors", "UnknownIdError"),
    "SCHEMA_VERSION": ("migrations", "LATEST"),
    "Attachment": ("records", "Attachment"),
    "Conversation": ("records", "Conversation"),
    "ConversationSummary": ("records", "ConversationSummary"),
    "Message": ("records", "Message"),
    "SearchHit": ("records", "SearchHit"),
    "AUTO": ("store", "AUTO"),
    "Store": ("store", "Store"),
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'poe_tui.store' has no attribute {name!r}")
    module, attr = _WHERE[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
