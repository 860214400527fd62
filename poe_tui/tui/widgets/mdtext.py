"""Markdown drawn by one leaf widget: a reply costs a handful of widgets, not hundreds.

Textual's `Markdown` makes a widget per block (and per list item, bullet, cell...); every
layout pass walks them all, so a long conversation makes each streamed token slower. Here a
document is parsed (markdown-it) into blocks, each block wrapped to the width with its own
prefixes (bullets, quote bars, hanging indents), and the lines drawn as one `Content`.
Code is highlighted with Textual's theme-aware highlighter. Links are drawn as links whose
click asks the screen (`open_link`) to confirm before anything opens.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

from poe_tui.tui.widgets.settled import SettledSize

BULLETS = ("•", "◦", "▪")
PAGE = 32  # lines drawn together
MAX_LINES_DRAWN = 8 * PAGE  # lines kept drawn per widget: a screenful and some scrolling


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


class MarkdownText(SettledSize, Widget):
    """A leaf widget showing markdown: a run of documents laid out one after another with a
    blank line between; `replace_from()` changes the last ones, laying out only those.

    Only line counts are kept for every document; lines are laid out again, and drawn, a page
    at a time and only for the pages on screen. A 100,000-token reply costs the same per frame
    as a short one, and leaves few objects for the garbage collector to walk.
    """

    DEFAULT_CSS = """
    MarkdownText { height: auto; text-wrap: nowrap; text-overflow: clip; }
    """

    page = PAGE  # lines drawn together

    def __init__(self, source: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.parts: list[str] = [source] if source else []
        self._width = 0  # what the counts below were laid out for
        self._starts: list[int] = [0]  # first line of each part laid out so far, then the end
        self._laid: OrderedDict[int, list[Content]] = OrderedDict()  # part -> its lines (a few)
        self._blocks: tuple[str, list[Block]] | None = None  # the last part's parse, for a resize
        self._pages: OrderedDict[tuple[int, int], list[Strip]] = OrderedDict()  # (width, page) -> strips

    @property
    def source(self) -> str:
        return "".join(self.parts)

    # ------------------------------------------------------------ changing

    def replace_from(self, index: int, parts: list[str]) -> bool:
        """Replace the documents from `index` on; repaint only the lines that changed, and
        relayout the screen only when the height changes (streaming mostly adds words to the
        last line, and a relayout walks every widget). True when it asked for a relayout."""
        width = self.size.width
        before: list[Content] | None = None
        if width and width == self._width and len(self._starts) > index:
            laid = [self._laid.get(i) for i in range(index, len(self.parts))]
            if all(lines is not None for lines in laid):
                before = [line for lines in laid for line in lines or ()]
        base = self._starts[index] if before is not None else 0
        self.parts[index:] = parts
        self._forget(index)
        if before is None:
            self._pages.clear()
            return self._changed()
        total = self._count(width)
        after = [line for i in range(index, len(self.parts)) for line in self._part_lines(i)]
        if self._height(total) != self.size.height:
            self._drop_pages(base)
            self.refresh(layout=True)
            return True
        first = next((i for i, (a, b) in enumerate(zip(before, after)) if a.plain != b.plain or a.spans != b.spans),
                     min(len(before), len(after)))
        end = max(len(before), len(after))
        if first < end:
            self._drop_pages(base + first)
            self.refresh(Region(0, base + first, width, end - first))
        return False

    def _forget(self, part: int) -> None:
        """Lines from `part` on are to be laid out again."""
        del self._starts[part + 1:]
        for index in [i for i in self._laid if i >= part]:
            del self._laid[index]

    def _changed(self) -> bool:
        width = self.size.width
        if width and self._height(self._count(width)) == self.size.height:
            self._drop_pages(0)
            self.refresh()
            return False
        self.refresh(layout=True)
        return True

    def _drop_pages(self, line: int) -> None:
        for key in [k for k in self._pages if (k[1] + 1) * self.page > line]:
            del self._pages[key]

    def _height(self, lines: int) -> int:
        """The height for this many lines (a streaming reply keeps some spare)."""
        return lines

    # ------------------------------------------------------------ laying out

    def _part_lines(self, index: int) -> list[Content]:
        """The lines of one part at the current width (a blank line first, after the first)."""
        lines = self._laid.get(index)
        if lines is not None:
            self._laid.move_to_end(index)
            return lines
        source = self.parts[index]
        if self._blocks is not None and self._blocks[0] is source:
            blocks = self._blocks[1]
        else:
            blocks = parse(source)
            if index == len(self.parts) - 1:
                self._blocks = (source, blocks)
        lines = ([Content("")] if index else []) + layout(blocks, self._width)
        self._laid[index] = lines
        last = len(self.parts) - 1
        while len(self._laid) > 4:  # a few parts, and always the last (a stream's live one)
            oldest = next(i for i in self._laid if i != last)
            del self._laid[oldest]
        return lines

    def _count(self, width: int) -> int:
        """Lines at this width, laying out only the parts not counted yet."""
        if width != self._width:
            self._width = width
            self._pages.clear()
            self._forget(0)
        for index in range(len(self._starts) - 1, len(self.parts)):
            self._starts.append(self._starts[-1] + len(self._part_lines(index)))
        return self._starts[-1]

    def _lines(self, width: int, start: int, end: int) -> list[Content]:
        """Lines start..end, laying out only the parts they come from."""
        self._count(width)
        out: list[Content] = []
        index = max(0, bisect_right(self._starts, start) - 1)
        while index < len(self.parts) and self._starts[index] < end:
            base = self._starts[index]
            out += self._part_lines(index)[max(0, start - base):end - base]
            index += 1
        return out

    def _layout(self, width: int) -> list[Content]:
        """Every line (for tests, and for a text selection)."""
        return self._lines(width, 0, self._count(width))

    # ------------------------------------------------------------ drawing

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._height(self._count(width))

    def notify_style_update(self) -> None:
        self._pages.clear()  # a new theme: colours change
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self.text_selection is not None:  # selection offsets count from the first line
            return super().render_line(y)
        key = (width, y // self.page)
        strips = self._pages.get(key)
        if strips is None:
            chunk = self._lines(width, key[1] * self.page, (key[1] + 1) * self.page)
            strips = Visual.to_strips(self, Content("\n").join(chunk), width, None, self.visual_style) if chunk else []
            self._pages[key] = strips
            while len(self._pages) * self.page > MAX_LINES_DRAWN:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(key)
        index = y % self.page
        return strips[index] if index < len(strips) else Strip.blank(width, self.visual_style.rich_style)

    def render(self) -> Content:
        return Content("\n").join(self._layout(self.size.width))
