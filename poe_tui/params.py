"""A bot's own parameters: reading values typed by a person, checking them against the bot's
JSON schema before anything is sent, and the short label a reply header shows.

Since April 2026 the service answers 400 to any key a bot does not declare, and to a value
outside its enum; checking here tells the user more (the allowed names or values) and costs
no round trip.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from poe_tui.client.records import Bot, BotParameter

TRUE_WORDS = frozenset({"true", "on", "yes", "1"})
FALSE_WORDS = frozenset({"false", "off", "no", "0"})
# Short names in a reply header ("effort high · web"); a name not here is shown as declared.
SHORT_NAMES = {
    "reasoning_effort": "effort", "output_effort": "effort", "thinking_level": "thinking",
    "thinking_budget": "budget", "web_search": "web", "aspect_ratio": "aspect", "image_size": "size",
    "image_only": "image only", "enable_thinking": "thinking", "max_output_tokens": "max tokens",
}


class ParamError(ValueError):
    """A parameter the bot does not declare, or a value its schema refuses; the message names
    what is allowed."""


def kind(param: BotParameter) -> str:
    """'enum', 'boolean', 'integer', 'number' or 'string': how a form shows it."""
    if isinstance(param.schema.get("enum"), list):
        return "enum"
    declared = param.schema.get("type")
    return declared if declared in ("boolean", "integer", "number") else "string"


def choices(param: BotParameter) -> list[Any]:
    return list(param.schema.get("enum") or [])


def shown(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool) or value is None else str(value)


def _range(param: BotParameter) -> str:
    low, high = param.schema.get("minimum"), param.schema.get("maximum")
    if low is not None and high is not None:
        return f"from {shown(low)} to {shown(high)}"
    if low is not None:
        return f"{shown(low)} or more"
    if high is not None:
        return f"{shown(high)} or less"
    return ""


def allowed(param: BotParameter) -> str:
    """What the parameter takes, in words: 'none, low, medium, high', 'true or false', ..."""
    k = kind(param)
    if k == "enum":
        return ", ".join(shown(v) for v in choices(param))
    if k == "boolean":
        return "true or false"
    if k in ("integer", "number"):
        whole = "a whole number" if k == "integer" else "a number"
        span = _range(param)
        return f"{whole} {span}".strip()
    return "any text"


def _find(bot: Bot, name: str) -> BotParameter:
    for param in bot.parameters:
        if param.name == name:
            return param
    names = ", ".join(p.name for p in bot.parameters)
    if not names:
        raise ParamError(f"{bot.name} takes no parameters.")
    raise ParamError(f"{bot.name} has no parameter '{name}'. Its parameters: {names}.")


def coerce(param: BotParameter, raw: Any, bot: str = "the bot") -> Any:
    """A typed value from what a person typed (or a value already typed): raises ParamError
    naming the allowed values."""
    k = kind(param)
    bad = ParamError(f"{param.name} for {bot} cannot be {shown(raw)!s}: it takes {allowed(param)}.")
    if k == "enum":
        for option in choices(param):
            if raw == option or (isinstance(raw, str) and raw.strip().lower() == shown(option).lower()):
                return option
        raise bad
    if k == "boolean":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise bad
    if k in ("integer", "number"):
        if isinstance(raw, bool):
            raise bad
        try:
            value = float(raw) if not isinstance(raw, (int, float)) else raw
        except (TypeError, ValueError):
            raise bad from None
        if not math.isfinite(value) or (k == "integer" and not float(value).is_integer()):
            raise bad
        if float(value).is_integer():
            value = int(value)  # sent as 2, not 2.0
        low, high = param.schema.get("minimum"), param.schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise bad
        return value
    if not isinstance(raw, str):
        raise bad
    return raw


def check(bot: Bot, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values typed and checked: only names the bot declares, each within its schema."""
    return {name: coerce(_find(bot, name), value, bot.name) for name, value in values.items()}


def parse_assignments(bot: Bot, items: Iterable[str]) -> dict[str, Any]:
    """`NAME=VALUE` strings (the CLI's -p) into checked values."""
    raw: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParamError(f"-p wants NAME=VALUE, not {item!r}.")
        raw[name.strip()] = value.strip()
    return check(bot, raw)


def default(param: BotParameter) -> Any:
    return param.default_value


def non_default(bot: Bot | None, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from the bot's defaults (all of them when the bot is unknown)."""
    if bot is None:
        return dict(values)
    defaults = {p.name: p.default_value for p in bot.parameters}
    return {k: v for k, v in values.items() if k not in defaults or defaults[k] != v}


def label(values: Mapping[str, Any]) -> str:
    """'effort high · web': what a reply header shows of the values it was sent with."""
    bits = []
    for name, value in sorted(values.items(), key=lambda kv: isinstance(kv[1], bool)):  # switches last
        short = SHORT_NAMES.get(name, name.replace("_", " "))
        if value is True:
            bits.append(short)
        elif value is False:
            bits.append(f"no {short}")
        else:
            bits.append(f"{short} {shown(value)}")
    return " · ".join(bits)


def describe(bot: Bot) -> list[str]:
    """Lines for `poe-tui models BOT`: each parameter with what it takes and its default."""
    lines = []
    for param in bot.parameters:
        line = f"{param.name}: {allowed(param)}"
        if param.default_value is not None:
            line += f" (default {shown(param.default_value)})"
        if param.description:
            line += f" - {param.description}"
        lines.append(line)
    return lines
