"""The bot list: the real April 2026 `/v1/models` body (trimmed) plus the demo bots, and lookups.

Lookup is case-insensitive on id and display name, as the service is; the app still echoes
the string the client sent. Loaded once per process and kept as ready-to-send bytes.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

DEMO_OWNER = "poe-tui demo"
DEMO_BOTS = ("Demo-Markdown", "Demo-Echo", "Demo-Reasoner", "Demo-Long", "Demo-Image")


@dataclass(frozen=True)
class BotInfo:
    """One model entry, with the few derived facts the emulator needs."""

    raw: dict[str, Any]

    @property
    def id(self) -> str:
        return self.raw["id"]

    @property
    def display_name(self) -> str:
        meta = self.raw.get("metadata") or {}
        return meta.get("display_name") or self.id

    @property
    def is_demo(self) -> bool:
        return self.raw.get("owned_by") == DEMO_OWNER

    @property
    def output_modalities(self) -> list[str]:
        return list((self.raw.get("architecture") or {}).get("output_modalities") or ["text"])

    @property
    def media_kind(self) -> str | None:
        """'image', 'video' or 'audio' for a bot that answers with media rather than text."""
        outputs = self.output_modalities
        if "text" in outputs:
            return None
        return next((k for k in ("image", "video", "audio") if k in outputs), None)

    @property
    def reasons(self) -> bool:
        return self.raw.get("reasoning") is not None

    @property
    def supports_tools(self) -> bool:
        return "tools" in (self.raw.get("supported_features") or [])

    @property
    def parameters(self) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in self.raw.get("parameters") or [] if isinstance(p, dict) and "name" in p}

    @property
    def pricing(self) -> dict[str, Any] | None:
        return self.raw.get("pricing")

    def names(self) -> set[str]:
        return {self.id.lower(), self.display_name.lower()}


class Catalog:
    """All bots, indexed by lowercase id and display name."""

    def __init__(self, body: dict[str, Any], body_bytes: bytes | None = None) -> None:
        self.bots = [BotInfo(m) for m in body["data"]]
        self._index: dict[str, BotInfo] = {}
        for bot in self.bots:
            for name in bot.names():
                self._index.setdefault(name, bot)
        self.body_bytes = body_bytes or json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def lookup(self, name: str) -> BotInfo | None:
        return self._index.get(name.strip().lower())

    def close_names(self, name: str, n: int = 3) -> list[str]:
        matches = difflib.get_close_matches(name.lower(), list(self._index), n=n * 2, cutoff=0.6)
        out: list[str] = []
        for m in matches:
            display = self._index[m].display_name
            if display not in out:
                out.append(display)
        return out[:n]


@functools.lru_cache(maxsize=1)
def catalog() -> Catalog:
    raw = resources.files(__package__).joinpath("data/models.json").read_bytes()
    return Catalog(json.loads(raw), raw.strip())
