"""Media in a reply: image, audio and video URLs recognised by the path shape POE_API.md gives
(`/base/{image|audio|video}/<hash>`, whatever the host), each shown once, and saved under a
name made of the prompt and the bot, never over another file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_URL = r"https?://[^\s()<>\]\[\"']+/base/(?P<kind>image|audio|video)/[A-Za-z0-9_\-]+(?:\?[^\s()<>\]\[\"']*)?"
MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<url>" + _URL.replace("?P<kind>", "?P<mkind>") + r")\)")
BARE_URL = re.compile(_URL)
EXTENSIONS = {"image": ".png", "audio": ".mp3", "video": ".mp4"}
TYPE_EXTENSIONS = {
    "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
    "audio/mpeg": ".mp3", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/ogg": ".ogg",
    "video/mp4": ".mp4", "video/webm": ".webm",
}


@dataclass(frozen=True)
class MediaItem:
    kind: str  # 'image', 'audio' or 'video'
    url: str
    name: str = ""  # the markdown image's alt text, when it had one

    @property
    def label(self) -> str:
        return self.name or f"{self.kind} {urlsplit(self.url).path.rsplit('/', 1)[-1][:12]}"


def _same(url: str) -> str:
    return url.split("?", 1)[0]


def find(text: str) -> list[MediaItem]:
    """Every media item in a reply, once each, in order (the markdown form names it)."""
    items: dict[str, MediaItem] = {}
    for match in MARKDOWN_IMAGE.finditer(text):
        key = _same(match["url"])
        items.setdefault(key, MediaItem(match["mkind"], match["url"], match["alt"].strip()))
    for match in BARE_URL.finditer(text):
        items.setdefault(_same(match[0]), MediaItem(match["kind"], match[0]))
    return list(items.values())


def strip(text: str) -> str:
    """The reply's text without its media URLs (they are shown once, as media items)."""
    if "/base/" not in text:
        return text
    out = MARKDOWN_IMAGE.sub("", text)
    out = BARE_URL.sub("", out)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def _slug(text: str, limit: int = 40) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    slug = "-".join(words).lower()[:limit].strip("-")
    return slug or "media"


def file_name(prompt: str, bot: str, item: MediaItem, content_type: str | None = None) -> str:
    """'a-fox-in-the-snow-demo-image.png': the prompt, the bot, the kind's extension."""
    suffix = TYPE_EXTENSIONS.get((content_type or "").split(";")[0].strip(), EXTENSIONS[item.kind])
    return f"{_slug(prompt)}-{_slug(bot, 30)}{suffix}"


def unused(folder: Path, name: str) -> Path:
    """`name` in `folder`, or with -2, -3... before the suffix: never another file's path."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def save(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` to a new file (exclusive create: a race cannot overwrite either)."""
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        path = unused(folder, name)
        try:
            with open(path, "xb") as fh:
                fh.write(data)
            return path
        except FileExistsError:
            continue
