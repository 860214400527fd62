"""Slash commands typed in the prompt: the table, parsing and completion (no widgets here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SlashCommand:
    name: str
    args: str
    help: str


SLASH_COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("model", "NAME", "talk to another bot from the next message"),
    SlashCommand("new", "", "start a new conversation"),
    SlashCommand("history", "", "browse past conversations"),
    SlashCommand("search", "TEXT", "search every conversation"),
    SlashCommand("system", "TEXT", "set this conversation's system prompt (empty clears it)"),
    SlashCommand("retry", "[BOT]", "ask for the last reply again (from another bot, with BOT); the old one stays"),
    SlashCommand("edit", "[N]", "edit your message N (default: your last) and resend it as a new branch"),
    SlashCommand("compare", "BOT BOT [BOT…]", "send the next message to 2-4 bots at once, side by side"),
    SlashCommand("pick", "N", "continue with reply N of a comparison"),
    SlashCommand("copy", "[N | code [N]]", "copy the last reply, message N, or a code block"),
    SlashCommand("params", "", "the current bot's parameters (reasoning effort, web search…)"),
    SlashCommand("attach", "PATH", "attach a file to the next message (image, PDF, text, audio, video)"),
    SlashCommand("detach", "[N]", "take attachment N (default: all) off the next message"),
    SlashCommand("save", "[DIR]", "save the last reply's images, audio and video (into DIR)"),
    SlashCommand("export", "", "write this conversation to a Markdown file"),
    SlashCommand("usage", "", "where the points went: totals, chart, charges"),
    SlashCommand("theme", "NAME", "switch theme (remembered)"),
    SlashCommand("help", "", "keys and commands"),
)
BY_NAME = {c.name: c for c in SLASH_COMMANDS}


def parse(text: str) -> tuple[str, str] | None:
    """'/model GPT-5' -> ('model', 'GPT-5'); None when the text is not a slash command.

    '//text' escapes: it is a message starting with '/'. An unknown '/word' is still returned
    (the caller says it is unknown) so a typo is not sent to a bot by accident.
    """
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return None
    head, _, rest = stripped[1:].partition(" ")
    if not head or "/" in head or "\n" in head:
        return None  # a path like /usr/bin or a lone slash: a message
    return head.lower(), rest.strip()


def complete(text: str) -> list[SlashCommand]:
    """Commands the text could be the start of (only while the name is being typed)."""
    if not text.startswith("/") or " " in text or "\n" in text or text.startswith("//"):
        return []
    prefix = text[1:].lower()
    return [c for c in SLASH_COMMANDS if c.name.startswith(prefix)]


ARGUMENT_COMPLETED = frozenset({"model", "theme", "retry", "attach", "save"})


def argument(text: str) -> tuple[str, str] | None:
    """('model', 'son') while the argument of /model or /theme is being typed."""
    if not text.startswith("/") or "\n" in text or text.startswith("//"):
        return None
    head, sep, rest = text[1:].partition(" ")
    if not sep or head.lower() not in ARGUMENT_COMPLETED:
        return None
    return head.lower(), rest.lstrip()
