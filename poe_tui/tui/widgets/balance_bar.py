"""The footer: the current bot, the point balance, what the last reply cost, what the next
message will cost at least, and key hints.

It is one row and must never be cut off: on a narrow terminal the key hints go first (last one
first), then the last reply's cost, then the estimate; then the status drops the bot's name it
repeats ("GPT-5.4 is answering…" → "answering…"), and the status and the bot's name are shortened. A balance below `low_balance` is shown as a warning, which is never dropped.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from poe_tui.textsafe import one_line

Part = tuple[str, str]  # (text, style)
SEP: Part = ("  │  ", "dim")


class BalanceBar(Static):
    DEFAULT_CSS = """
    BalanceBar { height: 1; dock: bottom; padding: 0 1; background: $panel; color: $foreground; }
    """

    bot: reactive[str] = reactive("")
    points: reactive[int | None] = reactive(None)
    cost: reactive[int | None] = reactive(None)
    status: reactive[str] = reactive("")
    online: reactive[bool] = reactive(True)  # False after the service could not be reached
    hints: reactive[tuple[tuple[str, str], ...]] = reactive(())
    estimate: reactive[int | None] = reactive(None)  # points the next message costs at least
    low_balance: reactive[int] = reactive(0)  # warn below this many points (0: never)

    @property
    def low(self) -> bool:
        return self.points is not None and self.points < self.low_balance

    def _pieces(self, bot: str, status: str) -> list[tuple[int, list[Part]]]:
        """(drop order, parts) in display order; 0 is never dropped, higher numbers go first."""
        pieces: list[tuple[int, list[Part]]] = [
            (0, [("● ", "$success" if self.online else "$error"), (bot or "no bot", "bold $accent"), SEP,
                 (f"{self.points:,} points" if self.points is not None else "balance unknown",
                  "bold $error" if self.low else "bold")]),
        ]
        if self.low:
            pieces.append((0, [(" low!", "bold reverse $error")]))
        if self.cost is not None:
            pieces.append((2, [(f"  last reply {self.cost:,} pts", "$text-muted")]))
        if self.estimate:  # nothing to send yet: nothing to say
            pieces.append((1, [(f"  next ≥{self.estimate:,} pts", "$text-muted")]))
        if not self.online:
            pieces.append((0, [SEP, ("offline", "bold $error")]))
        if status:
            pieces.append((0, [SEP, (status, "italic $text-muted")]))
        for n, (key, label) in enumerate(self.hints):
            pieces.append((100 + n, [("  ", ""), (key, "bold $primary"), (f" {label}", "$text-muted")]))
        return pieces

    def render(self) -> Content:
        width = self.content_size.width or 10_000
        bot, status = one_line(self.bot, 40), one_line(self.status, 40)
        pieces = self._pieces(bot, status)
        for order in sorted({o for o, _ in pieces if o}, reverse=True):
            if _width(pieces) <= width:
                break
            pieces = [p for p in pieces if p[0] != order]
        kept = {o for o, _ in pieces}
        if _width(pieces) > width and bot and status.startswith(bot + " "):
            status = status[len(bot) + 1:].removeprefix("is ")
            pieces = [p for p in self._pieces(bot, status) if p[0] in kept]
        for shortest in (12, 0, 6):  # still too wide: shorten the status, then the bot's name, then the status
            over = _width(pieces) - width
            if over <= 0:
                break
            if shortest:
                status = one_line(status, max(shortest, cell_len(status) - over))
            else:
                bot = one_line(bot, max(4, cell_len(bot) - over))
            pieces = [p for p in self._pieces(bot, status) if p[0] in kept]
        return Content.assemble(*(part for _, parts in pieces for part in parts))


def _width(pieces: list[tuple[int, list[Part]]]) -> int:
    return sum(cell_len(text) for _, parts in pieces for text, _ in parts)
