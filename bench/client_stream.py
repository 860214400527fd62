"""Streaming-path throughput, end to end over loopback: emulator -> httpx -> httpx-sse -> typed events.

Prints chunks a second and the seconds a 20,000-token reply takes. Run:
    .venv/bin/python bench/client_stream.py [--tokens 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from poe_tui.client import PoeClient, TextDelta  # noqa: E402
from poe_tui.emulator.server import EmulatorServer  # noqa: E402
from poe_tui.emulator.state import DEFAULT_KEY  # noqa: E402


async def one_run(base_url: str, tokens: int) -> tuple[float, int, int]:
    async with PoeClient(DEFAULT_KEY, base_url=base_url) as client:
        start = time.perf_counter()
        deltas = chars = 0
        async for event in client.stream_chat("Demo-Long", [{"role": "user", "content": f"tokens={tokens}"}]):
            if isinstance(event, TextDelta):
                deltas += 1
                chars += len(event.text)
        return time.perf_counter() - start, deltas, chars


async def main(tokens: int, runs: int) -> None:
    with EmulatorServer() as emu:
        await one_run(emu.base_url, 200)  # warm up
        results = [await one_run(emu.base_url, tokens) for _ in range(runs)]
    secs = [r[0] for r in results]
    deltas, chars = results[0][1], results[0][2]
    med = statistics.median(secs)
    print(f"reply: {tokens} tokens requested, {deltas} text chunks, {chars} characters")
    print(f"seconds for the whole reply: median {med:.3f} s, best {min(secs):.3f} s, worst {max(secs):.3f} s over {runs} runs")
    print(f"throughput: {deltas / med:,.0f} chunks/s, {chars / med / 1e6:.2f} M chars/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.tokens, args.runs))
