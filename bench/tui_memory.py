"""Memory over many replies, headless against the emulator: the RSS after 10 and after 100
replies (a `/new` every 10, so the screen holds at most 20 messages), and what is still alive.
Target: RSS after 100 within 30 MB of RSS after 10, and no message widget outliving /new.

Run: .venv/bin/python bench/tui_memory.py [--replies 100] [--tokens 1500] [--trace]
(`--trace` prints the top allocation sites still held, from tracemalloc.)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile

os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp())
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp())

from tui_stream import make_app, rss_mb, stream_once, wait  # noqa: E402

from poe_tui.emulator.server import EmulatorServer  # noqa: E402

SIZE = (120, 40)


def alive(kind: str) -> int:
    return sum(1 for o in gc.get_objects() if type(o).__name__ == kind)


async def command(pilot, app, text: str) -> None:
    prompt = app.chat_screen.prompt
    prompt.load_text(text)
    await pilot.press("enter")
    await pilot.pause(0.05)


async def run(replies: int, tokens: int, trace: bool) -> int:
    import tracemalloc

    marks: dict[int, float] = {}
    with EmulatorServer() as emulator:
        app = make_app(emulator)
        async with app.run_test(size=SIZE) as pilot:
            await wait(pilot, lambda: app.session is not None)
            for n in range(1, replies + 1):
                await stream_once(app, pilot, f"Reply number {n}, tokens={tokens}")
                if n % 10 == 0:
                    await command(pilot, app, "/new")
                    await pilot.pause(0.2)
                    gc.collect()
                    marks[n] = rss_mb()
                    traced = f", traced {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MB" if tracemalloc.is_tracing() else ""
                    print(f"after {n:>3} replies: RSS {marks[n]:6.1f} MB, message widgets alive: "
                          f"{alive('ReplyMessage') + alive('UserMessage')}, objects {len(gc.get_objects()):,}{traced}", flush=True)
                    if n == 10 and trace:
                        tracemalloc.start(12)
                        first = tracemalloc.take_snapshot()
            if trace:
                gc.collect()
                top = tracemalloc.take_snapshot().compare_to(first, "traceback")[:8]
                for stat in top:
                    print(f"\n+{stat.size_diff / 1024:.0f} KiB in {stat.count_diff:+} blocks:")
                    print("\n".join("    " + line for line in stat.traceback.format()[-12:]))
    growth = marks[max(marks)] - marks[10]
    print(f"growth from 10 to {max(marks)} replies: {growth:+.1f} MB   target < 30 MB")
    ok = growth < 30
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=100)
    parser.add_argument("--tokens", type=int, default=1500, help="tokens per reply (Demo-Long)")
    parser.add_argument("--trace", action="store_true", help="show where the memory still held was allocated")
    args = parser.parse_args()
    return asyncio.run(run(args.replies, args.tokens, args.trace))


if __name__ == "__main__":
    sys.exit(main())
