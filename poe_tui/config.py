"""Settings: TOML file < environment < command-line flags, and where files live.

Paths come from platformdirs, so XDG_CONFIG_HOME / XDG_DATA_HOME move everything (tests rely on it).
The API key lives only in the config file (mode 0600) or the environment, never anywhere else.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

APP_NAME = "poe-tui"
DEFAULT_BASE_URL = "https://api.poe.com"
DEFAULT_BOT = "Claude-Sonnet-4.6"
DEFAULT_THEME = "poe-dark"
# Waits, in seconds (the client's defaults too).
CONNECT_TIMEOUT = 10.0  # to open a connection
FIRST_BYTE_TIMEOUT = 60.0  # from a chat request to the reply's first text
SLOW_FIRST_BYTE_TIMEOUT = 180.0  # the same for media and reasoning bots, which think for tens of seconds
IDLE_TIMEOUT = 60.0  # the longest silence once the reply has started
REQUEST_TIMEOUT = 10.0  # a whole balance, catalogue or history call, retries included
MAX_RETRY_AFTER = 60.0  # a longer Retry-After fails at once ("try again in 1 h")
# Points: ask before sending a message estimated above this; warn in the footer below that (0: never).
CONFIRM_ABOVE = 500
LOW_BALANCE = 1000
# Attachments and media: the largest file a message takes (the service's own limit is near 50 MB;
# a base64 body of that size is slow to send and to keep), and whether images show inline.
MAX_ATTACHMENT_MB = 20


class ConfigError(Exception):
    """The config file cannot be read or written; the message says which file and why."""


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def db_path(demo: bool = False) -> Path:
    """The demo keeps its history apart from the user's real one."""
    return data_dir() / ("demo.db" if demo else "history.db")


def user_themes_dir() -> Path:
    return config_dir() / "themes"


@dataclass(frozen=True)
class Settings:
    api_key: str | None = None
    base_url: str = DEFAULT_BASE_URL
    default_bot: str = DEFAULT_BOT
    theme: str = DEFAULT_THEME
    connect_timeout: float = CONNECT_TIMEOUT
    first_byte_timeout: float = FIRST_BYTE_TIMEOUT
    slow_first_byte_timeout: float = SLOW_FIRST_BYTE_TIMEOUT
    idle_timeout: float = IDLE_TIMEOUT
    request_timeout: float = REQUEST_TIMEOUT
    max_retry_after: float = MAX_RETRY_AFTER
    read_timeout: float | None = None  # older key: first-byte and idle where those are not set
    max_retries: int = 4
    confirm_above: int = CONFIRM_ABOVE
    low_balance: int = LOW_BALANCE
    max_attachment_mb: int = MAX_ATTACHMENT_MB
    media_dir: str | None = None  # where saved media go (None: the user's Downloads, else home)
    inline_images: bool = True  # image previews in the transcript, where the terminal can show them
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s), e.g. {"send": "enter"}
    api_key_source: str = "none"  # "flag", "env", "file" or "none": for messages, never the key itself

    def __repr__(self) -> str:  # never print the key
        masked = "set" if self.api_key else "unset"
        return f"Settings(api_key={masked}, base_url={self.base_url!r}, default_bot={self.default_bot!r})"


def read_file(path: Path | None = None) -> dict[str, Any]:
    path = path or config_path()
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None


def _check_url(url: str) -> None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise ConfigError(f"the API base URL {url!r} is not valid ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"the API base URL {url!r} must look like https://host[:port]")


TIMEOUT_KEYS = (
    "connect_timeout", "first_byte_timeout", "slow_first_byte_timeout", "idle_timeout", "request_timeout",
    "max_retry_after",
)


def _float(data: dict[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"{config_path()}: '{key}' must be a positive number")
    return float(value)


POINTS_KEYS = ("confirm_above", "low_balance")


def _points(data: dict[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{config_path()}: '{key}' must be a whole number of points (0 turns it off)")
    return value


def _media_settings(data: dict[str, Any]) -> dict[str, Any]:
    limit = data.get("max_attachment_mb", MAX_ATTACHMENT_MB)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigError(f"{config_path()}: 'max_attachment_mb' must be a whole number of megabytes (1 or more)")
    folder = data.get("media_dir")
    if folder is not None and (not isinstance(folder, str) or not folder.strip()):
        raise ConfigError(f"{config_path()}: 'media_dir' must be a folder path")
    inline = data.get("inline_images", True)
    if not isinstance(inline, bool):
        raise ConfigError(f"{config_path()}: 'inline_images' must be true or false")
    return {"max_attachment_mb": limit, "media_dir": folder, "inline_images": inline}


def media_dir(settings: Settings) -> Path:
    """Where saved media go: the setting, else the user's Downloads folder, else home."""
    if settings.media_dir:
        return Path(os.path.expanduser(settings.media_dir))
    from platformdirs import user_downloads_dir

    return Path(user_downloads_dir())


def load_settings(
    *, api_key: str | None = None, base_url: str | None = None, path: Path | None = None
) -> Settings:
    """Flag > environment (POE_API_KEY, POE_BASE_URL) > config file > default."""
    data = read_file(path)
    source = "none"
    key = data.get("api_key") if isinstance(data.get("api_key"), str) else None
    if key:
        source = "file"
    if os.environ.get("POE_API_KEY"):
        key, source = os.environ["POE_API_KEY"], "env"
    if api_key:
        key, source = api_key, "flag"
    url = str(base_url or os.environ.get("POE_BASE_URL") or data.get("base_url") or DEFAULT_BASE_URL)
    _check_url(url)
    retries = data.get("max_retries", 4)
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 20:
        raise ConfigError(f"{config_path()}: 'max_retries' must be a whole number from 0 to 20")
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError(f"{config_path()}: [keys] must map binding ids to key names (strings)")
    times: dict[str, Any] = {}
    if "read_timeout" in data:  # the older single knob stands in for the two waits it meant
        legacy = _float(data, "read_timeout", 0)
        times.update(read_timeout=legacy, first_byte_timeout=legacy, slow_first_byte_timeout=legacy, idle_timeout=legacy)
    for name in TIMEOUT_KEYS:
        if name in data:
            times[name] = _float(data, name, 0)
    points = {name: _points(data, name, getattr(Settings, name)) for name in POINTS_KEYS}
    return Settings(
        **times,
        **points,
        **_media_settings(data),
        api_key=key.strip() if key else None,
        base_url=str(url).rstrip("/"),
        default_bot=str(data.get("default_bot") or DEFAULT_BOT),
        theme=str(data.get("theme") or DEFAULT_THEME),
        max_retries=retries,
        keys=dict(keys),
        api_key_source=source,
    )


def write_file(data: dict[str, Any], path: Path | None = None) -> Path:
    """Write atomically with mode 0600 from the first byte (the file may hold the key)."""
    import tomli_w

    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)  # a leftover could have a looser mode; O_EXCL makes ours 0600
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            tomli_w.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def update_file(path: Path | None = None, **values: Any) -> Path:
    """Set (or, with None, remove) top-level keys, keeping everything else in the file."""
    data = read_file(path)
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return write_file(data, path)


def save_api_key(key: str, path: Path | None = None) -> Path:
    return update_file(path, api_key=key.strip())


def remove_api_key(path: Path | None = None) -> bool:
    """True if a key was removed."""
    data = read_file(path)
    if "api_key" not in data:
        return False
    update_file(path, api_key=None)
    return True
