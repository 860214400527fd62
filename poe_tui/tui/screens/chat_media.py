"""The chat screen's share of parameters, attachments and media: /params (F6), /attach (alt+a
opens a file picker; a pasted path attaches too), /detach, /save (alt+s), and the media rows of
replies (open, save, preview).

Everything is checked before a message leaves: a value the bot's schema refuses or a file it
cannot read gets a notice naming what it takes, and nothing is sent. All store and network
work goes through the service.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poe_tui.textsafe import one_line

if TYPE_CHECKING:
    from poe_tui.tui.screens.chat import ChatScreen

COMPLETIONS = 8


def complete_path(typed: str, folders_only: bool = False) -> list[str]:
    """Paths that start with what is typed (folders end with /), for /attach and /save."""
    text = typed.strip().strip("'\"")
    expanded = os.path.expanduser(text) if text else ""
    folder, _, start = expanded.rpartition(os.sep) if os.sep in expanded else ("", "", expanded)
    base = Path(folder or ("/" if expanded.startswith(os.sep) else "."))
    try:
        entries = sorted(os.scandir(base), key=lambda e: e.name.lower())
    except OSError:
        return []
    shown_folder = text[: len(text) - len(start)]
    out = []
    for entry in entries:
        if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if folders_only and not is_dir:
            continue
        out.append(shown_folder + entry.name + ("/" if is_dir else ""))
        if len(out) >= COMPLETIONS:
            break
    return out


class ChatMedia:
    """Drafted files, kept parameter values and media actions for one chat screen."""

    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.files: list[Any] = []  # drafts for the next message
        self.values: dict[str, dict[str, Any]] = {}  # bot -> the values kept for it (loaded on use)

    @property
    def service(self) -> Any:
        return self.screen.host.service

    def notice(self, text: str, **kwargs: Any) -> None:
        self.screen.host.notice(text, **kwargs)

    # ------------------------------------------------------------ parameters

    async def load_values(self, bot: str) -> dict[str, Any]:
        """The values kept for `bot` here (read again: the conversation may have changed)."""
        from poe_tui.service import StoreError

        if not self.service.ready:
            return {}
        try:
            values = await self.service.params_to_send(bot)
        except StoreError:
            values = self.values.get(bot, {})
        self.values[bot] = values
        return values

    def forget_values(self) -> None:
        """Another conversation: its own values are read on the next send."""
        self.values.clear()

    async def open_params(self) -> None:
        from poe_tui.tui.screens.params import ParamsScreen

        bot = self.service.find_bot(self.screen.bot)
        if bot is None:
            self.notice(f"{one_line(self.screen.bot, 60)} is not in the bot list yet, so its parameters are unknown.",
                        severity="warning")
            return
        current = await self.service.bot_params(bot.name)

        async def done(values: dict[str, Any] | None) -> None:
            if values is None:
                self.screen.prompt.focus()
                return
            from poe_tui.service import ParamError, StoreError

            try:
                await self.service.set_bot_params(bot.name, values)
            except (ParamError, StoreError) as exc:
                self.notice(str(exc), severity="error")
                return
            await self.load_values(bot.name)
            label = self.service.params_label(bot.name, values)
            self.notice(f"{bot.name}: {label}" if label else f"{bot.name}: its defaults.", title="Parameters", timeout=4)
            self.screen.prompt.focus()

        self.screen.app.push_screen(ParamsScreen(bot, current), done)

    # ------------------------------------------------------------ attachments

    async def attach(self, path: str) -> None:
        from poe_tui.service import AttachmentError

        path = path.strip().strip("'\"")
        if not path:
            await self.pick_file()
            return
        try:
            draft = await self.service.read_attachment(path)
        except AttachmentError as exc:
            self.notice(str(exc), severity="error")
            return
        self.files.append(draft)
        await self._show_chips()
        self.notice(f"{one_line(draft.filename, 60)} goes with the next message.", timeout=3)

    async def detach(self, arg: str) -> None:
        if not self.files:
            self.notice("Nothing is attached.", severity="warning")
            return
        if not arg.strip():
            self.files.clear()
        else:
            try:
                index = int(arg.strip()) - 1
                if not 0 <= index < len(self.files):
                    raise ValueError
            except ValueError:
                self.notice(f"Attachments are numbered 1 to {len(self.files)}.", severity="warning")
                return
            del self.files[index]
        await self._show_chips()

    async def remove(self, index: int) -> None:
        if 0 <= index < len(self.files):
            del self.files[index]
            await self._show_chips()
        self.screen.prompt.focus()

    async def _show_chips(self) -> None:
        from poe_tui.tui.widgets.attachments import AttachmentChips

        await self.screen.query_one(AttachmentChips).show(self.files)

    async def pick_file(self) -> None:
        from poe_tui.tui.screens.file_picker import FilePickerScreen

        async def picked(path: Path | None) -> None:
            if path is not None:
                await self.attach(str(path))
            self.screen.prompt.focus()

        self.screen.app.push_screen(FilePickerScreen(Path.cwd()), picked)

    def outgoing(self, bots: list[str]) -> tuple[dict[str, Any], list[Any]] | None:
        """(parameters for the first bot, files) to send, or None after saying why not: every
        bot must be able to read every file, and the kept values must still be valid."""
        from poe_tui.service import AttachmentError

        try:
            for bot in bots:
                self.service.check_attachments(bot, self.files)
        except AttachmentError as exc:
            self.notice(str(exc), title="Not sent", severity="error", timeout=8)
            return None
        values = self.values.get(bots[0], {}) if len(bots) == 1 else {}
        return values, list(self.files)

    async def sent(self) -> None:
        """The files went with a message: the chips go."""
        if self.files:
            self.files.clear()
            await self._show_chips()

    # ------------------------------------------------------------ what a thread shows

    async def decorate(self) -> None:
        """Attachments on the user's messages, and each reply's parameters in its header."""
        from poe_tui.service import StoreError
        from poe_tui.tui.widgets.message import ReplyMessage, UserMessage

        widgets = [w for w in self.screen.conversation.messages if getattr(w, "message", None) is not None]
        if not widgets or not self.service.ready:
            return
        try:
            files, sent = await self.service.message_extras([w.message.id for w in widgets if w.message.id])
        except StoreError:
            return
        for widget in widgets:
            mid = widget.message.id
            if isinstance(widget, UserMessage) and files.get(mid) and not widget.attachments:
                await widget.show_attachments(files[mid])
            elif isinstance(widget, ReplyMessage) and mid in sent:
                widget.params_label = self.service.params_label(widget.bot, sent[mid])
                widget.refresh_header()

    # ------------------------------------------------------------ media

    def _prompt_of(self, media_list: Any) -> tuple[str, str]:
        """The question a reply answered and its bot (for the saved file's name)."""
        from poe_tui.tui.widgets.message import ReplyMessage, UserMessage

        reply = next((a for a in media_list.ancestors if isinstance(a, ReplyMessage)), None)
        if reply is None or reply.message is None:
            return "media", "bot"
        parent = reply.message.parent_id
        user = next((w for w in self.screen.conversation.messages
                     if isinstance(w, UserMessage) and w.message.id == parent), None)
        return (user.message.content if user else "media"), reply.bot

    async def wanted(self, event: Any) -> None:
        item = event.item
        if event.what == "open":
            self.screen.action_open_link(item.url)
        elif event.what == "save":
            prompt, bot = self._prompt_of(event.media_list)
            await self._save([item.url], prompt, bot, None)
        elif event.what == "preview":
            from poe_tui.service import PoeError

            try:
                data = await self.service.fetch_media(item.url)
            except PoeError:
                return  # no preview: the row still offers Open and Save
            if event.media_list.is_attached:
                event.media_list.show_preview(item, data)

    async def save_last(self, folder: str = "") -> None:
        """/save [DIR] and alt+s: every media item of the newest reply that has some."""
        from poe_tui.tui.widgets.media import MediaList

        lists = list(self.screen.conversation.query(MediaList))
        if not lists:
            self.notice("No reply here has images, audio or video to save.", severity="warning")
            return
        last = lists[-1]
        prompt, bot = self._prompt_of(last)
        await self._save([i.url for i in last.items], prompt, bot, Path(os.path.expanduser(folder)) if folder.strip() else None)

    async def _save(self, urls: list[str], prompt: str, bot: str, folder: Path | None) -> None:
        from poe_tui.service import PoeError

        saved = []
        for url in urls:
            try:
                saved.append(await self.service.save_media(url, prompt, bot, folder))
            except (PoeError, OSError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                self.notice(f"Could not save the media: {reason}", severity="error", timeout=8)
                return
        where = str(saved[0]) if len(saved) == 1 else f"{len(saved)} files in {saved[0].parent}"
        self.notice(f"Saved {where}", title="Saved", timeout=6)
