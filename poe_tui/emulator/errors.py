"""Error responses in the service's shapes: the JSON error envelope, or a CDN's HTML page.

Handlers raise `ApiError`; the app turns it into a response with the same headers a real
error carries, so the client's tolerant parsing is exercised against the real shapes.
"""

from __future__ import annotations

import json
from typing import Any

# The error table of POE_API.md: status -> the service's `type`.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "insufficient_credits",
    403: "moderation_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "provider_error",
    502: "upstream_error",
    503: "overloaded_error",
    529: "overloaded_error",
}

DEFAULT_MESSAGES: dict[int, str] = {
    400: "Invalid request.",
    401: "Invalid API key.",
    402: "Insufficient points to complete this request.",
    403: "This request was flagged by moderation and refused.",
    404: "Not found.",
    408: "The request timed out while waiting for the bot.",
    413: "The conversation is too long for this bot's context window.",
    429: "Rate limit exceeded. Please slow down.",
    500: "The bot's provider returned an error.",
    502: "Bad gateway: the upstream provider did not answer.",
    503: "The service is overloaded. Please try again later.",
    524: "A timeout occurred.",
    529: "The bot is overloaded. Please try again later.",
}

_CDN_TITLES = {502: "Bad gateway", 503: "Service unavailable", 504: "Gateway time-out", 520: "Web server is returning an unknown error", 522: "Connection timed out", 524: "A timeout occurred"}


class ApiError(Exception):
    """An HTTP error answer: JSON envelope by default, an HTML page when `html`."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        type: str | None = None,
        code: str | int | None = None,
        param: str | None = None,
        retry_after: str | int | float | None = None,
        html: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.message = message or DEFAULT_MESSAGES.get(status) or f"HTTP {status}"
        self.type = type or ERROR_TYPES.get(status) or ("server_error" if status >= 500 else "invalid_request_error")
        self.code = code
        self.param = param
        self.retry_after = retry_after
        self.html = html
        self.extra_headers = headers
        super().__init__(self.message)

    def body(self) -> bytes:
        if self.html:
            return html_page(self.status).encode("utf-8")
        err: dict[str, Any] = {"message": self.message, "type": self.type}
        if self.param is not None:
            err["param"] = self.param
        if self.code is not None:
            err["code"] = self.code
        return json.dumps({"error": err}, ensure_ascii=False).encode("utf-8")

    def headers(self) -> dict[str, str]:
        headers = {"content-type": "text/html; charset=UTF-8" if self.html else "application/json"}
        if self.retry_after is not None:
            value = self.retry_after
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            headers["retry-after"] = str(value)
        return headers


def html_page(status: int) -> str:
    """A Cloudflare-style error page, as the CDN in front of the API serves for 502/524."""
    title = _CDN_TITLES.get(status, "Error")
    return (
        "<!DOCTYPE html>\n<!--[if lt IE 7]> <html class=\"no-js ie6 oldie\" lang=\"en-US\"> <![endif]-->\n"
        f"<html lang=\"en-US\">\n<head>\n<title>api.poe.com | {status}: {title}</title>\n"
        "<meta charset=\"UTF-8\" />\n<meta name=\"robots\" content=\"noindex, nofollow\" />\n</head>\n"
        f"<body>\n<div id=\"cf-wrapper\">\n<h1><span class=\"cf-error-type\">Error</span> "
        f"<span class=\"cf-error-code\">{status}</span></h1>\n<h2>{title}</h2>\n"
        "<p>The web server reported an error. Please try again in a few minutes.</p>\n"
        "<p>Cloudflare Ray ID: <strong>8f1c2d3e4a5b6c7d</strong></p>\n</div>\n</body>\n</html>\n"
    )
