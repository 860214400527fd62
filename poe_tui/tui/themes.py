"""Themes: shipped ones (one TOML file each) and the user's, validated before use.

A file that does not parse, lacks a name or primary colour, or holds a bad colour is reported
and skipped; it never stops the app. Shipped themes live in the package (so a non-editable
install finds them); the repository's `themes/` folder holds the same files for readers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

PACKAGE_THEMES = Path(__file__).parent / "shipped_themes"
COLOR_KEYS = ("primary", "secondary", "warning", "error", "success", "accent", "foreground", "background", "surface", "panel", "boost")
OTHER_KEYS = {"name", "dark", "luminosity_spread", "text_alpha", "variables"}


class ThemeError(ValueError):
    pass


@dataclass(frozen=True)
class ThemeProblem:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


def parse_theme(data: dict, source: str = "theme") -> Theme:
    unknown = set(data) - set(COLOR_KEYS) - OTHER_KEYS
    if unknown:
        raise ThemeError(f"unknown key(s): {', '.join(sorted(unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 60:
        raise ThemeError("'name' must be a short string")
    if "primary" not in data:
        raise ThemeError("'primary' colour is required")
    colors: dict[str, str] = {}
    for key in COLOR_KEYS:
        if key in data:
            value = data[key]
            if not isinstance(value, str):
                raise ThemeError(f"'{key}' must be a colour string")
            try:
                Color.parse(value)
            except ColorParseError:
                raise ThemeError(f"'{key}' is not a colour: {value!r}") from None
            colors[key] = value
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in variables.items()):
        raise ThemeError("[variables] must map names to strings")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError("'dark' must be true or false")
    theme = Theme(name=name.strip(), dark=dark, variables=dict(variables), **colors)
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # a colour system that cannot be built is as bad as no file
        raise ThemeError(f"cannot build the colour system: {exc}") from None
    return theme


def load_theme_file(path: Path) -> Theme:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"not valid TOML ({exc})") from None
    except OSError as exc:
        raise ThemeError(f"cannot read ({exc.strerror or exc})") from None
    return parse_theme(data, path.name)


def load_themes(*folders: Path) -> tuple[list[Theme], list[ThemeProblem]]:
    """Every `*.toml` in the folders, in order; a later theme with the same name wins."""
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    for folder in folders:
        try:
            files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        except OSError:
            files = []
        for path in files:
            try:
                theme = load_theme_file(path)
            except ThemeError as exc:
                problems.append(ThemeProblem(path, str(exc)))
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems
