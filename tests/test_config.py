"""Settings precedence, plain: command-line flag > environment > config file > default."""

from __future__ import annotations

import pytest

from poe_tui import config
from poe_tui.config import ConfigError, Settings, load_settings


@pytest.fixture
def file(tmp_path):
    path = tmp_path / "config.toml"

    def write(**values):
        config.write_file(values, path)
        return path

    return write


def test_defaults_with_no_file_and_no_environment(tmp_path):
    s = load_settings(path=tmp_path / "missing.toml")
    assert s == Settings(api_key_source="none")
    assert s.base_url == config.DEFAULT_BASE_URL and s.api_key is None
    assert (s.first_byte_timeout, s.slow_first_byte_timeout, s.idle_timeout) == (
        config.FIRST_BYTE_TIMEOUT, config.SLOW_FIRST_BYTE_TIMEOUT, config.IDLE_TIMEOUT,
    )


def test_file_beats_default(file):
    s = load_settings(path=file(api_key="file-key", base_url="http://file.example:1", idle_timeout=5))
    assert (s.api_key, s.api_key_source, s.base_url, s.idle_timeout) == ("file-key", "file", "http://file.example:1", 5.0)


def test_environment_beats_file(file, monkeypatch):
    path = file(api_key="file-key", base_url="http://file.example:1")
    monkeypatch.setenv("POE_API_KEY", "env-key")
    monkeypatch.setenv("POE_BASE_URL", "http://env.example:2")
    s = load_settings(path=path)
    assert (s.api_key, s.api_key_source, s.base_url) == ("env-key", "env", "http://env.example:2")


def test_flag_beats_environment_and_file(file, monkeypatch):
    path = file(api_key="file-key", base_url="http://file.example:1")
    monkeypatch.setenv("POE_API_KEY", "env-key")
    monkeypatch.setenv("POE_BASE_URL", "http://env.example:2")
    s = load_settings(api_key="flag-key", base_url="http://flag.example:3/", path=path)
    assert (s.api_key, s.api_key_source, s.base_url) == ("flag-key", "flag", "http://flag.example:3")


def test_the_older_read_timeout_stands_in_for_both_waits(file):
    s = load_settings(path=file(read_timeout=42))
    assert (s.first_byte_timeout, s.slow_first_byte_timeout, s.idle_timeout) == (42.0, 42.0, 42.0)
    s = load_settings(path=file(read_timeout=42, idle_timeout=7))
    assert (s.first_byte_timeout, s.idle_timeout) == (42.0, 7.0)


@pytest.mark.parametrize("key", ["first_byte_timeout", "idle_timeout", "request_timeout", "max_retry_after"])
@pytest.mark.parametrize("value", [0, -1, "soon", True])
def test_a_bad_wait_names_the_key(file, key, value):
    with pytest.raises(ConfigError, match=key):
        load_settings(path=file(**{key: value}))


def test_the_key_never_shows_in_the_settings_repr(file):
    assert "file-key" not in repr(load_settings(path=file(api_key="file-key")))
