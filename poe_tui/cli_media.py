"""The command line's share of parameters, attachments and media: `ask -p/-a/--save-media` and
`models BOT`. Everything is checked before a chat request leaves; a refusal is one sentence
naming what is allowed (the CLI exits 8 with it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from poe_tui import attachments, media, params
from poe_tui.client.records import Bot, parse_models


class Refused(ValueError):
    """A parameter, value or file the bot cannot take; nothing was sent."""


def read_files(paths: Sequence[str], max_bytes: int) -> list[attachments.Draft]:
    try:
        return [attachments.read(p, max_bytes) for p in paths]
    except attachments.AttachmentError as exc:
        raise Refused(str(exc)) from None


async def find_bot(store: Any, client: Any, name: str) -> Bot | None:
    """The bot's record from the cached list, else from the service (cached for next time)."""
    lowered = name.lower()

    def pick(bots: list[Bot]) -> Bot | None:
        return next((b for b in bots if lowered in (b.id.lower(), b.display_name.lower())), None)

    found = pick(parse_models(store.cached_bots()[0]))
    if found is None:
        bots = await client.list_models()
        store.cache_bots([b.raw for b in bots])
        found = pick(bots)
    return found


def check(bot: Bot | None, name: str, assignments: Sequence[str], files: Sequence[Any]) -> dict[str, Any]:
    """The checked parameter values for `bot`; raises Refused for a bad name, value or file."""
    if bot is None:
        raise Refused(f"{name} is not in the bot list, so its parameters and inputs cannot be checked.")
    try:
        values = params.parse_assignments(bot, assignments)
        attachments.check(bot.name, bot.input_modalities, files)
    except (params.ParamError, attachments.AttachmentError) as exc:
        raise Refused(str(exc)) from None
    return values


async def save_media(client: Any, text: str, prompt: str, bot: str, folder: str | Path) -> list[Path]:
    """Download every media item of a reply into `folder`; returns the paths written."""
    import asyncio

    saved = []
    for item in media.find(text):
        data, content_type = await client.download(item.url)
        name = media.file_name(prompt, bot, item, content_type)
        saved.append(await asyncio.to_thread(media.save, Path(folder).expanduser(), name, data))
    return saved


def describe(bot: Bot) -> list[str]:
    """`models BOT`: what the bot takes and gives, and its parameters."""
    lines = [bot.display_name]
    if bot.description:
        lines.append(bot.description.strip().splitlines()[0][:200])
    lines.append(f"takes: {', '.join(bot.input_modalities)}; gives: {', '.join(bot.output_modalities)}")
    if bot.context_length:
        lines.append(f"context: {bot.context_length:,} tokens")
    if bot.pricing is not None and bot.pricing.summary():
        lines.append(f"price: {bot.pricing.summary()}")
    described = params.describe(bot)
    lines.append("parameters:" if described else "parameters: none")
    lines.extend(f"  {line}" for line in described)
    return lines
