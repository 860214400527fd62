"""The App: startup order, screens, key bindings (each with an id), commands and themes.

Nothing slow happens before the first frame: the store is opened, the demo emulator started and
the client built in a worker right after the first paint; the bot list is shown from the cache
and refreshed in the background.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from poe_tui import config
from poe_tui.service import PoeService
from poe_tui.tui import keys
from poe_tui.tui.clipboard import Clipboard, NativeBackend, OSC52Backend
from poe_tui.tui.screens.chat import ChatScreen
from poe_tui.tui.themes import PACKAGE_THEMES, load_themes

if TYPE_CHECKING:
    from poe_tui.chat import ChatSession
    from poe_tui.client import Bot
    from poe_tui.runtime import Runtime
    from poe_tui.service import Startup
    from poe_tui.store import Store


class PoeCommands(Provider):
    """Every keyboard action, every theme, in the command palette."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app = self.app
        assert isinstance(app, PoeApp)
        out: list[tuple[str, str, Callable[[], Any]]] = []
        from textual.command import CommandPalette

        under = [s for s in app.screen_stack if not isinstance(s, CommandPalette)]
        on_chat = bool(under) and under[-1] is app.chat_screen  # chat actions would act unseen
        for key, shown in keys.current_keys(app.keymap):
            if not key.palette or (key.scope == "chat" and not on_chat):
                continue
            namespace = app.chat_screen if key.scope == "chat" else app
            out.append((key.description, f"{shown}  ({key.id})", partial(app.run_action, key.action, namespace)))
        out.append(("Enter an API key", "log in with a Poe API key", app.action_login))
        for name in sorted(app.available_themes):
            out.append((f"Theme: {name}", "switch theme (remembered)", partial(app.set_theme, name)))
        return out

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def _freeze_startup_objects() -> None:
    """Everything built so far lives as long as the app: move it out of the collector's way, so
    a full collection while a reply streams walks only what came after (~40 ms -> a few)."""
    import gc

    gc.collect()
    gc.freeze()


class PoeApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "poe-tui"
    BINDINGS = keys.bindings("app")
    COMMANDS = App.COMMANDS | {PoeCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        runtime: Runtime,
        *,
        clipboard: Clipboard | None = None,
        open_store: Callable[[], Store] | None = None,
        first_frame: Callable[[], None] | None = None,
        remember_theme: bool = True,
    ) -> None:
        super().__init__()
        self.runtime = runtime
        self.service = PoeService(runtime, open_store)
        self.copier = clipboard or Clipboard([OSC52Backend(self.copy_to_clipboard), NativeBackend()])
        self._first_frame = first_frame
        self._remember_theme = remember_theme
        self.ready = False  # store open and (if there is a key) the session built
        # Ids are checked after the first frame (that needs every screen's bindings imported).
        self.keymap = {i: k for i, k in runtime.settings.keys.items() if isinstance(k, str) and k.strip()}
        self._startup_notes: list[tuple[str, str]] = []
        self.chat_screen = ChatScreen(bot=runtime.settings.default_bot)
        self._load_themes()

    @property
    def session(self) -> ChatSession | None:
        return self.service.session

    @property
    def bots(self) -> list[Bot]:
        return self.service.bots

    # ------------------------------------------------------------ themes

    def _load_themes(self) -> None:
        themes, problems = load_themes(PACKAGE_THEMES, config.user_themes_dir())
        for theme in themes:
            self.register_theme(theme)
        for problem in problems:
            self._startup_notes.append((f"Theme skipped: {problem}", "warning"))
        wanted = self.runtime.settings.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self._startup_notes.append((f"Unknown theme {wanted!r}; using {config.DEFAULT_THEME}.", "warning"))
            self.theme = config.DEFAULT_THEME if config.DEFAULT_THEME in self.available_themes else "textual-dark"

    def set_theme(self, name: str) -> bool:
        if name not in self.available_themes:
            return False
        self.theme = name
        return True

    def _theme_changed(self, theme: Any) -> None:
        if not self._remember_theme or not self.ready:
            return
        try:
            config.update_file(theme=theme.name)
        except (config.ConfigError, OSError) as exc:
            self.notice(f"Could not remember the theme: {exc}", severity="warning")

    # ------------------------------------------------------------ startup

    def get_default_screen(self) -> ChatScreen:
        return self.chat_screen

    def on_mount(self) -> None:
        self._mounted_at = time.time()
        self.set_keymap(self.keymap)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for text, severity in self._startup_notes:
            self.notice(text, severity=severity)
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        if self._first_frame is not None:
            self._first_frame()
        self.boot()
        self.check_keymap()

    @work(thread=True, group="keymap")
    def check_keymap(self) -> None:
        _, problems = keys.check_keymap(self.runtime.settings.keys, {i for i, _, _ in self.other_bindings()})
        for problem in problems:
            self.call_from_thread(self.notice, f"[keys] {problem} (see F1 for the ids)", severity="warning")

    @staticmethod
    def other_bindings() -> list[tuple[str, str, str]]:
        """The bindings that screens and widgets declare themselves, for help and the keymap."""
        from poe_tui.tui.screens.confirm import ConfirmScreen
        from poe_tui.tui.screens.file_picker import FilePickerScreen
        from poe_tui.tui.screens.help import HelpScreen
        from poe_tui.tui.screens.history import HistoryScreen
        from poe_tui.tui.screens.login import LoginScreen
        from poe_tui.tui.screens.params import ParamsScreen
        from poe_tui.tui.screens.rename import RenameScreen
        from poe_tui.tui.screens.usage import UsageScreen
        from poe_tui.tui.widgets.model_picker import ModelPicker

        return keys.other_bindings([
            ("Bot list", ModelPicker), ("History", HistoryScreen), ("Rename", RenameScreen),
            ("Login", LoginScreen), ("Question", ConfirmScreen), ("Help", HelpScreen), ("Usage", UsageScreen),
            ("Parameters", ParamsScreen), ("Attach", FilePickerScreen),
        ])

    @work(exclusive=True, group="boot")
    async def boot(self) -> None:
        """Open the store (and, for the demo, start the emulator) off the event loop."""
        import poe_tui.tui.widgets.model_picker  # noqa: F401  (off the first frame's path)

        from poe_tui.service import CorruptDatabase

        try:
            start = await self.service.start()
        except CorruptDatabase as exc:
            self.chat_screen.bar.status = "history damaged"
            self._offer_fresh_history(exc)
            return
        except Exception as exc:  # StoreError, OSError: the app stays up and says why
            self.chat_screen.bar.status = "history unavailable"
            self.notice(f"Cannot open the history: {exc}", title="History unavailable", severity="error", timeout=30)
            return
        self._store_ready(start)

    def _offer_fresh_history(self, damage: Any) -> None:
        """A damaged file is never written into: offer to keep it aside and start afresh."""
        from poe_tui.tui.screens.confirm import ConfirmScreen

        question = (
            f"The history database is damaged:\n{damage}\n\n"
            "Keep it aside (renamed, nothing deleted) and start a fresh history?"
        )

        async def answered(yes: bool | None) -> None:
            if not yes:
                self.notice("The history stays closed: nothing will be saved until it is repaired or set aside.", severity="warning", timeout=15)
                return
            try:
                kept = await self.service.set_aside_history(damage)
            except OSError as exc:
                self.notice(f"Could not set the damaged file aside: {exc}", severity="error", timeout=30)
                return
            self.notice(f"The damaged history is kept as {kept}.", title="Fresh history", timeout=10)
            self.boot()

        self.push_screen(ConfirmScreen(question, yes="Set aside", no="Leave it"), answered)

    def _store_ready(self, start: Startup) -> None:
        self.chat_screen.show_catalog(start.bots, start.recents, start.favourites)
        self.chat_screen.show_balance(start.balance, None)
        if self.service.has_key:
            self.start_session()
        else:
            self.ready = True
            self.chat_screen.bar.status = "no API key"
            self.action_login(first_run=True)
        self.call_after_refresh(_freeze_startup_objects)

    def start_session(self) -> None:
        """Build the client and the chat session (again, after a new key); refresh in background."""
        self.service.start_session(self.chat_screen.bot)
        self.ready = True
        self.chat_screen.session_started()
        self.refresh_catalog()
        self.refresh_balance()

    @work(exclusive=True, group="models")
    async def refresh_catalog(self) -> None:
        from poe_tui.service import PoeError

        if self.service.client is None:
            return
        had = bool(self.service.bots)
        try:
            bots = await self.service.refresh_catalog()
        except PoeError as exc:
            if not had:
                self.notice(f"Could not load the bot list: {exc.message}", title="Bots", severity="warning")
            return
        self.chat_screen.show_catalog(bots, None, None)

    @work(exclusive=True, group="balance")
    async def refresh_balance(self) -> None:
        from poe_tui.service import ConnectError, PoeError

        if self.service.client is None:
            return
        try:
            points = await self.service.refresh_balance()
        except PoeError as exc:
            self.chat_screen.bar.online = not isinstance(exc, ConnectError)
            return  # the cached figure stays; a failing reply says more
        self.chat_screen.bar.online = True
        self.chat_screen.show_balance(points, None)

    # ------------------------------------------------------------ login

    def action_login(self, first_run: bool = False, message: str | None = None) -> None:
        from poe_tui.tui.screens.login import LoginScreen

        if self.runtime.demo:
            self.notice("The demo needs no key.")
            return
        if isinstance(self.screen, LoginScreen):
            return
        self.push_screen(LoginScreen(self.service.check_key, message=message), partial(self._login_done, first_run=first_run))

    def _login_done(self, result: tuple[str, Any] | None, first_run: bool = False) -> None:
        if result is None:
            if first_run:
                self.notice("No API key: ctrl+p → “Enter an API key” when you have one, or restart with --demo.", severity="warning", timeout=10)
            return
        kind, value = result
        if kind == "key":
            try:
                path = config.save_api_key(value)
            except (config.ConfigError, OSError) as exc:
                self.notice(f"The key works but could not be saved: {exc}", severity="warning")
            else:
                self.notice(f"Key saved to {path} (mode 0600).", title="Logged in")
            self.runtime.settings = replace(self.runtime.settings, api_key=value, api_key_source="file")
            self.start_session()
        elif kind == "demo":
            self.switch_to_demo()

    @work(exclusive=True, group="boot")
    async def switch_to_demo(self) -> None:
        from poe_tui.runtime import DEMO_BOT

        self.ready = False
        await self.chat_screen.conversation.clear()  # the real history stays apart
        self.chat_screen.set_bot(DEMO_BOT)
        self.notice("Demo mode: an offline Poe emulator with its own history.", title="Demo")
        try:
            start = await self.service.switch_to_demo()
        except Exception as exc:
            self.notice(f"Cannot start the demo: {exc}", severity="error", timeout=30)
            return
        self._store_ready(start)

    # ------------------------------------------------------------ helpers

    def notice(self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None) -> None:
        """A notification whose text is shown literally (it may come from a bot or the service)."""
        from poe_tui.textsafe import strip_terminal_controls
        from poe_tui.tui.notices import plain

        self.notify(plain(strip_terminal_controls(message)), title=strip_terminal_controls(title), severity=severity, timeout=timeout, markup=False)  # type: ignore[arg-type]

    def copy_text(self, text: str, what: str) -> list[str]:
        worked = self.copier.copy(text)
        message, severity = Clipboard.describe(what, worked)
        self.notice(message, severity=severity)
        return worked

    def action_help(self) -> None:
        from poe_tui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.keymap, self.other_bindings()))

    def action_usage(self) -> None:
        """The usage screen (the key, the palette's "Usage"/"Points", /usage); again closes it."""
        from poe_tui.tui.screens.usage import UsageScreen

        if isinstance(self.screen, UsageScreen):
            self.screen.dismiss(None)
            return
        if not self.service.ready:
            self.notice("The history is not open yet.", severity="warning")
            return
        self.push_screen(UsageScreen(self.service), self._usage_done)

    async def _usage_done(self, result: tuple[str, str] | None) -> None:
        """Enter on a charge: its conversation opens at the message that spent the points."""
        if result and self.screen is self.chat_screen:
            conversation_id, message_id = result
            await self.chat_screen.open_conversation(conversation_id, at=message_id)

    async def action_quit(self) -> None:
        """Stop a streaming reply first (its last save included), then leave."""
        await self.service.close()
        self.exit()

    async def on_unmount(self) -> None:
        await self.service.close()
