"""The usage screen: where the points went. Totals, points per day (a bar chart), per bot, the
balance over time, and every charge, newest first; Enter on a charge opens the message that
spent it.

It shows the local ledger at once, then fetches what is new from the service in the background;
a network failure leaves what is shown and says so. Keyboard only: 1-4 (or ←/→ on the tabs)
switch views, r refreshes, Esc closes. Bot names and titles are untrusted: cells are `Text`,
never markup. Dismisses with (conversation_id, message_id) or None.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from poe_tui.service import PoeError, StoreError
from poe_tui.textsafe import one_line

if TYPE_CHECKING:
    from poe_tui.service import PoeService, UsageReport

PAGE = 200  # charges read at a time; more as the cursor nears the end
TABS = ("days", "bots", "balance", "charges")
MATCH_LABEL = {"exact": "sure", "likely": "likely", "weak": "maybe", None: ""}

UsageResult = tuple[str, str] | None


class UsageScreen(Screen[UsageResult]):
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="usage_close"),
        Binding("r", "refresh", "Refresh", id="usage_refresh"),
        Binding("1", "tab('days')", "Per day", id="usage_days"),
        Binding("2", "tab('bots')", "Per bot", id="usage_bots"),
        Binding("3", "tab('balance')", "Balance", id="usage_balance"),
        Binding("4", "tab('charges')", "Charges", id="usage_charges"),
    ]

    DEFAULT_CSS = """
    UsageScreen {
        layout: vertical;
        & > #usage-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
        & > #usage-totals { height: auto; padding: 0 1; }
        & > TabbedContent { height: 1fr; }
        & TabPane { padding: 0; height: 1fr; }
        & PlotextPlot { height: 1fr; }
        & DataTable { height: 1fr; }
        & > #usage-status { height: 1; padding: 0 1; color: $text-muted; }
    }
    """

    def __init__(self, service: PoeService, *, refresh: bool = True) -> None:
        super().__init__()
        self.service = service
        self._refresh_on_mount = refresh
        self.report: UsageReport | None = None
        self._charges: list[Any] = []
        self._more = False
        self._loading_more = False
        self._note = ""
        self._filled: set[str] = set()  # tables are filled when first shown (opening stays fast)
        try:  # read while the screen is being built: its first frame can show the figures
            self._reading: asyncio.Task | None = asyncio.get_running_loop().create_task(service.usage_report(PAGE))
        except RuntimeError:
            self._reading = None

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield Static(Content("Usage · where the points went"), id="usage-title")
        yield Static(Content("Reading the ledger…"), id="usage-totals")
        with TabbedContent(initial="days"):
            with TabPane("1 Per day", id="days"):
                yield PlotextPlot(id="days-chart")
            with TabPane("2 Per bot", id="bots"):
                yield DataTable(id="bots-table", cursor_type="row", zebra_stripes=True)
            with TabPane("3 Balance", id="balance"):
                yield PlotextPlot(id="balance-chart")
            with TabPane("4 Charges", id="charges"):
                yield DataTable(id="charges-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="usage-status")
        yield Footer()

    async def on_mount(self) -> None:
        bots = self.query_one("#bots-table", DataTable)
        bots.add_column("Bot", key="bot")
        bots.add_column("Points", key="points")
        bots.add_column("Share", key="share")
        bots.add_column("Charges", key="charges")
        charges = self.query_one("#charges-table", DataTable)
        for label in ("When", "Bot", "Points", "Conversation", "Match"):
            charges.add_column(label, key=label.lower())
        self.app.theme_changed_signal.subscribe(self, self._recolour)
        if self._reading is not None:
            await self._show_read(self._reading)
        else:
            self.load()
        if self._refresh_on_mount:
            self.refresh_ledger()

    # -- reading ---------------------------------------------------------------------

    @work(exclusive=True, group="usage-load", description="read the ledger")
    async def load(self) -> None:
        await self._show_read(self.service.usage_report(PAGE))

    async def _show_read(self, reading: Any) -> None:
        try:
            report = await reading
        except StoreError as exc:
            self._status(f"Cannot read the ledger: {one_line(str(exc), 120)}")
            return
        self.show(report)

    @work(exclusive=True, group="usage-refresh", description="fetch the points history")
    async def refresh_ledger(self) -> None:
        if self.service.client is None:
            self._note = "Not connected: showing the ledger as it is."
            self._status()
            return
        self._note = "Fetching new charges…"
        self._status()
        try:
            got = await self.service.refresh_ledger()
        except PoeError as exc:
            self._note = f"could not fetch new charges, ledger unchanged: {one_line(exc.message, 80)}"
            self._status()
            return
        except StoreError as exc:
            self._note = f"Could not save new charges: {one_line(str(exc), 80)}"
            self._status()
            return
        left = self.report.balance[-1][1] if self.report and self.report.balance else None
        try:  # the balance line ends at the balance now
            balance_moved = await self.service.refresh_balance() != left
        except PoeError:
            balance_moved = False
        self._note = f"up to date, {got.added:,} new" if got.added else "up to date"
        if got.added or got.updated or balance_moved:
            self.load()
        else:
            self._status()

    def show(self, report: UsageReport) -> None:
        self.report = report
        t = report.totals
        parts: list[Any] = []
        for name in ("today", "7 days", "30 days", "all time"):
            parts += [(f"{name.capitalize()} ", "$text-muted"), (f"{t[name]:,}", "bold"), "  "]
        if report.balance:
            parts += [("Left ", "$text-muted"), (f"{report.balance[-1][1]:,}", "bold $success")]
        self.query_one("#usage-totals", Static).update(Content.assemble(*parts))
        self._draw_days(report)
        self._draw_balance(report)
        self._charges = list(report.charges)
        self._more = len(self._charges) < report.count
        self._filled.clear()
        self._fill(self.query_one(TabbedContent).active)
        self._status()

    def _fill(self, pane: str) -> None:
        """The bot and charge tables are filled when their tab is first shown."""
        if self.report is None or pane in self._filled or pane not in ("bots", "charges"):
            return
        self._filled.add(pane)
        if pane == "bots":
            self._fill_bots(self.report)
        else:
            self.query_one("#charges-table", DataTable).clear()
            self._add_charge_rows(self._charges)

    def _recolour(self, theme: Any) -> None:
        """The charts take the theme's colours when drawn: draw them again in the new ones."""
        if self.report is not None:
            self._draw_days(self.report)
            self._draw_balance(self.report)

    def _colour(self, name: str) -> tuple[int, int, int]:
        from textual.color import Color

        return Color.parse(self.app.theme_variables.get(name, "#888888")).rgb

    def _draw_days(self, report: UsageReport) -> None:
        from textual_plotext import PlotextPlot

        plot = self.query_one("#days-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [d[5:] for d, _ in report.days]  # mm-dd
        values = [p for _, p in report.days]
        xs = list(range(1, len(values) + 1))
        plt.bar(xs, values, color=self._colour("primary"), marker="hd")
        plt.xticks(xs[-1::-5][::-1], labels[-1::-5][::-1])  # every fifth day, ending today
        _whole_number_ticks(plt, 0, max(values, default=0))
        plt.title("Points per day, last 30 days" if any(values) else "No points spent in the last 30 days")
        plot.refresh()

    def _draw_balance(self, report: UsageReport) -> None:
        from textual_plotext import PlotextPlot

        plot = self.query_one("#balance-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        if report.balance:
            xs = list(range(len(report.balance)))
            values = [b for _, b in report.balance]
            plt.plot(xs, values, color=self._colour("success"), marker="braille")
            _whole_number_ticks(plt, min(values), max(values))
            plt.xticks(xs[-1::-5][::-1], [d[5:] for d, _ in report.balance][-1::-5][::-1])
            plt.title("Points left at the end of each day (top-ups not shown)")
        else:
            plt.title("Balance unknown until the service answers")
        plot.refresh()

    def _fill_bots(self, report: UsageReport) -> None:
        table = self.query_one("#bots-table", DataTable)
        table.clear()
        total = sum(b.points for b in report.bots) or 1
        for b in report.bots:
            share = 100 * b.points / total
            table.add_row(
                Text(one_line(b.label, 40), style="bold" if share >= 10 else ""),
                Text(f"{b.points:,}", justify="right"),
                Text(f"{share:5.1f}%", justify="right"),
                Text(f"{b.charges:,}", justify="right"),
            )

    def _add_charge_rows(self, charges: list[Any]) -> None:
        table = self.query_one("#charges-table", DataTable)
        for c in charges:
            where = one_line(c.conversation_title or "Untitled", 26) if c.conversation_id else "—"
            points = "pending" if c.pending else f"{c.cost_points:,}"
            table.add_row(
                Text(time.strftime("%m-%d %H:%M", time.localtime(c.created_at))),
                Text(one_line(c.bot_name, 20)),
                Text(points, justify="right"),
                Text(where, style="" if c.conversation_id else "dim"),
                Text(MATCH_LABEL.get(c.match, ""), style="dim"),
            )

    @work(group="usage-more", description="more charges")
    async def _load_more(self) -> None:
        try:
            more = await self.service.more_charges(len(self._charges), PAGE)
        except StoreError:
            more = []
        finally:
            self._loading_more = False
        self._more = len(more) == PAGE
        self._charges += more
        self._add_charge_rows(more)
        self._status()

    @on(DataTable.RowHighlighted, "#charges-table")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if self._more and not self._loading_more and event.cursor_row >= len(self._charges) - 20:
            self._loading_more = True
            self._load_more()

    def _status(self, message: str | None = None) -> None:
        if message is None:
            count = self.report.count if self.report else 0
            message = f"{count:,} charge{'s' if count != 1 else ''} in the ledger"
            if self._note:
                message += f" · {self._note}"
            if self.query_one(TabbedContent).active == "charges" and count:
                message += " · Enter opens the message"
        self.query_one("#usage-status", Static).update(Content(message))

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self._status()
        pane = event.pane.id
        self._fill(pane)
        if pane in ("bots", "charges"):
            self.query_one(f"#{pane}-table", DataTable).focus()

    # -- opening the message ---------------------------------------------------------

    @on(DataTable.RowSelected, "#charges-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not 0 <= event.cursor_row < len(self._charges):
            return
        charge = self._charges[event.cursor_row]
        if charge.conversation_id is None or charge.message_id is None:
            self.notify("No reply in this history spent these points: the charge came from the Poe app, "
                        "another client, or a conversation that was deleted.", severity="warning", markup=False)
            return
        self.dismiss((charge.conversation_id, charge.message_id))

    # -- actions ---------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.refresh_ledger()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab


def _whole_number_ticks(plt: Any, low: int, high: int, count: int = 5) -> None:
    """Points are whole: label the y axis 0, 2,500, 5,000… rather than plotext's 1676.8."""
    if high <= low:  # nothing spent, or a flat line: one labelled level, not plotext's -1..1
        plt.ylim(max(0, low - 1) if low else 0, high + 1)
        plt.yticks([low], [f"{int(low):,}"])
        return
    raw = (high - low) / (count - 1)
    magnitude = 10 ** max(0, len(str(int(raw))) - 1)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = int(low // step * step)
    ticks = [start + i * step for i in range(count + 1) if start + i * step <= high + step / 2]
    plt.yticks(ticks, [f"{int(t):,}" for t in ticks])


# ====================================================================== cost before sending


def cost_question(estimate: Any, limit: int) -> str:
    """Short lines, broken here: the dialog fits an 80-column terminal without rewrapping."""
    return (
        f"Sending this to {one_line(estimate.bot, 40)}\n"
        f"costs at least {estimate.points:,} points: the whole thread\n"
        f"goes with it ({estimate.tokens:,} tokens at the bot's price).\n\n"
        f"Messages above {limit:,} points ask first\n(confirm_above in the config file).\n\nSend it?"
    )


async def cost_checked(screen: Screen, text: str, events: Any) -> Any:
    """`events` (a send), once the user has said yes to a message estimated above the configured
    threshold; nothing is saved or sent before that. A "no" ends it with ChatInputError, so the
    text goes back into the prompt. Runs inside the chat screen's stream worker."""
    from poe_tui.chat import ChatInputError
    from poe_tui.tui.screens.confirm import ConfirmScreen

    from contextlib import aclosing

    service = screen.app.service
    limit = service.confirm_above
    async with aclosing(events):
        estimate = await service.estimate(text) if limit else None
        if estimate is not None and estimate.points > limit:
            question = ConfirmScreen(cost_question(estimate, limit), yes="Send", no="Cancel")
            if not await screen.app.push_screen_wait(question):
                raise ChatInputError(f"Not sent (at least {estimate.points:,} points): the message is back in the prompt.")
        async for event in events:
            yield event
