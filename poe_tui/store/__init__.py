"""Conversation history, full-text search and small caches in one SQLite file.

Knows nothing of the UI; the chat session, CLI and TUI all go through `Store`.
"""

from .errors import AmbiguousIdError, StoreError, UnknownIdError
from .migrations import LATEST as SCHEMA_VERSION
from .records import Attachment, Conversation, ConversationSummary, Message, SearchHit
from .store import AUTO, Store

__all__ = [
    "AUTO",
    "AmbiguousIdError",
    "Attachment",
    "Conversation",
    "ConversationSummary",
    "Message",
    "SCHEMA_VERSION",
    "SearchHit",
    "Store",
    "StoreError",
    "UnknownIdError",
]
