"""What copying pulls out of a reply: its code blocks (export lives in the service)."""

from __future__ import annotations


def code_blocks(markdown: str) -> list[str]:
    """The fenced (and indented) code blocks of a reply, in order, without their fences."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    return [t.content for t in tokens if t.type in ("fence", "code_block")]
