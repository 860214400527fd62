"""Where the points go, UI-free: the ledger refresh, the usage report, the cost of the next message.

Poe's points history keeps 30 days, newest first, 100 a page. The ledger keeps a copy in the
store: a refresh pages back only until it meets a charge it already holds (or, while some
charge still shows 0 points, until it is past that one), and writes what it fetched in one
transaction at the end, so a network failure leaves the ledger exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from poe_tui.client import Bot, PoeClient
    from poe_tui.store import Store
    from poe_tui.store.asyncstore import AsyncStore

DAY = 86_400.0
FIRST_PAGE = 20  # an incremental refresh usually finds the known charges on a small first page
PAGE = 100  # the service's largest


@dataclass(frozen=True)
class LedgerRefresh:
    added: int
    updated: int
    pages: int


@dataclass(frozen=True)
class Estimate:
    """What sending the thread to `bot` will cost at least: its pricing times the tokens sent."""

    bot: str
    points: int
    tokens: int


@dataclass
class UsageReport:
    """Everything the usage screen shows, read in one trip to the store's thread."""

    totals: dict[str, int]  # "today", "7 days", "30 days", "all time"
    days: list[tuple[str, int]]  # the last 30 local dates, oldest first, days without charges as 0
    bots: list[Any]  # UsageTotal per bot (the 30 days), most first
    balance: list[tuple[str, int]]  # (date, points left at the end of it), where the balance is known
    charges: list[Any]  # Charge, newest first (the first page)
    count: int  # charges in the ledger
    now: float = 0.0


async def refresh_ledger(client: PoeClient, db: AsyncStore, *, first_page: int = FIRST_PAGE) -> LedgerRefresh:
    """Fetch what is new in the points history into the ledger. Raises PoeError (nothing saved)."""
    pending_since = await db.ledger_oldest_pending()
    fetched: list[Any] = []
    cursor, limit, pages = None, first_page, 0
    while True:
        page = await client.points_history(limit=limit, starting_after=cursor)
        pages += 1
        known = await db.ledger_known([e.query_id for e in page.entries])
        fetched += [e for e in page.entries if known.get(e.query_id, True)]  # new, or still pending
        met_known = any(not pending for pending in known.values())
        oldest = page.entries[-1].creation_time_us / 1e6 if page.entries else None
        behind_pending = pending_since is not None and oldest is not None and oldest > pending_since
        if not page.has_more or not page.entries or (met_known and not behind_pending):
            break
        cursor, limit = page.next_cursor, PAGE
    added, updated = await db.ledger_save(fetched) if fetched else (0, 0)
    return LedgerRefresh(added, updated, pages)


def day_bounds(now: float) -> dict[str, float | None]:
    """The totals' periods, in whole local days (today counts as one, so "7 days" is today and
    the six before it: the chart's 30 bars add up to the "30 days" total)."""
    import datetime as dt

    today = dt.date.fromtimestamp(now)
    start = lambda days: dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time()).timestamp()  # noqa: E731
    return {"today": start(1), "7 days": start(7), "30 days": start(30), "all time": None}


def read_report(store: Store, now: float, balance: int | None, charges: int) -> UsageReport:
    import datetime as dt

    bounds = day_bounds(now)
    with store.transaction():  # one consistent view, even while a refresh writes
        totals = store.ledger_totals(bounds)
        per_day = {t.key: t.points for t in store.ledger_by("day", bounds["30 days"])}
        bots = store.ledger_by("bot", bounds["30 days"])
        listed = store.ledger_charges(charges)
        count = store.ledger_count()
    start = dt.date.fromtimestamp(now) - dt.timedelta(days=29)
    days = [(d.isoformat(), per_day.get(d.isoformat(), 0)) for d in (start + dt.timedelta(n) for n in range(30))]
    return UsageReport(totals, days, bots, balance_by_day(days, balance, totals["today"]), listed, count, now)


def balance_by_day(days: list[tuple[str, int]], balance: int | None, spent_today: int) -> list[tuple[str, int]]:
    """Points left at the end of each day, walking back from the balance now through the charges
    (top-ups are not in the points history, so before one the line is what it would have been)."""
    if balance is None:
        return []
    out: list[tuple[str, int]] = []
    left = balance
    for day, spent in reversed(days):
        out.append((day, left))
        left += spent
    return list(reversed(out))


def estimate_for(bot: Bot | None, tokens: int) -> int | None:
    """Points for sending `tokens` to `bot`, from its pricing; None when the list gives none."""
    if bot is None or bot.pricing is None:
        return None
    return bot.pricing.points(tokens)


def thread_tokens(messages: list[Any], draft: str = "", system_prompt: str | None = None) -> int:
    """Tokens the next request sends: the last reply's counted prompt and answer where the service
    reported them, plus an estimate (4 characters a token) for what came after, and the draft."""
    total, counted_to = 0, -1
    for i in range(len(messages) - 1, -1, -1):
        m = messages[i]
        if m.role == "assistant" and m.prompt_tokens:
            total, counted_to = m.prompt_tokens + (m.completion_tokens or 0), i
            break
    rest = "".join(m.content for m in messages[counted_to + 1:])
    if counted_to < 0 and system_prompt:
        rest += system_prompt
    return total + _approx_tokens(rest) + _approx_tokens(draft)


def _approx_tokens(text: str) -> int:
    return -(-len(text) // 4)
