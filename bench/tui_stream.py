"""Streaming cost in the TUI, headless against the emulator.

1. 5,000-, 20,000- and 100,000-token markdown replies (Demo-Long) streamed as fast as the
   emulator sends: seconds from Enter until the whole reply is on screen, and the RSS with
   100,000 tokens on screen. Targets: 20k < 5 s, 20k/5k <= 4.5, 100k < 4 s,
   100k/20k <= 5.0 (no quadratic re-rendering), RSS < 150 MB. (Headless: no terminal to
   write to. `bench/tui_keys_real.py --stream` times the same in a real pseudo-terminal.)
2. With a 20,000-token reply already on screen, a reply streamed at 100 tokens/s: how late a
   10 ms periodic timer fires (event-loop stalls). Target: p95 < 50 ms.

Run: .venv/bin/python bench/tui_stream.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp())
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp())

from poe_tui.config import Settings  # noqa: E402
from poe_tui.emulator.faults import Fault  # noqa: E402
from poe_tui.emulator.server import EmulatorServer  # noqa: E402
from poe_tui.emulator.state import DEFAULT_KEY  # noqa: E402
from poe_tui.runtime import Runtime  # noqa: E402
from poe_tui.tui.app import PoeApp  # noqa: E402
from poe_tui.tui.clipboard import Clipboard, MemoryBackend  # noqa: E402

SIZE = (120, 40)


async def wait(pilot, condition, timeout=60.0):
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError
        await asyncio.sleep(0.005)


async def stream_once(app, pilot, text: str) -> float:
    screen = app.chat_screen
    before = len(app.chat_screen.conversation.messages)
    prompt = screen.prompt
    prompt.load_text(text)
    start = time.perf_counter()
    await pilot.press("enter")
    await wait(pilot, lambda: len(screen.conversation.messages) >= before + 2)
    await wait(pilot, lambda: not screen.streaming)
    await pilot.pause()  # the last frame
    return time.perf_counter() - start


def make_app(emulator) -> PoeApp:
    settings = Settings(api_key=DEFAULT_KEY, base_url=emulator.base_url, default_bot="Demo-Long")
    return PoeApp(Runtime(settings), clipboard=Clipboard([MemoryBackend()]), remember_theme=False)


def rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def throughput(emulator, tokens: int) -> tuple[float, int, float]:
    """(seconds on screen, characters, RSS in MB with the reply on screen)."""
    app = make_app(emulator)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: app.session is not None)
        seconds = await stream_once(app, pilot, f"Write a long answer, tokens={tokens}")
        reply = app.chat_screen.conversation.last_reply()
        assert reply is not None and reply.message.status == "complete", reply.message
        return seconds, len(reply.text), rss_mb()


async def stalls(emulator) -> list[float]:
    app = make_app(emulator)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot, lambda: app.session is not None)
        await stream_once(app, pilot, "tokens=20000")
        emulator.state.inject(Fault(tokens_per_second=100))
        lags: list[float] = []
        stop = asyncio.Event()

        async def probe() -> None:
            loop = asyncio.get_running_loop()
            while not stop.is_set():
                t = loop.time()
                await asyncio.sleep(0.01)
                lags.append(loop.time() - t - 0.01)

        task = asyncio.create_task(probe())
        screen = app.chat_screen
        screen.prompt.load_text("tokens=800")
        await pilot.press("enter")
        await wait(pilot, lambda: not screen.streaming and screen.conversation.last_reply().message is not None, timeout=60)
        stop.set()
        await task
        return lags


async def main() -> int:
    with EmulatorServer() as emulator:
        await throughput(emulator, 500)  # warm up imports and caches
        t5, c5, _ = await throughput(emulator, 5000)
        t20, c20, _ = await throughput(emulator, 20000)
        t100, c100, rss = await throughput(emulator, 100_000)
        print(f"5,000-token reply:   {t5:.2f} s ({c5:,} chars)")
        print(f"20,000-token reply:  {t20:.2f} s ({c20:,} chars)   target < 5 s")
        print(f"100,000-token reply: {t100:.2f} s ({c100:,} chars)   target < 4 s")
        print(f"ratio 20k/5k:        {t20 / t5:.2f}x   target <= 4.5x")
        print(f"ratio 100k/20k:      {t100 / t20:.2f}x   target <= 5.0x")
        print(f"RSS with 100k on screen (this process, emulator included): {rss:.0f} MB   target < 150 MB")
        lags = await stalls(emulator)
        lags_ms = sorted(x * 1000 for x in lags)
        p95 = lags_ms[int(len(lags_ms) * 0.95)]
        print(
            f"loop lag at 100 tok/s over 20k on screen: p50 {statistics.median(lags_ms):.1f} ms, "
            f"p95 {p95:.1f} ms, max {lags_ms[-1]:.1f} ms ({len(lags_ms)} samples)   target p95 < 50 ms"
        )
        ok = t20 < 5 and t20 / t5 <= 4.5 and t100 < 4 and t100 / t20 <= 5.0 and rss < 150 and p95 < 50
        print("OK" if ok else "TARGETS MISSED")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
