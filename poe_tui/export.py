"""Conversations out to Markdown (to read) and JSON (to keep), and JSON back in.

The JSON form carries every message, branches included, with exact timestamps, so an
export -> import round trip loses nothing. Import never damages stored data: it validates the
whole file first, then writes in one go, and takes fresh ids where the file's ids are taken.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import re
from typing import Any

from poe_tui.store import Store, UnknownIdError
from poe_tui.store.records import ROLES, STATUSES, Message, columns
from poe_tui.textsafe import one_line, strip_terminal_controls

FORMAT = "poe-tui/conversation"
VERSION = 1
MESSAGE_FIELDS = tuple(f for f in columns(Message) if f != "conversation_id")  # the file nests them


class ImportFormatError(ValueError):
    """The file is not a conversation this version can import; the message says what is wrong."""


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _conversation(store: Store, conversation_id: str):
    conv = store.get_conversation(conversation_id)
    if conv is None:
        raise UnknownIdError(f"No conversation with id {conversation_id}.")
    return conv


def to_json(store: Store, conversation_id: str) -> dict[str, Any]:
    conv = _conversation(store, conversation_id)
    messages = store.all_messages(conversation_id)
    files = store.attachments_for([m.id for m in messages])
    return {
        "format": FORMAT,
        "version": VERSION,
        "conversation": {
            "id": conv.id,
            "title": conv.title,
            "system_prompt": conv.system_prompt,
            "pinned": conv.pinned,
            "archived": conv.archived,
            "created_at": conv.created_at,
            "updated_at": conv.updated_at,
        },
        "messages": [_message_json(m, files.get(m.id, ())) for m in messages],
    }


def _message_json(message: Message, files: Any) -> dict[str, Any]:
    out: dict[str, Any] = {f: getattr(message, f) for f in MESSAGE_FIELDS}
    if files:  # the file itself travels with the message (base64), so import keeps it
        out["attachments"] = [
            {"filename": a.filename, "mime": a.mime, "size": a.size, "path": a.path,
             "data": base64.b64encode(a.data).decode("ascii") if a.data is not None else None}
            for a in files
        ]
    return out


def _heading(msg: Message) -> str:
    if msg.role == "user":
        return "You"
    if msg.role == "system":
        return "System"
    parts = [one_line(msg.bot or "") or "Assistant"]
    if msg.completion_tokens:  # the tokens the bot wrote, as the reply's header counts them
        parts.append(f"{msg.completion_tokens:,} tokens")
    if msg.points is not None:
        parts.append(f"{msg.points:,} points")
    return " · ".join(parts)


def to_markdown(store: Store, conversation_id: str) -> str:
    """The active thread as a readable document (reasoning folded in <details>). Bot text cannot
    reach a terminal through it: control characters and escape sequences are dropped (newlines
    and tabs stay), and the title and bot names lose bidi overrides."""
    conv = _conversation(store, conversation_id)
    lines = [f"# {one_line(conv.title or '') or 'Untitled conversation'}", "", f"*poe-tui conversation `{conv.id}`, started {_when(conv.created_at)}*", ""]
    if conv.system_prompt:
        lines += ["> **System:** " + conv.system_prompt.replace("\n", "\n> "), ""]
    thread = store.get_messages(conversation_id)
    files = store.attachments_for([m.id for m in thread])
    for msg in thread:
        lines += [f"## {_heading(msg)}", ""]
        if files.get(msg.id):
            shown = ", ".join(f"{one_line(a.filename, 80)} ({a.mime}, {a.size:,} bytes)" for a in files[msg.id])
            lines += [f"*Attached: {shown}*", ""]
        if msg.reasoning:
            lines += ["<details><summary>Reasoning</summary>", "", msg.reasoning.strip(), "", "</details>", ""]
        if msg.content:
            lines += [msg.content.rstrip(), ""]
        if msg.status in ("interrupted", "error"):
            note = f"*({msg.status}{': ' + msg.error if msg.error else ''})*"
            lines += [note, ""]
    return strip_terminal_controls("\n".join(lines)).rstrip() + "\n"


# ------------------------------------------------------------------ import


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ImportFormatError(message)


ID = re.compile(r"^[0-9a-z]{1,64}$")  # what this store makes; anything else gets a fresh id
LATEST_TIME = 253402300800.0  # year 10000: past it a date cannot be shown


def _is_time(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value < LATEST_TIME


def _is_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a broken file
        return False
    return True


def _is_count(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63)


def _validate(data: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    _check(isinstance(data, dict), "the file is not a JSON object.")
    _check(data.get("format") == FORMAT, f"not a poe-tui conversation export (expected format '{FORMAT}').")
    _check(data.get("version") == VERSION, f"unsupported export version {data.get('version')!r} (this poe-tui reads {VERSION}).")
    conv = data.get("conversation")
    _check(isinstance(conv, dict), "'conversation' is missing or not an object.")
    _check(_is_text(conv.get("id")) and conv["id"], "the conversation has no id.")
    for key in ("title", "system_prompt"):
        _check(conv.get(key) is None or _is_text(conv[key]), f"conversation '{key}' must be text or null.")
    for key in ("created_at", "updated_at"):
        _check(_is_time(conv.get(key)), f"conversation '{key}' must be a time in seconds since 1970.")
    messages = data.get("messages")
    _check(isinstance(messages, list), "'messages' is missing or not a list.")
    seen: set[str] = set()
    for i, m in enumerate(messages, 1):
        where = f"message {i}"
        _check(isinstance(m, dict), f"{where} is not an object.")
        _check(_is_text(m.get("id")) and m["id"] and m["id"] not in seen, f"{where} has a missing or duplicate id.")
        _check(m.get("role") in ROLES, f"{where} has an unknown role {m.get('role')!r}.")
        _check(_is_text(m.get("content")), f"{where} has no text content (or it is not valid text).")
        _check(m.get("status", "complete") in STATUSES, f"{where} has an unknown status {m.get('status')!r}.")
        _check(m.get("parent_id") is None or m["parent_id"] in seen, f"{where} points at a parent that does not come before it.")
        _check(_is_time(m.get("created_at")), f"{where} has no valid created_at time.")
        _check(m.get("updated_at") is None or _is_time(m["updated_at"]), f"{where} has an invalid updated_at time.")
        for key in ("prompt_tokens", "completion_tokens", "total_tokens", "points"):
            _check(_is_count(m.get(key)), f"{where}: '{key}' must be a whole number or null.")
        for key in ("reasoning", "bot", "error", "finish_reason"):
            _check(m.get(key) is None or _is_text(m[key]), f"{where}: '{key}' must be text or null.")
        _check_attachments(m.get("attachments"), where)
        seen.add(m["id"])
    return conv, messages


def _check_attachments(files: Any, where: str) -> None:
    if files is None:
        return
    _check(isinstance(files, list), f"{where}: 'attachments' must be a list.")
    for j, a in enumerate(files, 1):
        what = f"{where}, attachment {j}"
        _check(isinstance(a, dict), f"{what} is not an object.")
        _check(_is_text(a.get("filename")) and a["filename"], f"{what} has no file name.")
        _check(_is_text(a.get("mime")) and a["mime"], f"{what} has no type.")
        _check(a.get("path") is None or _is_text(a["path"]), f"{what}: 'path' must be text or null.")
        data = a.get("data")
        _check(data is not None or a.get("path") is not None, f"{what} has neither data nor a path.")
        if data is not None:
            _check(isinstance(data, str), f"{what}: 'data' must be base64 text.")
            try:
                base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                raise ImportFormatError(f"{what}: 'data' is not valid base64.") from None


def from_json(store: Store, data: Any) -> str:
    """Import one exported conversation; returns its id in this database."""
    conv, messages = _validate(data)
    ids_taken = (
        not ID.match(conv["id"])
        or not all(ID.match(m["id"]) for m in messages)
        or store.get_conversation(conv["id"]) is not None
        or any(store.get_message(m["id"]) for m in messages)
    )
    with store.transaction():
        new = store.create_conversation(
            id=None if ids_taken else conv["id"],
            title=conv.get("title"),
            system_prompt=conv.get("system_prompt"),
            created_at=conv["created_at"],
            updated_at=conv["updated_at"],
            pinned=bool(conv.get("pinned")),
            archived=bool(conv.get("archived")),
        )
        id_map: dict[str, str] = {}
        for m in messages:
            fields = {f: m.get(f) for f in MESSAGE_FIELDS if f not in ("role", "content")}
            fields.update(
                id=None if ids_taken else m["id"],
                parent_id=id_map.get(m["parent_id"]) if m.get("parent_id") else None,
                status=m.get("status", "complete"),
                reasoning=m.get("reasoning") or "",
                updated_at=m.get("updated_at", m["created_at"]),
            )
            row = store.add_message(new.id, m["role"], m["content"], **fields)
            id_map[m["id"]] = row.id
            for a in m.get("attachments") or ():
                body = base64.b64decode(a["data"]) if a.get("data") is not None else None
                store.add_attachment(row.id, a["filename"], a["mime"], body, path=a.get("path"))
    return new.id


def from_json_text(store: Store, text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportFormatError(f"not valid JSON ({exc}).") from None
    except RecursionError:
        raise ImportFormatError("the file nests too deeply to be a conversation export.") from None
    return from_json(store, data)
