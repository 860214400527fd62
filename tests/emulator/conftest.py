"""Fixtures for the emulator's wire tests: a real httpx client on loopback, and a chat helper."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture
def http(emulator, api_key) -> Iterator[httpx.Client]:
    """A client sending the default key. (verify=False: plain http on loopback; skips loading CA certs.)"""
    with httpx.Client(base_url=emulator.base_url, headers={"Authorization": f"Bearer {api_key}"},
                      timeout=10, verify=False) as client:
        yield client


@pytest.fixture
def anon(emulator) -> Iterator[httpx.Client]:
    """A client sending no key unless a request adds one."""
    with httpx.Client(base_url=emulator.base_url, timeout=10, verify=False) as client:
        yield client


@pytest.fixture
def chat(http):
    """POST a one-message chat request; returns the httpx.Response (body read)."""

    def send(model: str = "Demo-Markdown", content: str = "Hello", **extra) -> httpx.Response:
        body = {"model": model, "messages": [{"role": "user", "content": content}], **extra}
        return http.post("/v1/chat/completions", json=body)

    return send


@pytest.fixture
def stream(http):
    """POST a streaming chat request and return (response, raw body bytes)."""

    def send(model: str = "Demo-Markdown", content: str = "Hello", **extra) -> tuple[httpx.Response, bytes]:
        body = {"model": model, "messages": [{"role": "user", "content": content}], "stream": True, **extra}
        with http.stream("POST", "/v1/chat/completions", json=body) as response:
            return response, response.read()

    return send
