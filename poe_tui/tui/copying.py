"""What copy and export pull out of a conversation: code blocks, and a Markdown file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def code_blocks(markdown: str) -> list[str]:
    """The fenced (and indented) code blocks of a reply, in order, without their fences."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    return [t.content for t in tokens if t.type in ("fence", "code_block")]


def export_name(store: Any, conversation_id: str) -> str:
    conv = store.get_conversation(conversation_id)
    title = (conv.title if conv else None) or "conversation"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "conversation"
    return f"poe-{slug}-{conversation_id[:8]}.md"


def write_export(store: Any, conversation_id: str, folders: list[Path] | None = None) -> Path:
    """Write the conversation as Markdown in the first writable folder (cwd, then the data dir)."""
    from poe_tui import config, export

    text = export.to_markdown(store, conversation_id)
    name = export_name(store, conversation_id)
    last: OSError | None = None
    for folder in folders or [Path.cwd(), config.data_dir() / "exports"]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            return path.resolve()
        except OSError as exc:
            last = exc
    raise last or OSError("no folder to write to")
