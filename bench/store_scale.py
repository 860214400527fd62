"""Storage at scale: build a big history through the real schema, then time the hot paths.

    python bench/store_scale.py [PATH] [--reuse] [--conversations N] [--messages N]

Builds 10,000 conversations and 500,000 messages (one conversation holds 5,000 of them) in one
transaction (sqlite-utils for conversations, batched INSERT ... SELECT for messages) through the store's own migrations and triggers, so the full-text index and the
conversation aggregates are real. Then prints: list the newest 100 conversations, full-text
search (median over a few queries), load the last 200 messages of the 5,000-message
conversation, open time, file size and build time. Without PATH it works in a temp dir.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from poe_tui.store import Store  # noqa: E402
from poe_tui.store.ids import new_id  # noqa: E402

BIG_CONVERSATION = 5_000
BOTS = ["GPT-4o", "Claude-Sonnet-4", "Gemini-2.5-Pro", "Llama-3.1-405B", "o3-mini", "Grok-4"]
# Words planted at known rates, so the search figures mean something.
PLANTED = {"photosynthesis": 0.002, "kubernetes": 0.01, "sourdough": 0.03}
QUERIES = ["photosynthesis", "kubernetes cluster", "sourdough", "kubern", '"sourdough starter"']
COMMON_QUERY = "the"  # matches most messages: the worst case, shown apart


def _word_pool(rng: random.Random, size: int = 2_000_000) -> list[str]:
    """A long Zipf-distributed word stream; messages are random windows of it (fast to make)."""
    syllables = ["ka", "lo", "mi", "ren", "tu", "sa", "vor", "el", "qui", "dan", "po", "zet", "ar", "in"]
    words = ["the", "a", "to", "of", "and", "is", "in", "it", "you", "that", "cluster", "starter"]
    seen = set(words)
    while len(words) < 6000:
        w = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(words))]
    pool = rng.choices(words, weights=weights, k=size)
    for word, rate in PLANTED.items():  # about `rate` of 40-word messages contain it
        for _ in range(int(size * rate / 40)):
            pool[rng.randrange(size)] = word
    return pool


def build(store: Store, conversations: int, messages: int, seed: int = 7) -> str:
    """Fill the store in one transaction; returns the id of the big conversation."""
    rng = random.Random(seed)
    pool = _word_pool(rng)
    t0 = 1_650_000_000.0
    span = 2 * 365 * 86400.0
    conv_rows = []
    for i in range(conversations):
        created = t0 + span * i / conversations
        start = rng.randrange(len(pool) - 5)
        conv_rows.append({
            "id": new_id(lambda: created), "title": " ".join(pool[start:start + rng.randint(2, 5)]).capitalize(),
            "created_at": created, "updated_at": created,
            "pinned": int(i % 997 == 0), "archived": int(i % 50 == 0),
        })
    # the first conversation holds BIG_CONVERSATION messages; the rest share the remainder
    share, extra = divmod(messages - BIG_CONVERSATION, conversations - 1)
    counts = [BIG_CONVERSATION] + [share + (k < extra) for k in range(conversations - 1)]
    columns = ("id", "conversation_id", "parent_id", "role", "content", "bot", "status",
               "prompt_tokens", "completion_tokens", "points", "created_at", "updated_at")
    # One INSERT ... SELECT per batch, not executemany: FTS5 flushes its pending index at every
    # statement that fires the trigger, and a statement per row makes the build 4x slower.
    insert = (
        f"INSERT INTO messages ({', '.join(columns)}) SELECT "
        + ", ".join(f"value ->> {i}" for i in range(len(columns)))
        + " FROM json_each(?)"
    )
    with store.transaction():
        # sqlite-utils for the conversations; the store's triggers fill FTS and aggregates
        store.db["conversations"].insert_all(conv_rows, batch_size=2000)
        conn = store._db.conn
        batch: list[tuple] = []
        for conv, count in zip(conv_rows, counts):
            parent, at, bot = None, conv["created_at"], rng.choice(BOTS)
            for j in range(count):
                at += rng.uniform(5, 120)
                user = j % 2 == 0
                n = rng.randint(6, 25) if user else rng.randint(30, 90)
                start = rng.randrange(len(pool) - n)
                mid = new_id(lambda: at)
                batch.append((
                    mid, conv["id"], parent, "user" if user else "assistant",
                    " ".join(pool[start:start + n]), None if user else bot, "complete",
                    None if user else rng.randint(20, 4000), None if user else rng.randint(20, 800),
                    None if user else rng.randint(10, 900), at, at,
                ))
                parent = mid
            if len(batch) >= 5_000:
                conn.execute(insert, (json.dumps(batch),))
                batch.clear()
        if batch:
            conn.execute(insert, (json.dumps(batch),))
    store._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return conv_rows[0]["id"]


def _time(fn, runs: int) -> tuple[float, float]:
    """(first call, median of the rest) in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples[0], statistics.median(samples[1:] or samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="database file to build (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing file, do not build")
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=500_000)
    args = parser.parse_args(argv)

    tmp = None
    if args.path:
        path = Path(args.path)
        if path.exists() and not args.reuse:
            parser.error(f"{path} exists; pass --reuse to measure it, or choose another path")
    else:
        tmp = tempfile.TemporaryDirectory(prefix="poe-tui-bench-")
        path = Path(tmp.name) / "history.db"

    if not args.reuse:
        print(f"building {args.conversations:,} conversations, {args.messages:,} messages in {path} ...")
        start = time.perf_counter()
        with Store(path) as store:
            build(store, args.conversations, args.messages)
        print(f"build: {time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    store = Store(path)
    open_ms = (time.perf_counter() - start) * 1000
    conn = store._db.conn
    big = conn.execute("SELECT id FROM conversations ORDER BY message_count DESC LIMIT 1").fetchone()[0]
    n_conv = conn.execute("SELECT count(*) FROM conversations").fetchone()[0]
    n_msg = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    big_count = store.get_conversation(big).message_count
    print(f"database: {n_conv:,} conversations, {n_msg:,} messages; biggest conversation {big_count:,}")

    print(f"open (up to date): {open_ms:.1f} ms (target: a few ms)")
    first, med = _time(lambda: store.list_conversations(limit=100), 30)
    assert len(store.list_conversations(limit=100)) == 100
    print(f"list newest 100: {med:.1f} ms (first call {first:.1f} ms) (target < 50 ms)")

    per_query = []
    for q in QUERIES:
        f, m = _time(lambda q=q: store.search(q), 7)
        per_query.append(m)
        print(f"  search {q!r}: {m:.1f} ms (first {f:.1f} ms), {len(store.search(q))} hits")
    print(f"search (median of {len(QUERIES)} queries, 50 hits each): "
          f"{statistics.median(per_query):.1f} ms (target < 50 ms)")
    f, m = _time(lambda: store.search(COMMON_QUERY), 5)
    n = conn.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'the'").fetchone()[0]
    print(f"  worst case, a word in {n:,} messages ({COMMON_QUERY!r}): {m:.1f} ms (not a target)")

    first, med = _time(lambda: store.get_messages(big, limit=200), 30)
    assert len(store.get_messages(big, limit=200)) == 200
    print(f"load last 200 of {big_count:,}: {med:.1f} ms (first call {first:.1f} ms) (target < 100 ms)")
    first, med = _time(lambda: store.get_messages(big), 5)
    print(f"  whole {big_count:,}-message thread: {med:.1f} ms (not a target)")

    conv = store.create_conversation("bench write")
    reply = store.add_message(conv.id, "assistant", "", bot="GPT-4o", status="streaming")
    text = ""

    def flush() -> None:
        nonlocal text
        text += "some more streamed words "
        store.update_message(reply.id, content=text)

    _, med = _time(flush, 50)
    print(f"streaming flush (update_message, committed): {med:.2f} ms")
    store.delete_conversation(conv.id)

    class Undo(Exception):
        pass

    start = time.perf_counter()
    try:
        with store.transaction():  # rolled back: --reuse must not change the file
            store.delete_conversation(big)
            elapsed = (time.perf_counter() - start) * 1000
            raise Undo
    except Undo:
        pass
    print(f"delete the {big_count:,}-message conversation: {elapsed:.0f} ms (rolled back)")
    store.close()

    size = sum(os.path.getsize(p) for p in path.parent.glob(path.name + "*"))
    print(f"file size: {size / 1e6:.0f} MB ({size / max(n_msg, 1):.0f} bytes per message, FTS included)")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
