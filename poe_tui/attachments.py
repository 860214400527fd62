"""Files a message carries: what kind each is, whether a bot can take it, and the content parts
POE_API.md gives for it (images as `image_url`, PDFs, audio and video as `file`, text and code
inline as text).

The real bot list declares `text`, `image`, `audio` and `video` inputs, never `file`, yet vision
bots read PDFs: a PDF needs `file` or `image`. A text file goes in as text, for any bot.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
KIND_WORDS = {"image": "image", "pdf": "PDF", "text": "text file", "audio": "audio file", "video": "video"}
TEXT_SUFFIXES = frozenset({
    ".txt", ".md", ".rst", ".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".xml",
    ".html", ".css", ".py", ".js", ".ts", ".tsx", ".jsx", ".go", ".rs", ".c", ".h", ".cpp", ".hpp", ".java",
    ".kt", ".swift", ".rb", ".php", ".sh", ".bash", ".zsh", ".sql", ".lua", ".r", ".m", ".cs", ".scala", ".log",
    ".tex", ".diff", ".patch",
})


class AttachmentError(ValueError):
    """A file that cannot go with this message: unreadable, too big, of a kind the bot does not
    read. The message says which file and what to do."""


@dataclass(frozen=True)
class Draft:
    """A file chosen for the next message, read into memory (it is stored with the message)."""

    filename: str
    mime: str
    data: bytes = field(repr=False)

    @property
    def kind(self) -> str:
        return kind_of(self.mime)

    @property
    def size(self) -> int:
        return len(self.data)


def kind_of(mime: str) -> str:
    """'image', 'pdf', 'audio', 'video' or 'text' (anything else is refused on reading)."""
    if mime in IMAGE_TYPES:
        return "image"
    if mime == "application/pdf":
        return "pdf"
    major = mime.split("/", 1)[0]
    if major in ("audio", "video"):
        return major
    return "text"


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} B"


def _mime(path: Path, head: bytes) -> str | None:
    guessed = mimetypes.guess_type(path.name)[0]
    if guessed in IMAGE_TYPES or guessed == "application/pdf":
        return guessed
    if guessed and guessed.split("/")[0] in ("audio", "video"):
        return guessed
    if path.suffix.lower() in TEXT_SUFFIXES or (guessed or "").startswith("text/") or not path.suffix:
        return "text/plain" if not (guessed or "").startswith("text/") else guessed
    return None


def read(path: str | Path, max_bytes: int) -> Draft:
    """Read a file to attach; refuses what the service cannot take, with the reason."""
    p = Path(path).expanduser()
    name = p.name or str(path)
    try:
        if p.is_dir():
            raise AttachmentError(f"{name} is a folder: attach the files in it one by one.")
        size = p.stat().st_size
    except FileNotFoundError:
        raise AttachmentError(f"There is no file {path}.") from None
    except OSError as exc:
        raise AttachmentError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    if size > max_bytes:
        raise AttachmentError(
            f"{name} is {human_size(size)}, over the {human_size(max_bytes)} limit (max_attachment_mb in the config)."
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise AttachmentError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    mime = _mime(p, data[:512])
    if mime == "text/plain" or (mime or "").startswith("text/"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            mime = None
    if mime is None:
        raise AttachmentError(
            f"{name} is not a file a bot can read: attach images (png, jpeg, gif, webp), PDFs, text or code, audio or video."
        )
    return Draft(name, mime, data)


def needs(kind: str) -> tuple[str, ...]:
    """The input modalities any one of which lets a bot read this kind ('text' needs none)."""
    return {"image": ("image",), "pdf": ("file", "image"), "audio": ("audio",), "video": ("video",)}.get(kind, ())


def refusal(bot_name: str, inputs: Sequence[str], kind: str, filename: str) -> str | None:
    """Why `bot_name` cannot take this file, or None when it can."""
    wanted = needs(kind)
    if not wanted or any(m in inputs for m in wanted):
        return None
    reads = ", ".join(m for m in inputs if m != "file") or "text"
    reads = "text only" if reads == "text" else reads
    mark = "pick a bot marked V" if kind in ("image", "pdf") else f"pick a bot that takes {wanted[0]}"
    return f"{bot_name} reads {reads}: {mark} for {filename} ({KIND_WORDS[kind]})."


def check(bot_name: str, inputs: Sequence[str], drafts: Iterable[Any]) -> None:
    """Raise AttachmentError for the first file the bot cannot read (never dropped silently)."""
    for draft in drafts:
        why = refusal(bot_name, inputs, kind_of(draft.mime), draft.filename)
        if why:
            raise AttachmentError(why)


def _data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def part(filename: str, mime: str, data: bytes) -> dict[str, Any]:
    """One content part for a stored or drafted file."""
    k = kind_of(mime)
    if k == "image":
        return {"type": "image_url", "image_url": {"url": _data_url(mime, data)}}
    if k == "text":
        text = data.decode("utf-8", errors="replace")
        return {"type": "text", "text": f"{filename}:\n```\n{text}\n```"}
    return {"type": "file", "file": {"filename": filename, "file_data": _data_url(mime, data)}}


def content(text: str, files: Iterable[Any]) -> str | list[dict[str, Any]]:
    """A user turn's content: the plain string when nothing is attached, else the text part
    followed by one part per file (each with `filename`, `mime` and `data`)."""
    parts = [part(f.filename, f.mime, f.data) for f in files if f.data is not None]
    if not parts:
        return text
    return [{"type": "text", "text": text}, *parts]
