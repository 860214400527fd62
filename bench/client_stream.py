"""Streaming-path throughput, end to end over loopback: emulator -> httpx -> httpx-sse -> typed events.

The emulator runs in its own process (`poe-tui emulator`), so the figures are the client's alone:
chunks a second, the seconds a 20,000-token reply takes, and the client's CPU per chunk. Run:
    .venv/bin/python bench/client_stream.py [--tokens 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from poe_tui.client import PoeClient, TextDelta  # noqa: E402
from poe_tui.emulator.state import DEFAULT_KEY  # noqa: E402


async def one_run(base_url: str, tokens: int) -> tuple[float, float, int, int]:
    async with PoeClient(DEFAULT_KEY, base_url=base_url) as client:
        start, cpu = time.perf_counter(), time.process_time()
        deltas = chars = 0
        async for event in client.stream_chat("Demo-Long", [{"role": "user", "content": f"tokens={tokens}"}]):
            if isinstance(event, TextDelta):
                deltas += 1
                chars += len(event.text)
        return time.perf_counter() - start, time.process_time() - cpu, deltas, chars


def start_emulator() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "poe_tui", "emulator", "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    line = proc.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"the emulator did not start: {line!r}")
    return proc, match.group(1)


async def main(tokens: int, runs: int) -> None:
    proc, base_url = start_emulator()
    try:
        await one_run(base_url, 200)  # warm up
        results = [await one_run(base_url, tokens) for _ in range(runs)]
    finally:
        proc.terminate()
        proc.wait(5)
    secs = [r[0] for r in results]
    cpus = [r[1] for r in results]
    deltas, chars = results[0][2], results[0][3]
    med = statistics.median(secs)
    print(f"reply: {tokens} tokens requested, {deltas} text chunks, {chars} characters")
    print(f"seconds for the whole reply: median {med:.3f} s, best {min(secs):.3f} s, worst {max(secs):.3f} s over {runs} runs")
    print(f"throughput: {deltas / med:,.0f} chunks/s end to end ({chars / med / 1e3:,.0f} k chars/s)")
    print(f"client CPU: {statistics.median(cpus) / deltas * 1e6:.1f} us per chunk (parse ceiling {deltas / statistics.median(cpus):,.0f} chunks/s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.tokens, args.runs))
