"""The parameters panel: a form built from the current bot's own schema (an enum is a select, a
boolean a switch, a number or string a checked input), each with its default and description.

Dismissed with the values to keep (checked against the schema), or None when cancelled.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Select, Static, Switch

from poe_tui import params
from poe_tui.textsafe import one_line


class _Checked(Validator):
    """An input's value as the schema takes it (an empty input means the default)."""

    def __init__(self, param: Any, bot: str) -> None:
        super().__init__()
        self.param, self.bot = param, bot

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            params.coerce(self.param, value, self.bot)
        except params.ParamError as exc:
            return self.failure(str(exc))
        return self.success()


def _field_id(name: str) -> str:
    return "param-" + "".join(c if c.isalnum() else "_" for c in name)


class ParamsScreen(ModalScreen[dict[str, Any] | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False, id="params_cancel"),
        Binding("ctrl+s", "save", "Keep these values", show=False, id="params_save"),
    ]

    DEFAULT_CSS = """
    ParamsScreen {
        align: center middle;
        & > #params-dialog {
            width: 80; max-width: 95%; height: auto; max-height: 90%;
            padding: 1 2; border: thick $accent 60%; background: $surface;
        }
        & #params-title { margin-bottom: 1; }
        & #params-fields { height: auto; max-height: 30; }
        & .param { height: auto; margin-bottom: 1; }
        & .param-label { height: auto; }
        & .param-help { height: auto; color: $text-muted; }
        & Select, & Input { width: 40; }
        & #params-error { height: auto; color: $error; }
        & #params-buttons { height: auto; align-horizontal: right; margin-top: 1; }
        & #params-buttons Button { margin-left: 2; }
    }
    """

    def __init__(self, bot: Any, values: dict[str, Any]) -> None:
        super().__init__()
        self.bot = bot
        self.values = dict(values)

    def _current(self, param: Any) -> Any:
        return self.values.get(param.name, param.default_value)

    def compose(self) -> ComposeResult:
        bot = self.bot
        with Vertical(id="params-dialog"):
            yield Static(
                Content.assemble((f"Parameters of {one_line(bot.name, 50)}", "bold"), "\n",
                                 ("Kept for this bot and this conversation; only changed values are sent.", "$text-muted"), "\n",
                                 ("Tab moves · Space switches · Enter opens a list · ctrl+s keeps · Esc cancels", "$text-muted")),
                id="params-title",
            )
            with VerticalScroll(id="params-fields"):
                if not bot.parameters:
                    yield Static(Content(f"{bot.name} declares no parameters."), classes="param-help")
                for param in bot.parameters:
                    yield from self._field(param)
            yield Static("", id="params-error")
            with Horizontal(id="params-buttons"):
                yield Button(Content("Defaults"), id="params-defaults")
                yield Button(Content("Cancel"), id="params-cancel")
                yield Button(Content("Keep"), variant="primary", id="params-keep")

    def _field(self, param: Any) -> ComposeResult:
        kind = params.kind(param)
        default = param.default_value
        label = Content.assemble((one_line(param.name, 40), "bold"), "  ",
                                 (f"default {params.shown(default)}" if default is not None else "no default", "$text-muted"))
        with Vertical(classes="param"):
            yield Static(label, classes="param-label")
            current = self._current(param)
            fid = _field_id(param.name)
            if kind == "enum":
                options = [(Content(params.shown(v)), v) for v in params.choices(param)]
                value = current if current in params.choices(param) else Select.NULL
                yield Select(options, value=value, allow_blank=default is None, prompt="(not set)", id=fid, compact=True)
            elif kind == "boolean":
                yield Switch(value=bool(current), id=fid)
            else:
                yield Input(
                    value="" if current is None or current == default else params.shown(current),
                    placeholder=f"{params.allowed(param)}" + (f" (default {params.shown(default)})" if default is not None else ""),
                    validators=[_Checked(param, self.bot.name)],
                    id=fid,
                    compact=True,
                )
            if param.description:
                yield Static(Content(one_line(param.description, 300)), classes="param-help")

    def on_mount(self) -> None:
        first = self.query(".param Select, .param Switch, .param Input").first() if self.bot.parameters else None
        (first or self.query_one("#params-keep", Button)).focus()

    def collected(self) -> dict[str, Any]:
        """The form's values, checked (raises ParamError); a field left at its default is left out."""
        raw: dict[str, Any] = {}
        for param in self.bot.parameters:
            widget = self.query_one(f"#{_field_id(param.name)}")
            if isinstance(widget, Select):
                if widget.value is not Select.NULL and widget.value is not Select.BLANK:
                    raw[param.name] = widget.value
            elif isinstance(widget, Switch):
                raw[param.name] = widget.value
            elif widget.value.strip():
                raw[param.name] = widget.value
        return params.non_default(self.bot, params.check(self.bot, raw))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "params-keep":
            self.action_save()
        elif event.button.id == "params-defaults":
            self.dismiss({})
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        try:
            values = self.collected()
        except params.ParamError as exc:
            self.query_one("#params-error", Static).update(Content(str(exc)))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
