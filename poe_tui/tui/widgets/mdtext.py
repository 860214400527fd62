"""Markdown drawn by one leaf widget: a reply costs a handful of widgets, not hundreds.

Textual's `Markdown` makes a widget per block (and per list item, bullet, cell...); every
layout pass walks them all, so a long conversation makes each streamed token slower. Here a
document is parsed (markdown-it) into blocks, each block wrapped to the width with its own
prefixes (bullets, quote bars, hanging indents), and the lines drawn as one `Content`.
Code is highlighted with Textual's theme-aware highlighter. Links are drawn as links whose
click asks the screen (`open_link`) to confirm before anything opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from textual.content import Content
from textual.geometry import Size
from textual.style import Style
from textual.widget import Widget

BULLETS = ("•", "◦", "▪")


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    # maxNesting: markdown-it drops whatever lies deeper (20 by default: a 20-deep quote showed
    # nothing); deeper than the stack allows is caught in `parse`.
    return MarkdownIt("commonmark", {"html": False, "maxNesting": 1_000_000}).enable("table").enable("strikethrough")


@dataclass(slots=True)
class Block:
    kind: str  # "text", "code", "rule", "lines"
    content: Content
    first: Content  # prefix of the first line
    rest: Content  # prefix of the following lines
    style: str = ""

    def lines(self, width: int) -> list[Content]:
        first, rest = self.first, self.rest
        if max(first.cell_length, rest.cell_length) > width // 2:  # deep nesting: the text must show
            first, rest = first[-(width // 2):], rest[-(width // 2):]
        room = max(4, width - max(first.cell_length, rest.cell_length))
        if self.kind == "rule":
            return [first + Content("─" * room, ).stylize("$text-muted")]
        if self.kind == "code":
            out = []
            for raw in self.content.split("\n", allow_blank=True) or [Content("")]:
                out += raw.wrap(room - 2, overflow="fold") or [Content("")]
            return [(first if i == 0 else rest) + Content("  ") + line for i, line in enumerate(out)]
        if self.kind == "lines":  # pre-laid-out (tables): cut, never re-wrapped
            rows = self.content.split("\n", allow_blank=True)
            return [(first if i == 0 else rest) + row.truncate(room) for i, row in enumerate(rows)]
        wrapped = self.content.wrap(room) or [Content("")]
        return [(first if i == 0 else rest) + line for i, line in enumerate(wrapped)]


_PAIRS = {"strong": "bold", "em": "italic", "s": "strike"}


def _inline(tokens, base: tuple[str | Style, ...] = ()) -> Content:
    """Inline tokens (markdown-it's flat list, not a tree) to Content. Emphasis, links and
    the like push and pop a style stack: nesting of any depth costs no recursion."""
    parts: list[Content] = []
    stack: list[str | Style] = list(base)
    for tok in tokens or ():
        t = tok.type
        if t.endswith("_open") and t[:-5] in _PAIRS:
            stack.append(_PAIRS[t[:-5]])
        elif t == "link_open":
            href = str(tok.attrs.get("href", ""))
            stack.append(Style.from_meta({"@click": f"screen.open_link({href!r})"}))
            stack.append("underline $text-primary")
        elif t.endswith("_close") and (t[:-6] in _PAIRS or t == "link_close"):
            del stack[-2 if t == "link_close" else -1:]
        elif t == "text":
            parts.append(_styled(tok.content, stack))
        elif t == "softbreak":
            parts.append(Content(" "))
        elif t == "hardbreak":
            parts.append(Content("\n"))
        elif t == "code_inline":
            parts.append(_styled(tok.content, [*stack, "bold $accent"]))
        elif t == "image":
            alt = "".join(c.content for c in tok.children or ())
            parts.append(_styled(f"[image: {alt}] {tok.attrs.get('src', '')}", [*stack, "$text-muted"]))
        else:  # html_inline and anything unknown: the literal source
            parts.append(_styled(tok.content, stack))
    return Content("").join(parts)


def _node_inline(node) -> Content:
    """The inline content of a paragraph, heading or cell node."""
    return _inline(node.children[0].token.meta.get("inline")) if node.children else Content("")


def _styled(text: str, styles) -> Content:
    content = Content(text)
    for style in dict.fromkeys(styles):  # 500 nested emphases are still one bold
        content = content.stylize(style)
    return content


def _heading_style(level: int) -> str:
    return {1: "bold underline $text-primary", 2: "bold $text-primary", 3: "bold $text-accent"}.get(level, "bold")


def _table(node) -> Content:
    rows: list[list[Content]] = []
    header_rows = 0
    for section in node.children:
        for tr in section.children:
            rows.append([_node_inline(td) for td in tr.children])
            if section.type == "thead":
                header_rows += 1
    if not rows:
        return Content("")
    columns = max(len(r) for r in rows)
    widths = [max((r[i].cell_length for r in rows if i < len(r)), default=0) for i in range(columns)]
    lines = []
    for n, row in enumerate(rows):
        cells = [(row[i] if i < len(row) else Content("")).pad_right(widths[i] - (row[i].cell_length if i < len(row) else 0)) for i in range(columns)]
        line = Content(" │ ").join(cells)
        lines.append(line.stylize("bold") if n < header_rows else line)
        if n == header_rows - 1:
            lines.append(Content("─┼─".join("─" * w for w in widths)).stylize("$text-muted"))
    return Content("\n").join(lines)


def _blocks(nodes, first: Content, rest: Content, out: list[Block], depth: int = 0, tight: bool = False) -> None:
    """Lay out block nodes; `first` prefixes the very first line, `rest` every other line."""
    for index, node in enumerate(nodes):
        lead = first if index == 0 else rest
        if index > 0 and not tight:
            out.append(Block("text", Content(""), rest, rest))
        t = node.type
        if t == "paragraph":
            out.append(Block("text", _node_inline(node), lead, rest))
        elif t == "heading":
            level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
            text = _node_inline(node)
            out.append(Block("text", text.stylize(_heading_style(level)), lead, rest))
        elif t in ("fence", "code_block"):
            language = (node.info or "").split()[0] if t == "fence" and node.info else ""
            code = node.content.rstrip("\n")
            if language:
                out.append(Block("text", Content(language).stylize("italic $text-muted"), lead, rest))
                lead = rest
            out.append(Block("code", _highlight(code, language), lead, rest))
        elif t == "hr":
            out.append(Block("rule", Content(""), lead, rest))
        elif t == "blockquote":
            bar = Content("▌ ").stylize("$text-muted")
            _blocks(node.children, lead + bar, rest + bar, out, depth)
        elif t in ("bullet_list", "ordered_list"):
            start = int(node.attrs.get("start", 1)) if t == "ordered_list" else 1
            for number, item in enumerate(node.children, start):
                item_tight = bool(item.children) and item.children[0].type == "paragraph" and bool(item.children[0].hidden)
                if number > start and not item_tight:
                    out.append(Block("text", Content(""), rest, rest))
                mark = f"{number}. " if t == "ordered_list" else f"{BULLETS[depth % len(BULLETS)]} "
                item_lead = (lead if number == start else rest) + Content(mark).stylize("$text-accent")
                item_rest = rest + Content(" " * len(mark))
                _blocks(item.children, item_lead, item_rest, out, depth + 1, tight=item_tight)
        elif t == "table":
            out.append(Block("lines", _table(node), lead, rest))
        else:  # html_block and anything unknown: the literal source
            out.append(Block("text", Content(node.content.rstrip("\n")), lead, rest))


def _highlight(code: str, language: str) -> Content:
    from textual.highlight import highlight

    try:
        return highlight(code, language=language or "text")
    except Exception:
        return Content(code)


def parse(source: str) -> list[Block]:
    """Blocks to draw. Any text renders: what the parser cannot take (nesting deeper than the
    stack allows) degrades to plain text rather than taking the app down."""
    try:
        return _parse(source)
    except Exception:  # RecursionError above all: 2,000 nested quotes
        return [Block("text", Content(source), Content(""), Content(""))]


def _parse(source: str) -> list[Block]:
    from markdown_it.tree import SyntaxTreeNode

    tokens = _parser().parse(source)
    for tok in tokens:  # the tree is built for blocks only: inline nesting has no depth limit
        if tok.type == "inline":
            tok.meta["inline"], tok.children = tok.children, None
    tree = SyntaxTreeNode(tokens)
    out: list[Block] = []
    _blocks(tree.children, Content(""), Content(""), out)
    return out


def layout(blocks: list[Block], width: int) -> list[Content]:
    lines: list[Content] = []
    for block in blocks:
        lines += block.lines(width)
    return lines


class MarkdownText(Widget):
    """A leaf widget showing markdown; `update()` replaces the source."""

    DEFAULT_CSS = """
    MarkdownText { height: auto; text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(self, source: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self._blocks: list[Block] | None = None
        self._lines: tuple[int, list[Content]] | None = None
        self._joined: Content | None = None
        self.reserve = 1  # height grows in steps of this many lines (set while streaming)

    def update(self, source: str) -> None:
        """Replace the source; relayout the screen only when the height changes (streaming
        mostly adds words to the last line, and a relayout walks every widget)."""
        self.source = source
        self._blocks = None
        self._joined = None
        self._lines = None
        width = self.size.width
        if width and self._height(len(self._layout(width))) == self.size.height:
            self.refresh()
        else:
            self.refresh(layout=True)

    def _height(self, lines: int) -> int:
        return -(-lines // self.reserve) * self.reserve if self.reserve > 1 else lines

    def _layout(self, width: int) -> list[Content]:
        if self._lines is not None and self._lines[0] == width:
            return self._lines[1]
        if self._blocks is None:
            self._blocks = parse(self.source)
        lines = layout(self._blocks, width)
        self._lines = (width, lines)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._height(len(self._layout(width)))

    def render(self) -> Content:
        lines = self._layout(self.size.width)
        if self._joined is None or self._lines is None or self._lines[1] is not lines:
            self._joined = Content("\n").join(lines)
        return self._joined
