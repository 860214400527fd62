"""The command line: `poe-tui` opens the app; subcommands serve scripts and quick questions.

Errors go to stderr as one clear sentence with a distinct exit code (see EXIT_CODES), never a
traceback. Heavy modules are imported inside commands so `--help` stays instant.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

from poe_tui import __version__

EXIT_ERROR, EXIT_AUTH, EXIT_NOT_FOUND, EXIT_POINTS = 1, 3, 4, 5
EXIT_NETWORK, EXIT_INTERRUPTED, EXIT_INPUT, EXIT_RATE, EXIT_REFUSED, EXIT_CANCELLED = 6, 7, 8, 9, 10, 130
EXIT_PIPE = 141  # what a shell reports for a writer killed by SIGPIPE
EXIT_CODES = """\b
Exit codes:
  0 ok  1 other error  2 usage  3 missing or rejected API key  4 unknown bot or conversation
  5 out of points  6 network or service failure  7 reply interrupted  8 bad input (prompt, file)
  9 rate limited  10 request refused by the service  130 cancelled (Ctrl-C)"""


class CliError(click.ClickException):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file: Any = None) -> None:
        from poe_tui.textsafe import strip_terminal_controls  # messages may quote the service or the user

        click.echo(f"poe-tui: {strip_terminal_controls(self.format_message())}", err=True)


def _exit_code_for(error: Exception) -> int:
    from poe_tui.client import errors as e

    table: list[tuple[type, int]] = [
        (e.AuthenticationError, EXIT_AUTH),
        (e.NotFoundError, EXIT_NOT_FOUND),
        (e.InsufficientCreditsError, EXIT_POINTS),
        (e.RateLimitError, EXIT_RATE),
        (e.StreamInterrupted, EXIT_INTERRUPTED),
        (e.EmptyReply, EXIT_NETWORK),
        (e.ConnectError, EXIT_NETWORK),
        (e.ServerError, EXIT_NETWORK),
        (e.RequestTimeoutError, EXIT_NETWORK),
        (e.ProtocolError, EXIT_NETWORK),
        (e.StreamError, EXIT_NETWORK),
        (e.BadRequestError, EXIT_REFUSED),
        (e.ModerationError, EXIT_REFUSED),
        (e.RequestTooLargeError, EXIT_REFUSED),
    ]
    return next((code for cls, code in table if isinstance(error, cls)), EXIT_ERROR)


def describe_error(error: Exception) -> str:
    """The service's message plus what to do about it; safe for a terminal."""
    from poe_tui.textsafe import strip_terminal_controls

    message = strip_terminal_controls(getattr(error, "message", None) or str(error) or type(error).__name__)
    hint = getattr(error, "hint", "")
    status = getattr(error, "status", None)
    prefix = f"[{status}] " if status else ""
    return f"{prefix}{message}" + (f" — {hint}" if hint and hint not in message else "")


def _to_cli_error(exc: Exception) -> click.ClickException | None:
    """Classify an expected failure; None for a bug. Only modules already loaded are consulted
    (an error cannot come from a module nobody imported), so startup imports stay lazy."""
    mods = sys.modules
    if "poe_tui.client.errors" in mods and isinstance(exc, mods["poe_tui.client.errors"].PoeError):
        return CliError(describe_error(exc), _exit_code_for(exc))
    if "poe_tui.chat" in mods and isinstance(exc, mods["poe_tui.chat"].ChatInputError):
        return CliError(str(exc), EXIT_INPUT)
    if "poe_tui.config" in mods and isinstance(exc, mods["poe_tui.config"].ConfigError):
        return CliError(str(exc), EXIT_INPUT)
    if "poe_tui.store.errors" in mods:
        errors = mods["poe_tui.store.errors"]
        if isinstance(exc, (errors.UnknownIdError, errors.AmbiguousIdError)):
            return CliError(str(exc.args[0] if exc.args else exc), EXIT_NOT_FOUND)
        if isinstance(exc, errors.CorruptDatabase):
            return CliError(f"{exc}. Run `poe-tui repair` to keep it aside and start a fresh history.", EXIT_ERROR)
        if isinstance(exc, errors.StoreError):
            return CliError(f"history database: {exc}", EXIT_ERROR)
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        return CliError(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), EXIT_INPUT)
    return None


