"""Long-form demo text: the Demo-Markdown showcase and Demo-Long's answer of about N tokens.

Deterministic (seeded) so tests, screenshots and benchmarks see the same bytes every run.
"""

from __future__ import annotations

import random

from .tokens import count_tokens

SHOWCASE = """\
# Markdown showcase

You asked: *{preview}*. Here is everything a terminal renderer should handle — with **bold**,
*italic*, ***both***, ~~strikethrough~~, `inline code` and a [link to Poe](https://poe.com).
Non-ASCII text too: café, naïve, 日本語, Ελληνικά, emoji 🚀✨.

## Lists

- First item
- Second item with **emphasis**
  - A nested item
  - Another nested item
- Third item

1. Step one
2. Step two
3. Step three

- [x] Render tables
- [ ] Ship it

## A table

| Bot | Kind | Points |
|:----|:----:|-------:|
| Demo-Markdown | text | 12 |
| Demo-Reasoner | reasoning | 30 |
| Demo-Image | image | 100 |

## Code

```python
def fibonacci(n: int) -> list[int]:
    \"\"\"The first n Fibonacci numbers.\"\"\"
    seq = [0, 1]
    while len(seq) < n:
        seq.append(seq[-1] + seq[-2])
    return seq[:n]


print(fibonacci(10))
```

```rust
fn main() {{
    let greeting = "héllo, 世界";
    for (i, word) in greeting.split(", ").enumerate() {{
        println!("{{i}}: {{word}}");
    }}
}}
```

### A quote

> The best way to predict the future is to invent it.
>
> — Alan Kay

---

That's the tour. Ask for anything and I'll answer in **markdown**.
"""

_WORDS = (
    "stream token render terminal widget layout markdown paragraph buffer cursor message bot "
    "reply history points balance model context window latency network socket event chunk "
    "parser table column heading list code block quote emphasis link image reasoning answer "
    "scroll viewport refresh frame budget cache index query session thread style theme"
).split()
_TOPICS = (
    "Streaming", "Rendering", "Persistence", "Networking", "Accounting", "Layout", "Recovery",
    "Search", "Themes", "Shortcuts",
)


def showcase(preview: str) -> str:
    return SHOWCASE.format(preview=preview or "nothing in particular")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 14))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice((".", ".", ".", "!", "?"))


def _block(rng: random.Random, index: int) -> str:
    kind = index % 7
    if kind == 0:
        return f"## Part {index // 7 + 1}: {rng.choice(_TOPICS)}"
    if kind == 3:
        return "\n".join(f"- **{rng.choice(_WORDS)}**: {_sentence(rng)}" for _ in range(3))
    if kind == 5 and index % 2:
        name = rng.choice(_WORDS)
        return f"```python\ndef {name}_{index}(x):\n    return x * {rng.randint(2, 9)}  # {rng.choice(_WORDS)}\n```"
    if kind == 6:
        return "> " + _sentence(rng) + " — naïve café, 日本, ✨"
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))


def long_answer(tokens: int, seed: str) -> str:
    """Markdown of about `tokens` tokens (a block more at most), starting with a title."""
    rng = random.Random(seed)
    blocks = [f"# A long answer ({tokens} tokens requested)"]
    total = count_tokens(blocks[0])
    i = 0
    while total < tokens:
        block = _block(rng, i)
        blocks.append(block)
        total += count_tokens(block)
        i += 1
    return "\n\n".join(blocks) + "\n"
