"""Every key binding in one table: an id (what `[keys]` in the config file remaps), default
keys, the action, and where it applies. The help screen and the command palette read it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Key:
    id: str
    keys: str
    action: str
    description: str
    scope: str  # "app", "chat" (the main screen) or "prompt"
    show: bool = True
    priority: bool = False
    palette: bool = True  # offered in the command palette


KEYS: tuple[Key, ...] = (
    Key("quit", "ctrl+q", "quit", "Quit", "app", show=False, priority=True),
    Key("help", "f1", "help", "Keys and commands", "app"),
    Key("usage", "f4", "usage", "Usage: where the points went", "app", show=False),
    Key("palette", "ctrl+p", "command_palette", "Command palette", "app", show=False, palette=False),
    Key("new", "ctrl+n", "new_conversation", "New conversation", "chat"),
    Key("history", "ctrl+o", "history", "History", "chat"),
    Key("search", "ctrl+f", "search", "Search history", "chat", show=False),
    Key("models", "ctrl+l", "focus_models", "Pick a bot", "chat"),
    Key("toggle_models", "ctrl+b", "toggle_models", "Show/hide the bot list", "chat", show=False),
    Key("focus_prompt", "f2", "focus_prompt", "Focus the prompt", "chat", show=False),
    Key("scroll_up", "ctrl+up,shift+pageup", "scroll_conversation(-1)", "Scroll the conversation up", "chat", show=False),
    Key("scroll_down", "ctrl+down,shift+pagedown", "scroll_conversation(1)", "Scroll the conversation down", "chat", show=False),
    Key("scroll_end", "ctrl+end", "scroll_conversation(0)", "Jump to the latest message", "chat", show=False),
    Key("scroll_top", "ctrl+home", "scroll_top", "Jump to the first message", "chat", show=False),
    Key("cancel", "escape", "cancel", "Cancel the reply", "chat", show=False),
    Key("retry", "ctrl+r", "retry", "Retry the last message", "chat", show=False),
    Key("edit", "alt+e", "edit_message", "Edit your last message (a new branch)", "chat", show=False),
    Key("older_version", "alt+left", "version(-1)", "Previous version (of the message last switched, else the last that has them)", "chat", show=False),
    Key("newer_version", "alt+right", "version(1)", "Next version (of the message last switched, else the last that has them)", "chat", show=False),
    Key("copy_last", "f5", "copy_last", "Copy the last reply", "chat", show=False),
    Key("copy_code", "ctrl+g", "copy_code", "Copy the last code block", "chat", show=False),
    Key("export", "ctrl+s", "export", "Export the conversation", "chat", show=False),
    Key("themes", "f3", "pick_theme", "Change theme", "chat", show=False),
    Key("params", "f6", "params", "The bot's parameters", "chat", show=False),
    Key("attach", "alt+a", "attach", "Attach a file", "chat", show=False),
    Key("save_media", "alt+s", "save_media", "Save the last reply's media", "chat", show=False),
    Key("send", "enter", "submit", "Send", "prompt", show=False, palette=False),
    Key("newline", "ctrl+j,shift+enter", "newline", "New line", "prompt", show=False, palette=False),
    Key("complete", "tab", "complete", "Complete a command", "prompt", show=False, palette=False),
    Key("expand_paste", "ctrl+t", "expand_pastes", "Expand pasted text", "prompt", show=False, palette=False),
)
BY_ID = {k.id: k for k in KEYS}


def bindings(scope: str) -> list[Binding]:
    """Main-screen keys win over the prompt's own (its ctrl+y redo would otherwise swallow a
    key the user bound), all but Esc, which the focused widget may need first."""
    return [
        Binding(k.keys, k.action, k.description, show=k.show, priority=k.priority or (scope == "chat" and k.id != "cancel"), id=k.id)
        for k in KEYS
        if k.scope == scope
    ]


def other_bindings(where: list[tuple[str, type]]) -> list[tuple[str, str, str]]:
    """(id, keys, "Where: what") of the bindings that the given screens and widgets declare
    themselves (the caller names them: this table imports no screen)."""
    out = []
    for label, cls in where:
        for b in cls.BINDINGS:
            if isinstance(b, Binding) and b.id:
                out.append((b.id, b.key, f"{label}: {b.description or b.action}"))
    return out


def check_keymap(keymap: dict[str, str], extra_ids: set[str] = frozenset()) -> tuple[dict[str, str], list[str]]:
    """The usable part of a `[keys]` table and a problem description for each unusable entry."""
    good: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in BY_ID and binding_id not in extra_ids:
            problems.append(f"unknown binding id {binding_id!r}")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"{binding_id}: no key given")
        else:
            good[binding_id] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    problems += clashes(good)
    return good, problems


def clashes(keymap: dict[str, str]) -> list[str]:
    """Keys that two main-screen bindings would both answer to (only one of them can win)."""
    owner: dict[str, str] = {}
    found: list[str] = []
    for k in KEYS:
        for key in keymap.get(k.id, k.keys).split(","):
            key = key.strip().lower()
            if key in owner and owner[key] != k.id:
                found.append(f"{key} is bound to both {owner[key]} and {k.id}; one of them cannot be reached")
            owner.setdefault(key, k.id)
    return found


def keys_for(binding_id: str, keymap: dict[str, str]) -> set[str]:
    """The key names a binding answers to now (as Textual names keys)."""
    from textual.keys import _normalize_key_list

    return set(_normalize_key_list(keymap.get(binding_id, BY_ID[binding_id].keys)).split(","))


def current_keys(keymap: dict[str, str]) -> list[tuple[Key, str]]:
    """Each binding with the keys it answers to now."""
    return [(k, keymap.get(k.id, k.keys)) for k in KEYS]
