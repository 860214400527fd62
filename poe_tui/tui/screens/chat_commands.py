"""The prompt's slash commands, as a mixin of the chat screen (one method per command)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from poe_tui.tui.app import PoeApp


class SlashCommands:
    """`/name arg` runs `cmd_name(arg)`; the host screen provides the parts used here."""

    papp: PoeApp

    def cmd_help(self, arg: str) -> None:
        self.papp.action_help()

    def cmd_model(self, arg: str) -> None:
        if not arg:
            self.action_focus_models()
            return
        self.choose_bot(arg)

    async def cmd_new(self, arg: str) -> None:
        if self.streaming:
            self.papp.notice("A reply is still coming: press Esc to cancel it first.", severity="warning")
            return
        if self.papp.session is not None:
            self.papp.session.new_conversation()
        await self.conversation.clear()
        self.prompt.focus()

    def cmd_history(self, arg: str) -> None:
        self._open_history(query="")

    def cmd_search(self, arg: str) -> None:
        self._open_history(query=arg, focus_search=True)

    def _open_history(self, query: str, focus_search: bool = False) -> None:
        from poe_tui.tui.screens.history import HistoryScreen

        app = self.papp
        if app.store is None:
            app.notice("The history is not open yet.", severity="warning")
            return
        screen = HistoryScreen(app.store, query=query or None)
        app.push_screen(screen, self._history_done)
        if focus_search and not query:
            screen.call_after_refresh(lambda: screen.search_input.focus())

    async def _history_done(self, result: tuple[str, str | None] | None) -> None:
        app = self.papp
        open_id = app.session.conversation_id if app.session is not None else None
        if open_id and app.store is not None and app.store.get_conversation(open_id) is None:
            await self.cmd_new("")  # the open conversation was deleted over there
            app.notice("The conversation you had open was deleted; this is a new one.")
        if not result:
            self.prompt.focus()
            return
        kind, conversation_id, *at = result
        if kind == "new":
            await self.cmd_new("")
        elif kind == "open" and conversation_id:
            await self.open_conversation(conversation_id, at=at[0] if at else None)

    async def open_conversation(self, conversation_id: str, at: str | None = None) -> None:
        app = self.papp
        if self.streaming:
            app.notice("A reply is still coming: press Esc to cancel it first.", severity="warning")
            return
        if app.session is None or app.store is None:
            app.notice("Still starting up: try again in a moment.", severity="warning")
            return
        try:
            app.session.open(conversation_id)
        except Exception as exc:
            app.notice(str(exc), severity="error")
            return
        await self.conversation.load(app.session.messages(), at=at)
        self.set_bot(app.session.bot)
        self.prompt.focus()

    def cmd_system(self, arg: str) -> None:
        app = self.papp
        if app.session is None:
            app.notice("Still starting up: try again in a moment.", severity="warning")
            return
        app.session.set_system_prompt(arg or None)
        app.notice("System prompt set for this conversation." if arg else "System prompt cleared.")

    def cmd_retry(self, arg: str) -> None:
        if not self._can_send():
            return
        from poe_tui.chat import ChatInputError

        try:
            events = self.papp.session.retry()
        except ChatInputError as exc:
            self.papp.notice(str(exc), severity="warning")
            return
        self._start(events, None)

    def cmd_copy(self, arg: str) -> None:
        from poe_tui.tui.copying import code_blocks

        app = self.papp
        words = arg.split()
        messages = app.session.messages() if app.session is not None else []
        if words and words[0] == "code":
            reply = self._last_reply_text(messages)
            blocks = code_blocks(reply or "")
            if not blocks:
                app.notice("The last reply has no code block.", severity="warning")
                return
            index = _number(words[1] if len(words) > 1 else None, len(blocks))
            if index is None:
                app.notice(f"Code blocks are numbered 1 to {len(blocks)}.", severity="warning")
                return
            app.copy_text(blocks[index], f"code block {index + 1} of {len(blocks)}")
            return
        if words:
            index = _number(words[0], len(messages))
            if index is None or not messages:
                app.notice(f"Messages are numbered 1 to {len(messages)} (shown at the end of each header).", severity="warning")
                return
            app.copy_text(messages[index].content, f"message {index + 1}")
            return
        reply = self._last_reply_text(messages)
        if not reply:
            app.notice("There is no reply to copy yet.", severity="warning")
            return
        app.copy_text(reply, "the last reply")

    def _last_reply_text(self, messages: list[Any]) -> str | None:
        widget = self.conversation.last_reply()
        if widget is not None and widget.streaming:
            return widget.text
        last = next((m for m in reversed(messages) if m.role == "assistant" and m.content), None)
        return last.content if last else None

    def cmd_export(self, arg: str) -> None:
        from poe_tui.tui.copying import write_export

        app = self.papp
        if app.session is None or app.store is None or app.session.conversation_id is None:
            app.notice("Nothing to export yet: send a message first.", severity="warning")
            return
        try:
            path = write_export(app.store, app.session.conversation_id)
        except Exception as exc:
            app.notice(f"Export failed: {exc}", severity="error")
            return
        app.notice(f"Saved the conversation to {path}", title="Exported", timeout=10)

    def cmd_theme(self, arg: str) -> None:
        app = self.papp
        if not arg:
            app.search_themes()
        elif not app.set_theme(arg):
            app.notice(f"No theme {arg!r}. Available: {', '.join(sorted(app.available_themes))}.", severity="error")


def _number(word: str | None, count: int) -> int | None:
    """'3' -> 2 (1-based in, 0-based out); '-1' is the last; None means the last; None if out of range."""
    if word is None:
        return count - 1 if count else None
    try:
        n = int(word)
    except ValueError:
        return None
    index = n - 1 if n > 0 else count + n
    return index if 0 <= index < count else None
