"""How long the usage screen takes to open over a 10,000-charge ledger (target: under 200 ms).

A history file is filled with 10,000 ledger entries over a year (and 2,000 conversations whose
replies some of them paid for), then the app is run headless at 80x24 against the emulator.
Each run calls the action the usage key is bound to and stops the clock at the first frame the
app sends to the terminal after the report (totals, the chart, the bot table and the first page
of charges) is in the widgets: the time a person waits. The first frame of the screen itself
(still "Reading the ledger…") comes earlier and is printed too. The first open includes
importing the plotting library; later opens are quoted apart.

Run: .venv/bin/python bench/usage_screen.py [ENTRIES]
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from poe_tui.client.records import PointsEntry
from poe_tui.config import Settings
from poe_tui.emulator.server import EmulatorServer
from poe_tui.runtime import Runtime
from poe_tui.store import Store
from poe_tui.tui.app import PoeApp

TARGET_MS = 200.0
RUNS = 9
BOTS = ["Claude-Sonnet-4.6", "GPT-5", "Gemini-2.5-Flash", "Claude-Opus-4.6", "Grok-4", "DeepSeek-R1", "Veo-3"] + [
    f"Community-Bot-{i}" for i in range(40)]


def fill(path: Path, entries: int) -> None:
    rng = random.Random(5)
    now = time.time()
    with Store(path) as store, store.transaction():
        replies = []
        for c in range(2000):
            conv = store.create_conversation(title=f"Conversation {c}")
            at = now - rng.random() * 365 * 86_400
            user = store.add_message(conv.id, "user", "question", created_at=at)
            bot = rng.choice(BOTS)
            replies.append((bot, at + 2, store.add_message(conv.id, "assistant", "answer " * 50, parent_id=user.id,
                                                           bot=bot, points=40, created_at=at + 1, updated_at=at + 5)))
        charges = [PointsEntry(f"{i:020x}", bot, int(at * 1e6), "API", 40) for i, (bot, at, _) in enumerate(replies)]
        charges += [
            PointsEntry(f"{i + 10**6:020x}", rng.choice(BOTS), int((now - rng.random() * 365 * 86_400) * 1e6),
                        rng.choice(["API", "Chat"]), rng.randint(1, 2000))
            for i in range(entries - len(charges))
        ]
    store = Store(path)
    for start in range(0, len(charges), 1000):
        store.ledger_save(charges[start:start + 1000])
    assert store.ledger_count() == entries
    store.close()


async def measure(path: Path, server: EmulatorServer) -> list[tuple[float, float]]:
    """(first frame of the screen, first frame with the report) per run, in ms."""
    from poe_tui.tui.screens.usage import UsageScreen

    settings = Settings(api_key=server.api_key, base_url=server.base_url, default_bot="Demo-Markdown")
    app = PoeApp(Runtime(settings=settings), open_store=lambda: Store(path), remember_theme=False)
    frames: list[float] = []
    send_frame = app._display  # every frame the app writes to the terminal goes through here

    def display(screen, renderable):
        frames.append(time.perf_counter())
        return send_frame(screen, renderable)

    app._display = display
    shown_at: list[float] = []
    show = UsageScreen.show

    def timed_show(screen, report):
        show(screen, report)
        shown_at.append(time.perf_counter())

    UsageScreen.show = timed_show
    times: list[tuple[float, float]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.ready:
            await pilot.pause(0.02)
        await pilot.pause(0.5)
        for _ in range(RUNS):
            frames.clear()
            shown_at.clear()
            started = time.perf_counter()
            app.action_usage()
            while not (shown_at and frames and frames[-1] > shown_at[0]):
                await asyncio.sleep(0.001)
            first = next(f for f in frames if f > started)
            painted = next(f for f in frames if f > shown_at[0])
            times.append(((first - started) * 1000, (painted - started) * 1000))
            await pilot.pause(0.3)  # let the background refresh end
            app.screen.dismiss(None)
            await pilot.pause(0.2)
    return times


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer() as server:
        path = Path(tmp) / "history.db"
        t = time.perf_counter()
        fill(path, entries)
        print(f"ledger: {entries:,} entries ({time.perf_counter() - t:.1f} s to build)")
        times = asyncio.run(measure(path, server))
    (screen0, first), rest = times[0], times[1:]
    median = statistics.median(p for _, p in rest)
    print(f"first open (imports the chart library): screen {screen0:5.1f} ms, with the report {first:6.1f} ms")
    print(f"later opens, median of {len(rest)}: screen {statistics.median(s for s, _ in rest):5.1f} ms, "
          f"with the report {median:6.1f} ms (min {min(p for _, p in rest):.1f}, max {max(p for _, p in rest):.1f})")
    verdict = "OK" if max(first, median) < TARGET_MS else "OVER"
    print(f"target: the report on screen in under {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
