"""A realistic points history to start from: several hundred charges over the last 30 days
across many bots, for the demo, the tests and the benchmarks.

Deterministic (a seeded generator and the state's clock), so a test or a screenshot sees the
same entries every run. Costs come from the same pricing the emulator charges replies by.
"""

from __future__ import annotations

import random

from .bots import catalog
from .points import cost
from .state import DEFAULT_KEY, EmulatorState, HistoryEntry

# (bot, weight): a few everyday bots, an expensive one now and then, media bots rarely.
BOTS: tuple[tuple[str, int], ...] = (
    ("Claude-Sonnet-4.6", 30), ("GPT-5", 18), ("Gemini-2.5-Flash", 14), ("Claude-Haiku-4.5", 10),
    ("GPT-5-mini", 8), ("Gemini-2.5-Pro", 7), ("Claude-Opus-4.6", 5), ("GPT-5.4", 4), ("Grok-4", 4),
    ("DeepSeek-R1", 3), ("Kimi-K2", 3), ("Mistral-Large-2", 2), ("GPT-Image-1", 2), ("Veo-3", 1),
    ("Demo-Markdown", 3), ("Demo-Reasoner", 2),
)
DAY = 86_400


def seed_history(
    state: EmulatorState, count: int = 400, *, days: float = 30, key: str = DEFAULT_KEY, seed: int = 11
) -> list[HistoryEntry]:
    """Add `count` charges spread over the `days` before now (busier on weekdays and in the
    afternoon), deducting them from the key's balance as real use would have. Returns them."""
    rng = random.Random(seed)
    now = state.clock()
    bots = catalog()
    names = [name for name, _ in BOTS]
    weights = [w for _, w in BOTS]
    made: list[HistoryEntry] = []
    for _ in range(count):
        bot = bots.lookup(rng.choices(names, weights)[0])
        age = rng.random() ** 1.3 * days * DAY  # more recent use than old
        when = now - age
        prompt = int(rng.lognormvariate(7.0, 1.1))  # a few hundred to tens of thousands of tokens
        completion = int(rng.lognormvariate(6.0, 0.8))
        points, breakdown = cost(bot, prompt, completion)
        made.append(state.record_charge(key, bot.display_name, points, breakdown, when,
                                        usage_type="Chat" if rng.random() < 0.15 else "API",
                                        query_id=f"{rng.getrandbits(80):020x}"))
    return made
