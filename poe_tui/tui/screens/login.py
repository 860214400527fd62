"""Ask for a Poe API key and check it before accepting it.

Dismisses with ("key", key) once `check_key(key)` succeeds, ("demo", None) for the demo, or
None (Esc). It saves nothing: the app writes the key (mode 0600). The key is never put in a
notification, a status line, a worker description or a log; service messages are shown with
the key redacted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, LoadingIndicator, Static

from poe_tui.service import AuthenticationError, ConnectError, PoeError
from poe_tui.textsafe import one_line

KEY_URL = "https://poe.com/api_key"

LoginResult = tuple[str, str | None] | None


def _redact(text: str, key: str) -> str:
    text = one_line(text, 300)
    return text.replace(key, "•••") if key else text


def describe_failure(exc: BaseException, key: str) -> str:
    """What to tell the user when checking the key failed (never containing the key)."""
    if isinstance(exc, AuthenticationError):
        said = _redact(exc.message, key)
        return "That key was rejected." + (f" The service said: {said}" if said else "")
    if isinstance(exc, ConnectError):
        return f"Could not reach the service to check the key: {_redact(exc.message, key)}. {exc.hint}"
    if isinstance(exc, PoeError):
        return f"The key could not be checked: {_redact(exc.message, key)}. {exc.hint}".strip()
    return f"The key could not be checked: {_redact(str(exc), key) or 'an unexpected failure'}."


class LoginScreen(ModalScreen[LoginResult]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="login_cancel"),
        Binding("ctrl+t", "demo", "Try the demo", id="login_demo"),
    ]

    DEFAULT_CSS = """
    LoginScreen {
        align: center middle;
        & > #login-dialog {
            width: 76;
            max-width: 95%;
            height: auto;
            padding: 1 2;
            border: thick $primary 60%;
            background: $surface;
        }
        & #login-title { text-style: bold; color: $primary; margin-bottom: 1; }
        & #login-message { color: $warning; margin-bottom: 1; }
        & #login-help { margin-bottom: 1; }
        & #login-status { height: auto; min-height: 1; margin: 1 0 0 0; color: $text-muted; }
        & #login-status.-error { color: $error; }
        & #login-busy { height: 1; display: none; }
        &.-busy #login-busy { display: block; }
        & #login-buttons { height: auto; margin-top: 1; align-horizontal: right; }
        & #login-buttons Button { margin-left: 1; }
    }
    """

    def __init__(
        self,
        check_key: Callable[[str], Awaitable[Any]],
        allow_demo: bool = True,
        message: str | None = None,
    ) -> None:
        super().__init__()
        self.check_key = check_key
        self.allow_demo = allow_demo
        self.message = message
        self.balance: Any = None  # what check_key returned, once it succeeded
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="login-dialog"):
            yield Static("Connect to Poe", id="login-title")
            if self.message:
                yield Static(Content(one_line(self.message, 400)), id="login-message")
            help_text = (
                f"poe-tui talks to Poe with your API key. Get one at {KEY_URL} "
                "(it uses your account's points). Paste it below and press Enter: "
                "the key is checked before it is saved to your config file, readable only by you."
            )
            if self.allow_demo:
                help_text += " No key yet? Try the offline demo (Ctrl+T)."
            yield Static(Content(help_text), id="login-help")
            yield Input(password=True, placeholder="Paste your Poe API key", id="login-key")
            yield LoadingIndicator(id="login-busy")
            yield Static(id="login-status")
            with Horizontal(id="login-buttons"):
                if self.allow_demo:
                    yield Button("Try the demo", id="login-demo")
                yield Button("Cancel", id="login-cancel")
                yield Button("Check key", variant="primary", id="login-submit")

    def on_mount(self) -> None:
        self.query_one("#login-key", Input).focus()

    # -- checking ----------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "login-submit":
            self._submit()
        elif event.button.id == "login-demo":
            self.action_demo()
        elif event.button.id == "login-cancel":
            self.action_cancel()

    def _submit(self) -> None:
        if self.busy:
            return
        key = self.query_one("#login-key", Input).value.strip()
        if not key:
            self._status("Paste a key first.", error=True)
            return
        self._set_busy(True)
        self._status("Checking the key with Poe…")
        self.run_worker(self._check(key), exclusive=True, group="login-check", description="check API key")

    async def _check(self, key: str) -> None:
        try:
            result = await self.check_key(key)
        except Exception as exc:  # every failure becomes a message; none may crash with the key in scope
            self._set_busy(False)
            self._status(describe_failure(exc, key), error=True)
            field = self.query_one("#login-key", Input)
            field.focus()
            return
        self.balance = getattr(result, "points", result)
        self._set_busy(False)
        self.dismiss(("key", key))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.set_class(busy, "-busy")
        self.query_one("#login-key", Input).disabled = busy
        self.query_one("#login-submit", Button).disabled = busy

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#login-status", Static)
        status.set_class(error, "-error")
        status.update(Content(text))

    @property
    def status_text(self) -> str:
        """The status line as plain text (what the user is told)."""
        return str(self.query_one("#login-status", Static).content)

    # -- other ways out ----------------------------------------------------------------

    def action_demo(self) -> None:
        if not self.allow_demo:
            return
        self.workers.cancel_group(self, "login-check")
        self.dismiss(("demo", None))

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "login-check")
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "demo" and not self.allow_demo:
            return False
        return True