def handled(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into a one-line message and an exit code (POE_TUI_DEBUG=1 re-raises)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import os

        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            raise CliError("cancelled", EXIT_CANCELLED) from None
        except BrokenPipeError:
            # The reader went away (`| head`): not an error worth a message.
            try:
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stop further EPIPE on exit
            except OSError:
                pass
            raise click.exceptions.Exit(EXIT_PIPE) from None
        except Exception as exc:
            error = _to_cli_error(exc)
            if error is not None:
                raise error from None
            if os.environ.get("POE_TUI_DEBUG"):
                raise
            raise CliError(f"internal error ({type(exc).__name__}: {exc}); POE_TUI_DEBUG=1 shows the traceback", EXIT_ERROR) from None

    return wrapper


def clean_arg(text: str) -> str:
    """Command-line text as real Unicode: bytes that were not UTF-8 become U+FFFD."""
    import os

    return os.fsencode(text).decode("utf-8", "replace") if text else text


def _run(coro: Any) -> Any:
    import asyncio  # not at module level: ~60 ms, and the app's first paint comes before it

    return asyncio.run(coro)


def _runtime(ctx: click.Context):
    return ctx.find_root().obj["runtime"]


def _require_key(runtime) -> None:
    if not runtime.demo and not runtime.settings.api_key:
        raise CliError("no API key: run `poe-tui login`, or set POE_API_KEY (or try --demo).", EXIT_AUTH)


def _json_text(data: Any, indent: int | None = 2) -> str:
    """JSON whose text is safe on a terminal: JSON escapes C0 itself; C1 controls and bidi
    overrides are escaped too (same data, `\u0085` instead of the raw character)."""
    from poe_tui.textsafe import escape_unsafe_in_json

    return escape_unsafe_in_json(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def _dump(data: Any) -> None:
    click.echo(_json_text(data))


@click.group(invoke_without_command=True, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--demo", is_flag=True, help="Use the built-in offline Poe emulator and a separate demo history.")
@click.option("--base-url", metavar="URL", help="API base URL (default: $POE_BASE_URL, the config file's base_url, or the Poe API).")
@click.version_option(__version__, prog_name="poe-tui")
@click.pass_context
@handled
def cli(ctx: click.Context, demo: bool, base_url: str | None) -> None:
    """A terminal chat client for Poe: every bot, one key.

    With no command, opens the app.
    """
    from poe_tui.runtime import Runtime

    runtime = Runtime.load(demo=demo, base_url=base_url)
    ctx.obj = {"runtime": runtime}
    ctx.call_on_close(runtime.close)
    if ctx.invoked_subcommand is None:
        from poe_tui.tui.launch import run_app

        run_app(runtime)


# ------------------------------------------------------------------- ask


def _read_stdin(what: str) -> str:
    """Standard input as UTF-8 text, read as bytes: the interpreter's own decoding may smuggle
    invalid bytes through as lone surrogates, which fail much later as an "internal error"."""
    try:
        return sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{what} is not valid UTF-8 text.", EXIT_INPUT) from None


def _read_prompt(prompt: tuple[str, ...]) -> str:
    text = clean_arg(" ".join(prompt))
    if text == "-" or (not text and not sys.stdin.isatty()):
        text = _read_stdin("standard input")
    if not text.strip():
        raise CliError("empty prompt: give the question as arguments, or pipe it on standard input.", EXIT_INPUT)
    return text


@cli.command(epilog=EXIT_CODES)
@click.argument("prompt", nargs=-1)
@click.option("-m", "--model", "bots", metavar="BOT", multiple=True,
              help="Bot to ask (default: the configured default bot, or the conversation's). Give 2-4 to compare: "
                   "they answer at once, each reply is printed under its bot's name when complete, and all are saved as alternatives.")
@click.option("-c", "--continue", "continue_", is_flag=True, help="Continue the latest conversation.")
@click.option("--conversation", "conversation", metavar="ID", help="Continue the conversation with this id (a unique prefix is enough).")
@click.option("--system", metavar="TEXT", help="System prompt for the conversation.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the reply and its metadata.")
@click.option("--reasoning", is_flag=True, help="Also print the bot's reasoning (to stderr).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Give up when nothing arrives for SECONDS: connecting, before the first word, or mid-reply.")
@click.option("-p", "--param", "param_items", metavar="NAME=VALUE", multiple=True,
              help="A parameter the bot declares (see `poe-tui models BOT`), e.g. -p reasoning_effort=high. Repeatable.")
@click.option("-a", "--attach", "attach", metavar="FILE", multiple=True,
              help="Attach a file: an image, PDF, text or code, audio or video, if the bot takes it. Repeatable.")
@click.option("--save-media", "save_media", metavar="DIR", type=click.Path(file_okay=False),
              help="Download every image, audio or video of the reply into DIR and print the saved paths.")
@click.pass_context
@handled
def ask(ctx, prompt, bots, continue_, conversation, system, as_json, reasoning, timeout, param_items, attach, save_media) -> None:
    """Ask a bot once; the reply streams to stdout and both turns are saved.

    PROMPT is read from stdin when it is `-`, or absent and stdin is not a terminal.
    """
    from poe_tui.chat import MAX_COMPARE

    runtime = _runtime(ctx)
    names = list(dict.fromkeys(clean_arg(b) for b in bots))
    if len(names) > MAX_COMPARE:
        raise CliError(f"compare at most {MAX_COMPARE} bots at once.", EXIT_INPUT)
    text = _read_prompt(prompt)
    _require_key(runtime)
    extras = _Extras(param_items, _read_files(runtime, attach), save_media)
    if len(names) > 1:
        code = _run(_ask_compare(runtime, text, names, continue_, conversation, system, as_json, timeout, extras))
    else:
        code = _run(_ask(runtime, text, names[0] if names else None, continue_, conversation, system, as_json, reasoning, timeout, extras))
    if code:
        ctx.exit(code)


@dataclass
class _Extras:
    """`ask`'s parameters (-p), files (-a) and media folder (--save-media)."""

    param_items: tuple[str, ...] = ()
    files: list[Any] = field(default_factory=list)
    save_media: str | None = None

    async def checked(self, store, client, bot: str) -> dict[str, Any]:
        """The values to send to `bot`, all checked with the files before any chat request."""
        from poe_tui import cli_media

        if not self.param_items and not self.files:
            return {}
        try:
            return cli_media.check(await cli_media.find_bot(store, client, bot), bot, self.param_items, self.files)
        except cli_media.Refused as exc:
            raise CliError(str(exc), EXIT_INPUT) from None

    async def save(self, client, message, prompt: str) -> list[str] | None:
        from poe_tui import cli_media

        if not self.save_media or message is None or message.status != "complete":
            return None
        paths = await cli_media.save_media(client, message.content, prompt, message.bot or "bot", self.save_media)
        return [str(p) for p in paths]


def _inputs_of(cached: list[Any]) -> Callable[[str], Any]:
    """A bot's input modalities from the cached list (None when it is not there)."""
    from poe_tui.client import parse_models

    known = {n.lower(): b.input_modalities for b in parse_models(cached) for n in (b.id, b.display_name)}
    return lambda name: known.get(name.lower())


def _read_files(runtime, paths: tuple[str, ...]) -> list[Any]:
    from poe_tui import cli_media

    try:
        return cli_media.read_files(paths, runtime.settings.max_attachment_mb * 1024 * 1024)
    except cli_media.Refused as exc:
        raise CliError(str(exc), EXIT_INPUT) from None


def _resolve_conversation(store, conversation: str | None, continue_: bool) -> str | None:
    """The conversation to continue: by id (prefix), the latest, or None for a new one."""
    if conversation:
        return store.resolve_conversation_id(clean_arg(conversation))
    if continue_:
        conv_id = store.latest_conversation_id()
        if conv_id is None:
            raise CliError("there is no conversation to continue yet.", EXIT_NOT_FOUND)
        return conv_id
    return None


async def _ask(runtime, text, bot, continue_, conversation, system, as_json, show_reasoning, timeout=None,
               extras: _Extras | None = None) -> int:
    from poe_tui.chat import ChatSession
    from poe_tui.client import parse_models

    store = runtime.open_store()
    conv_id = _resolve_conversation(store, conversation, continue_)
    outcome = _Outcome()
    async with runtime.make_client(wait=timeout) as client:
        cached = store.cached_bots()[0]
        client.know_bots(parse_models(cached))  # media and reasoning bots get the longer first wait
        session = ChatSession(
            store,
            client,
            bot=bot or runtime.settings.default_bot,
            conversation_id=conv_id,
            known_bots=lambda: [b.get("metadata", {}).get("display_name") or b.get("id") for b in cached if isinstance(b, dict)],
            bot_inputs=_inputs_of(cached),
        )
        try:
            extras = extras or _Extras()
            if conv_id and not bot:
                await session.open(conv_id)
            values = await extras.checked(store, client, session.bot)
            if system:
                await session.set_system_prompt(system)
            cancelled = await _print_events(session.send(text, params=values, files=extras.files), outcome, as_json, show_reasoning)
            if not cancelled:
                outcome.media = await extras.save(client, outcome.message, text)
                if outcome.media and not as_json:
                    click.echo("\n".join(outcome.media))
        finally:
            if conv_id is None:
                _drop_if_empty(store, session.conversation_id)
    if cancelled:
        click.echo("poe-tui: cancelled; the partial reply is saved.", err=True)
        return EXIT_CANCELLED
    return _report(outcome, as_json)


async def _ask_compare(runtime, text, bots, continue_, conversation, system, as_json, timeout=None,
                       extras: _Extras | None = None) -> int:
    """Several bots at once: each reply is printed under its bot's name once complete (or as one
    JSON line); all are saved as alternatives to each other. Exit 0 when every one completed."""
    import asyncio

    from poe_tui.chat import BalanceUpdated, ChatSession, Column, ReplyFailed, ReplyFinished
    from poe_tui.client import parse_models
    from poe_tui.textsafe import one_line

    store = runtime.open_store()
    conv_id = _resolve_conversation(store, conversation, continue_)
    ends: list[Any] = []
    balance = None
    async with runtime.make_client(wait=timeout) as client:
        client.know_bots(parse_models(store.cached_bots()[0]))
        session = ChatSession(store, client, bot=bots[0], conversation_id=conv_id)
        try:
            extras = extras or _Extras()
            if conv_id:
                await session.open(conv_id)
            values = [await extras.checked(store, client, b) for b in bots][0]  # each bot must take them
            if system:
                await session.set_system_prompt(system)
            async for event in session.compare(text, bots, params=values, files=extras.files):
                if isinstance(event, Column) and isinstance(event.event, (ReplyFinished, ReplyFailed)):
                    ends.append(event.event)
                    _print_column(event.bot, event.event, as_json)
                elif isinstance(event, BalanceUpdated):
                    balance = event
        except asyncio.CancelledError:
            click.echo("poe-tui: cancelled; the partial replies are saved.", err=True)
            return EXIT_CANCELLED
        finally:
            if conv_id is None:
                _drop_if_empty(store, session.conversation_id)
    if balance is not None and balance.cost is not None and not as_json:
        click.echo(f"poe-tui: the comparison cost {balance.cost:,} points; {balance.points:,} left.", err=True)
    failed = [e for e in ends if isinstance(e, ReplyFailed)]
    for end in failed:
        detail = describe_error(end.error) if end.error is not None else "interrupted"
        click.echo(f"poe-tui: {one_line(end.message.bot or '?', 60)}: {detail}", err=True)
    if not failed:
        return 0
    return _exit_code_for(failed[0].error) if failed[0].error is not None else EXIT_INTERRUPTED


def _print_column(bot: str, end: Any, as_json: bool) -> None:
    from poe_tui.textsafe import StreamSanitizer, one_line

    message = end.message
    if as_json:
        click.echo(_json_text({  # one line each: JSON lines, in the order the replies completed
            "bot": message.bot, "message_id": message.id, "conversation_id": message.conversation_id,
            "status": message.status, "content": message.content, "error": message.error,
            "usage": {"completion_tokens": message.completion_tokens, "total_tokens": message.total_tokens},
        }, indent=None))
        return
    out = StreamSanitizer()
    body = out.feed(message.content) + out.flush()
    sys.stdout.write(f"── {one_line(bot, 60)} ──\n{body}{'' if body.endswith(chr(10)) else chr(10)}\n")
    sys.stdout.flush()


def _drop_if_empty(store, conversation_id: str | None) -> None:
    """A failed ask leaves no empty conversation behind (best effort: the disk may be full)."""
    from poe_tui.store import StoreError

    if conversation_id is None:
        return
    try:
        if store.last_message(conversation_id) is None:
            store.delete_conversation(conversation_id)
    except StoreError:
        pass


class _Outcome:
    """What the events said about the reply, for the JSON or the exit code."""

    message: Any = None
    error: Exception | None = None
    suggestions: tuple[str, ...] = ()
    balance: int | None = None
    save_error: Any = None
    saved_chars: int | None = None
    media: list[str] | None = None  # paths --save-media wrote


async def _print_events(events, outcome: _Outcome, as_json: bool, show_reasoning: bool) -> bool:
    """Stream the reply to stdout (terminal-safe) and note how it ended; True if cancelled."""
    import asyncio
    import signal
    from contextlib import aclosing

    from poe_tui.chat import BalanceUpdated, ReplyFailed, ReplyFinished, Retrying
    from poe_tui.client import ReasoningDelta, TextDelta
    from poe_tui.textsafe import StreamSanitizer, strip_terminal_controls

    out = StreamSanitizer()
    ended_with_newline = True
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    except (NotImplementedError, RuntimeError, ValueError):
        pass

    def write(chunk: str) -> None:
        nonlocal ended_with_newline
        if chunk and not as_json:
            sys.stdout.write(chunk)
            sys.stdout.flush()
            ended_with_newline = chunk.endswith("\n")

    try:
        async with aclosing(events) as stream:
            async for event in stream:
                if isinstance(event, TextDelta):
                    write(out.feed(event.text))
                elif isinstance(event, ReasoningDelta) and show_reasoning:
                    sys.stderr.write(strip_terminal_controls(event.text))
                    sys.stderr.flush()
                elif isinstance(event, Retrying):
                    click.echo(f"poe-tui: {describe_error(event.error)}; retrying in {event.delay:.1f} s", err=True)
                elif isinstance(event, (ReplyFinished, ReplyFailed)):
                    outcome.message = event.message
                    outcome.error = getattr(event, "error", None)
                    outcome.suggestions = getattr(event, "suggestions", ())
                    outcome.save_error = getattr(event, "save_error", None)
                    outcome.saved_chars = getattr(event, "saved_chars", None)
                    if _nothing_to_charge(event):
                        break  # no balance read after a reply that never came: exit now
                elif isinstance(event, BalanceUpdated):
                    outcome.balance = event.points
                    if getattr(event, "message", None) is not None:
                        outcome.message = event.message  # the reply with its cost
    except asyncio.CancelledError:
        if not ended_with_newline and not as_json:
            sys.stdout.write("\n")
        return True
    finally:
        try:
            loop.remove_signal_handler(signal.SIGTERM)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    write(out.flush())
    if not ended_with_newline and not as_json:
        sys.stdout.write("\n")
    return False


def _nothing_to_charge(event: Any) -> bool:
    """A reply that failed before any text (nothing arrived, unreachable): the balance read that
    would follow can only add a wait. Out of points still shows the balance."""
    from poe_tui.client import InsufficientCreditsError

    error = getattr(event, "error", None)
    return error is not None and not event.message.content and not isinstance(error, InsufficientCreditsError)


def _report(outcome: _Outcome, as_json: bool) -> int:
    """The reply's metadata as JSON, and what went wrong on stderr; returns the exit code."""
    from poe_tui.textsafe import one_line

    message = outcome.message
    if message is None:  # the session ended without saying how: treat it as cut off
        click.echo("poe-tui: the reply was interrupted.", err=True)
        return EXIT_INTERRUPTED
    if as_json:
        _dump(
            {
                "conversation_id": message.conversation_id,
                "message_id": message.id,
                "bot": message.bot,
                "status": message.status,
                "content": message.content,
                "reasoning": message.reasoning,
                "finish_reason": message.finish_reason,
                "error": message.error,
                "usage": {
                    "prompt_tokens": message.prompt_tokens,
                    "completion_tokens": message.completion_tokens,
                    "total_tokens": message.total_tokens,
                },
                "points": message.points,
                "balance": outcome.balance,
                "saved_chars": outcome.saved_chars if outcome.save_error else len(message.content),
                **({"media": outcome.media} if outcome.media is not None else {}),
            }
        )
    if outcome.save_error:
        click.echo(f"poe-tui: {_unsaved_notice(outcome.save_error, outcome.saved_chars or 0)}", err=True)
    error = outcome.error
    if message.status == "complete":
        return EXIT_ERROR if outcome.save_error else 0
    if error is None:
        click.echo("poe-tui: the reply was interrupted; what arrived is saved.", err=True)
        return EXIT_INTERRUPTED
    text = describe_error(error)
    if outcome.suggestions:
        text += f" Did you mean: {', '.join(one_line(s, 60) for s in outcome.suggestions)}?"
    if _exit_code_for(error) == EXIT_POINTS and outcome.balance is not None:
        text += f" Balance: {outcome.balance:,} points."
    if message.content and not outcome.save_error:
        text += " (the partial reply is saved)"
    click.echo(f"poe-tui: {text}", err=True)
    return _exit_code_for(error)


def _unsaved_notice(save_error: Any, saved_chars: int) -> str:
    """Exactly what reached the disk, when not all of the reply did."""
    from poe_tui.textsafe import one_line

    reason = one_line(str(save_error))
    if "disk is full" in reason:
        return f"the disk is full: the reply is shown but only {saved_chars:,} characters are saved."
    return f"the reply is shown but only {saved_chars:,} characters are saved ({reason})."


# -------------------------------------------------------------- account


@cli.command(epilog=EXIT_CODES)
@click.argument("bot_name", metavar="[BOT]", required=False)
@click.option("--search", metavar="TEXT", help="Only bots whose name or description contains TEXT.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handled
def models(ctx, bot_name, search, as_json) -> None:
    """List the bots the API offers (vision, reasoning, context, price); with BOT, what that bot
    takes and gives and the parameters it declares (for `ask -p`)."""
    from poe_tui.client import Bot, PoeError, parse_models
    from poe_tui.textsafe import one_line

    runtime = _runtime(ctx)
    store = runtime.open_store()

    async def fetch() -> list[Bot]:
        async with runtime.make_client() as client:
            return await client.list_models()

    try:
        bots = _run(fetch())
        store.cache_bots([b.raw for b in bots])
    except PoeError as exc:
        cached, _ = store.cached_bots()
        if not cached:
            raise
        click.echo(f"poe-tui: {describe_error(exc)}; showing the cached list.", err=True)
        bots = parse_models(cached)
    if bot_name:
        _describe_bot(bots, clean_arg(bot_name), as_json)
        return
    if search:
        needle = search.lower()
        bots = [b for b in bots if needle in b.id.lower() or needle in b.display_name.lower() or needle in b.description.lower()]
    if as_json:
        _dump([b.raw or {"id": b.id} for b in bots])
        return
    for b in bots:
        flags = ("V" if b.vision else "-") + ("R" if b.reasons else "-")
        ctxlen = f"{b.context_length // 1000}k" if b.context_length else "-"
        price = b.pricing.summary() if b.pricing else ""
        click.echo(f"{one_line(b.display_name, 40):40} {flags} {ctxlen:>6}  {price}")
    if not bots:
        click.echo("poe-tui: no bot matches.", err=True)


def _describe_bot(bots: list[Any], name: str, as_json: bool) -> None:
    from poe_tui import cli_media
    from poe_tui.chat import suggest_bots
    from poe_tui.textsafe import strip_terminal_controls

    lowered = name.lower()
    bot = next((b for b in bots if lowered in (b.id.lower(), b.display_name.lower())), None)
    if bot is None:
        close = suggest_bots(name, [b.display_name for b in bots])
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise CliError(f"no bot named {name!r}.{hint}", EXIT_NOT_FOUND)
    if as_json:
        _dump(bot.raw or {"id": bot.id})
        return
    for line in cli_media.describe(bot):
        click.echo(strip_terminal_controls(line))


@cli.command(epilog=EXIT_CODES)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handled
def balance(ctx, as_json) -> None:
    """Show the account's point balance."""
    runtime = _runtime(ctx)
    _require_key(runtime)

    async def fetch():
        async with runtime.make_client() as client:
            return await client.balance()

    result = _run(fetch())
    runtime.open_store().cache_balance(result.points)
    if as_json:
        _dump({"current_point_balance": result.points})
    else:
        click.echo(f"{result.points:,} points")


@cli.command(epilog=EXIT_CODES)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="How many entries (without --by).")
@click.option("--by", type=click.Choice(["day", "bot", "conversation"]), help="Totals from the local ledger, after a refresh.")
@click.option("--since", metavar="DATE", help="Only charges from this day on (YYYY-MM-DD, local time); with --by.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.pass_context
@handled
def usage(ctx, limit, by, since, as_json, as_csv) -> None:
    """Show the points history (newest first, last 30 days), or totals by day, bot or conversation.

    With --by, the history is first fetched into the local ledger (which keeps every charge past
    the service's 30 days), and the totals come from there."""
    import datetime as dt

    from poe_tui.textsafe import one_line

    if as_json and as_csv:
        raise CliError("choose one of --json and --csv.", EXIT_INPUT)
    if since is not None and by is None:
        raise CliError("--since goes with --by (day, bot or conversation).", EXIT_INPUT)
    runtime = _runtime(ctx)
    _require_key(runtime)
    if by is not None:
        _usage_totals(runtime, by, _since(since), as_json, as_csv)
        return

    async def fetch():
        async with runtime.make_client() as client:
            return [e async for e in client.iter_points_history(total=limit)]

    entries = _run(fetch())
    if as_json:
        _dump([_asdict(e) for e in entries])
        return
    if as_csv:
        _csv(["time", "bot", "points", "usage_type", "query_id"],
             [[_iso(e.creation_time_us / 1e6), e.bot_name, e.cost_points, e.usage_type, e.query_id] for e in entries])
        return
    for e in entries:
        when = dt.datetime.fromtimestamp(e.creation_time_us / 1e6).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{when}  {one_line(e.bot_name, 30):30} {e.cost_points:>8,} pts  {one_line(e.usage_type, 30)}")
    if not entries:
        click.echo("No usage in the last 30 days.")


def _since(text: str | None) -> float | None:
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(clean_arg(text).strip()), dt.time()).timestamp()
    except ValueError:
        raise CliError(f"--since wants a date like 2026-11-30, not {clean_arg(text)!r}.", EXIT_INPUT) from None


def _iso(ts: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ts).isoformat(timespec="seconds")


def _csv(header: list[str], rows: list[list[Any]]) -> None:
    """Bot names and titles come from elsewhere: no control character reaches the terminal."""
    import csv

    from poe_tui.textsafe import strip_terminal_controls

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([strip_terminal_controls(c, keep_newlines=False) if isinstance(c, str) else c for c in row]
                     for row in rows)


def _usage_totals(runtime, by: str, since: float | None, as_json: bool, as_csv: bool) -> None:
    """Refresh the ledger (a failure is said, and the totals come from what it holds), then print."""
    from poe_tui.client import PoeError
    from poe_tui.spending import refresh_ledger
    from poe_tui.store.asyncstore import AsyncStore
    from poe_tui.textsafe import one_line

    store = runtime.open_store()

    async def refresh():
        async with runtime.make_client() as client:
            return await refresh_ledger(client, AsyncStore(store))

    try:
        _run(refresh())
    except PoeError as exc:
        if not store.ledger_count():
            raise
        click.echo(f"poe-tui: could not refresh the ledger ({exc.message}); these totals are from the last refresh.", err=True)
    rows = store.ledger_by(by, since)
    total = sum(r.points for r in rows) or 1
    head = {"day": ["day"], "bot": ["bot"], "conversation": ["conversation_id", "title"]}[by]
    table = [
        [r.key] + ([r.label] if by == "conversation" else []) + [r.points, r.charges, round(100 * r.points / total, 1)]
        for r in rows
    ]
    header = head + ["points", "charges", "share"]
    if as_json:
        _dump([dict(zip(header, row)) for row in table])
    elif as_csv:
        _csv(header, table)
    elif not rows:
        click.echo("No charges in the ledger" + (" since then." if since else " yet."))
    else:
        for r in rows:
            name = r.key if by != "conversation" else (f"{r.key[:8]}  {r.label}" if r.key else "(not from this app)")
            click.echo(f"{one_line(name or '', 50):50} {r.points:>9,} pts  {r.charges:>5} charges  {100 * r.points / total:5.1f}%")
        click.echo(f"{'total':50} {sum(r.points for r in rows):>9,} pts  {sum(r.charges for r in rows):>5} charges")


def _asdict(obj: Any) -> dict[str, Any]:
    import dataclasses

    return dataclasses.asdict(obj)


# -------------------------------------------------------------- history


@cli.command(epilog=EXIT_CODES)
@click.option("--search", "query", metavar="QUERY", help="Full-text search over every message and title.")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@click.option("--archived", is_flag=True, help="List archived conversations.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handled
def history(ctx, query, limit, archived, as_json) -> None:
    """List conversations, newest first, or search them."""
    import datetime as dt

    from poe_tui.textsafe import one_line, strip_terminal_controls

    store = _runtime(ctx).open_store()
    if query is not None:
        query = clean_arg(query)
        if not query.strip():
            raise CliError("empty search query.", EXIT_INPUT)
        hits = store.search(query, limit=limit)
        if as_json:
            _dump([_asdict(h) for h in hits])
            return
        tty = sys.stdout.isatty()
        flat = functools.partial(strip_terminal_controls, keep_newlines=False)
        shown: str | None = None
        for h in hits:
            if h.conversation_id != shown:
                shown = h.conversation_id
                click.echo(f"{one_line(h.conversation_id)}  {one_line(h.conversation_title or '(untitled)', 60)}")
            if h.message_id is None:
                continue  # the title line above already shows it
            snippet = "".join(
                (click.style(flat(t), bold=True, fg="yellow") if tty else f"«{flat(t)}»") if hl else flat(t)
                for t, hl in h.parts()
            )
            who = "you" if h.role == "user" else one_line(h.bot or h.role or "?", 24)
            click.echo(f"    {who}: {' '.join(snippet.split(' '))}")
        if not hits:
            click.echo("No matches.", err=True)
        return
    rows = store.list_conversations(limit=limit, archived_only=archived)
    if as_json:
        _dump([_asdict(r) for r in rows])
        return
    for r in rows:
        when = dt.datetime.fromtimestamp(r.updated_at).strftime("%Y-%m-%d %H:%M")
        pin = "*" if r.pinned else " "
        click.echo(f"{one_line(r.id)} {pin} {when}  {one_line(r.shown_bot or '-', 24):24} {one_line(r.title or '(untitled)', 60)}")
    if not rows:
        click.echo("No conversations yet.", err=True)


@cli.command(name="export", epilog=EXIT_CODES)
@click.argument("conversation_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE instead of stdout.")
@click.pass_context
@handled
def export_cmd(ctx, conversation_id, fmt, output) -> None:
    """Export a conversation as Markdown or JSON (JSON round-trips through `import`)."""
    from poe_tui import export

    store = _runtime(ctx).open_store()
    conv_id = store.resolve_conversation_id(clean_arg(conversation_id))
    # Both forms are terminal-safe as made: Markdown without control characters, JSON with them escaped.
    text = export.to_markdown(store, conv_id) if fmt == "md" else _json_text(export.to_json(store, conv_id))
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text)


@cli.command(name="import", epilog=EXIT_CODES)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
@handled
def import_cmd(ctx, file) -> None:
    """Import a conversation exported with `poe-tui export --format json`."""
    from poe_tui import export

    store = _runtime(ctx).open_store()
    try:
        raw = _read_stdin("standard input") if file == "-" else open(file, encoding="utf-8").read()
    except UnicodeDecodeError:
        raise CliError(f"{file} is not UTF-8 text.", EXIT_INPUT) from None
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror}", EXIT_INPUT) from None
    try:
        conv_id = export.from_json_text(store, raw)
    except export.ImportFormatError as exc:
        raise CliError(f"{file}: {exc}", EXIT_INPUT) from None
    click.echo(conv_id)  # ours: fresh or validated by the import


@cli.command(epilog=EXIT_CODES)
@click.pass_context
@handled
def repair(ctx) -> None:
    """Check the history database; a damaged one is kept aside (as history.db.corrupt-<time>)
    and a fresh, empty history starts. Nothing is deleted."""
    from poe_tui.store import CorruptDatabase, move_aside
    from poe_tui.textsafe import one_line

    runtime = _runtime(ctx)
    try:
        with runtime.open_store() as store:
            store.check()
    except CorruptDatabase as exc:
        kept = move_aside(exc.path)
        runtime.open_store().close()
        click.echo(f"The history database was damaged ({one_line(exc.detail, 200)}).")
        click.echo(f"Kept it as {kept}; a fresh history starts at {exc.path}.")
        return
    click.echo(f"The history database is fine: {runtime.db_path}")


# ------------------------------------------------------------- login


@cli.command(epilog=EXIT_CODES)
@click.pass_context
@handled
def login(ctx) -> None:
    """Store an API key (checked against the service first) in the config file, mode 0600."""
    from poe_tui import config
    from poe_tui.client import AuthenticationError

    runtime = _runtime(ctx)
    if runtime.demo:
        raise CliError("the demo needs no key.", EXIT_INPUT)
    if sys.stdin.isatty():
        key = click.prompt("Poe API key (from poe.com/api_key)", hide_input=True, err=True)
    else:
        key = sys.stdin.readline()
    key = key.strip()
    if not key:
        raise CliError("no key given.", EXIT_INPUT)
    from poe_tui.client.http import key_is_well_formed

    if not key_is_well_formed(key):
        raise CliError("that is not an API key: it has spaces, control or non-ASCII characters. Nothing was saved.", EXIT_INPUT)

    async def check():
        async with runtime.make_client(api_key=key) as client:
            return await client.balance(retry=False)

    try:
        result = _run(check())
    except AuthenticationError:
        raise CliError("the service rejected that key; nothing was saved. Check it at poe.com/api_key.", EXIT_AUTH) from None
    path = config.save_api_key(key)
    runtime.open_store().cache_balance(result.points)
    click.echo(f"Logged in: {result.points:,} points. Key saved to {path} (mode 0600).")


@cli.command(epilog=EXIT_CODES)
@handled
def logout() -> None:
    """Remove the stored API key."""
    import os

    from poe_tui import config

    removed = config.remove_api_key()
    click.echo("Key removed." if removed else "No stored key.")
    if os.environ.get("POE_API_KEY"):
        click.echo("Note: POE_API_KEY is still set in the environment.", err=True)


# ---------------------------------------------------------- emulator


@cli.command(epilog=EXIT_CODES)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--key", "keys", multiple=True, metavar="KEY", help="Accept this API key (repeatable); default: the emulator's demo key.")
@click.option("--tokens-per-second", type=click.FloatRange(min=0, min_open=True), default=None, help="Stream at this pace (default: as fast as possible).")
@click.option("--history", type=click.IntRange(0, 100000), default=0, show_default=True,
              help="Start with this many past charges over the last 30 days (a realistic month for `usage`).")
@handled
def emulator(host, port, keys, tokens_per_second, history) -> None:
    """Serve the offline Poe emulator (any OpenAI-compatible client can use it)."""
    from poe_tui.emulator.server import serve

    serve(host=host, port=port, keys=list(keys) or None, tokens_per_second=tokens_per_second, history=history)


def main() -> None:
    cli(prog_name="poe-tui")
