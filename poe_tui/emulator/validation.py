"""Checking a chat request the way the service does, with its 400/404 answers.

Since April 2026 the service rejects top-level keys that are neither standard chat-completions
keys nor parameters the bot declares in /v1/models; values of declared parameters are checked
against their JSON schema (enum, type, minimum/maximum).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .bots import BotInfo, Catalog
from .errors import ApiError

STANDARD_KEYS = frozenset({
    "model", "messages", "stream", "stream_options", "temperature", "max_tokens",
    "max_completion_tokens", "top_p", "n", "stop", "tools", "tool_choice", "parallel_tool_calls",
    "user", "seed", "presence_penalty", "frequency_penalty", "response_format", "logit_bias",
    "logprobs", "top_logprobs", "metadata", "store", "service_tier", "modalities", "audio",
    "prediction", "functions", "function_call", "safety_identifier", "prompt_cache_key",
})
ROLES = ("system", "user", "assistant", "tool")
PART_TYPES = ("text", "image_url", "file")


@dataclass
class ChatRequest:
    """A validated chat request."""

    model: str  # as sent
    bot: BotInfo
    messages: list[dict[str, Any]]
    stream: bool = False
    include_usage: bool = False
    max_tokens: int | None = None
    params: dict[str, Any] = field(default_factory=dict)  # the bot-specific keys sent
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: Any = None
    media_base: str | None = None  # where media URLs point (the emulator's own address); None: the real CDN's


def _bad(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_part(part: Any, where: str) -> None:
    if not isinstance(part, dict) or part.get("type") not in PART_TYPES:
        raise _bad(f"Invalid content part at '{where}': 'type' must be one of {', '.join(PART_TYPES)}.", where)
    kind = part["type"]
    if kind == "text" and not isinstance(part.get("text"), str):
        raise _bad(f"Invalid content part at '{where}': a text part needs a string 'text'.", where)
    if kind == "image_url":
        image = part.get("image_url")
        if not isinstance(image, dict) or not isinstance(image.get("url"), str) or not image["url"]:
            raise _bad(f"Invalid content part at '{where}': an image_url part needs 'image_url': {{'url': ...}}.", where)
    if kind == "file":
        file = part.get("file")
        if not isinstance(file, dict) or not isinstance(file.get("file_data") or file.get("file_id"), str):
            raise _bad(f"Invalid content part at '{where}': a file part needs 'file': {{'file_data': ...}}.", where)


def check_messages(messages: Any) -> list[dict[str, Any]]:
    if not isinstance(messages, list) or not messages:
        raise _bad("'messages' must be a non-empty array of messages.", "messages")
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(msg, dict):
            raise _bad(f"Invalid type for '{where}': expected an object.", where)
        if msg.get("role") not in ROLES:
            raise _bad(f"Invalid value for '{where}.role': {msg.get('role')!r}. Supported values are: "
                       + ", ".join(f"'{r}'" for r in ROLES) + ".", f"{where}.role")
        content = msg.get("content")
        if content is None and msg["role"] == "assistant" and msg.get("tool_calls"):
            continue
        if isinstance(content, str):
            continue
        if isinstance(content, list) and content:
            for j, part in enumerate(content):
                _check_part(part, f"{where}.content[{j}]")
            continue
        raise _bad(f"Invalid type for '{where}.content': expected a string or a non-empty array of content parts.",
                   f"{where}.content")
    return messages


def _check_standard(body: dict[str, Any]) -> None:
    if "stream" in body and not isinstance(body["stream"], bool):
        raise _bad("Invalid type for 'stream': expected a boolean.", "stream")
    if body.get("n") is not None and body["n"] != 1:
        raise _bad("Invalid value for 'n': only n=1 is supported.", "n")
    for name, high in (("temperature", 2), ("top_p", 1)):
        value = body.get(name)
        if value is not None and (not _is_number(value) or not 0 <= value <= high):
            raise _bad(f"Invalid value for '{name}': expected a number between 0 and {high}, got {value!r}.", name)
    for name in ("max_tokens", "max_completion_tokens"):
        value = body.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise _bad(f"Invalid value for '{name}': expected a positive integer, got {value!r}.", name)
    options = body.get("stream_options")
    if options is not None and not isinstance(options, dict):
        raise _bad("Invalid type for 'stream_options': expected an object.", "stream_options")
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list) or not all(
            isinstance(t, dict) and isinstance(t.get("function"), dict) and isinstance(t["function"].get("name"), str)
            for t in tools
        ):
            raise _bad("Invalid value for 'tools': expected an array of {'type': 'function', 'function': {'name': ...}}.",
                       "tools")


def _check_param(bot: BotInfo, name: str, value: Any, schema: dict[str, Any]) -> None:
    enum = schema.get("enum")
    if isinstance(enum, list):
        if value not in enum:
            supported = ", ".join(f"'{v}'" for v in enum)
            # The real service's words (a recording): the value and the model id, not the key.
            raise _bad(f"Unsupported value: {value!r} is not supported with the '{bot.id}' model. "
                       f"Supported values are: {supported}.", name, "unsupported_value")
        return
    kind = schema.get("type")
    ok = {
        "boolean": isinstance(value, bool),
        "number": _is_number(value),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }.get(kind, True)
    if not ok:
        raise _bad(f"Invalid type for '{name}': expected {kind}, got {value!r}.", name, "invalid_type")
    if _is_number(value):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise _bad(f"Invalid value for '{name}': expected a number between {low} and {high}, got {value!r}.",
                       name, "invalid_value")


def parse_chat(body: Any, catalog: Catalog) -> ChatRequest:
    """Validate `body`; raise ApiError (400/404) like the service would."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.")
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise _bad("'model' is required: the name of a bot.", "model")
    messages = check_messages(body.get("messages"))
    _check_standard(body)
    bot = catalog.lookup(model)
    if bot is None:
        close = catalog.close_names(model)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise ApiError(404, f"Bot '{model}' does not exist or is not available over the API.{hint}", param="model")
    declared = bot.parameters
    params: dict[str, Any] = {}
    for key, value in body.items():
        if key in STANDARD_KEYS:
            continue
        if key not in declared:
            names = ", ".join(sorted(declared)) or "none"
            raise _bad(f"Unsupported parameter: '{key}' is not supported by the '{bot.display_name}' bot "
                       f"(parameters it declares: {names}).", key, "unsupported_parameter")
        _check_param(bot, key, value, declared[key].get("schema") or {})
        params[key] = value
    tools = body.get("tools") or []
    if tools and not bot.supports_tools:
        raise _bad(f"Model {model} does not support tool calling. Use a tool-capable model or remove tools "
                   "from the request.", "model", "unsupported_feature_for_model")
    options = body.get("stream_options") or {}
    return ChatRequest(
        model=model,
        bot=bot,
        messages=messages,
        stream=bool(body.get("stream")),
        include_usage=bool(options.get("include_usage")),
        max_tokens=body.get("max_completion_tokens") or body.get("max_tokens"),
        params=params,
        tools=tools,
        tool_choice=body.get("tool_choice"),
    )
