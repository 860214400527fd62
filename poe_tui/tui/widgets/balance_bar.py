"""The footer: the current bot, the point balance, what the last reply cost, and key hints."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from poe_tui.textsafe import one_line


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

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = [("● ", "$success" if self.online else "$error")]
        parts.append((one_line(self.bot, 40) or "no bot", "bold $accent"))
        parts.append(("  │  ", "dim"))
        parts.append((f"{self.points:,} points" if self.points is not None else "balance unknown", "bold"))
        if self.cost is not None:
            parts.append((f"  last reply {self.cost:,} pts", "$text-muted"))
        if not self.online:
            parts.append(("  │  ", "dim"))
            parts.append(("offline", "bold $error"))
        if self.status:
            parts.append(("  │  ", "dim"))
            parts.append((one_line(self.status, 40), "italic $text-muted"))
        for key, label in self.hints:
            parts.append(("  ", ""))
            parts.append((key, "bold $primary"))
            parts.append((f" {label}", "$text-muted"))
        return Content.assemble(*parts)
