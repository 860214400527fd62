"""Deterministic answers: what each bot says, seeded by the conversation so reruns match.

Demo bots have personalities (showcase, echo, reasoner, long, image); every real bot in the list
answers with a short markdown note that names it, reasoning bots think first, media bots answer
with a CDN URL, tool-capable bots given `tools` call one. Nothing here knows about HTTP.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

from .faults import Fault
from .showcase import long_answer, showcase
from .tokens import count_tokens, split_pieces
from .validation import ChatRequest

CDN = "https://pfst.cf2.poecdn.net/base"
IMAGE_PART_TOKENS = 85
FILE_PART_TOKENS = 250
LONG_DEFAULT_TOKENS = 1200
LONG_MAX_TOKENS = 200_000
_SIZES = {"1:1": (1024, 1024), "16:9": (1344, 768), "9:16": (768, 1344), "4:3": (1152, 896), "3:4": (896, 1152)}


@dataclass
class Reply:
    content: str
    reasoning: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str = "stop"

    def presented(self, reasoning_field: str) -> tuple[str, str, tuple[str, ...]]:
        """(content, reasoning, reasoning keys) as sent: thinking inline in content, hidden, or in fields."""
        if not self.reasoning or reasoning_field == "hidden":
            return self.content, "", ()
        if reasoning_field == "inline":
            return f"<think>\n{self.reasoning}\n</think>\n\n{self.content}", "", ()
        keys = ("reasoning_content", "reasoning") if reasoning_field == "both" else (reasoning_field,)
        return self.content, self.reasoning, keys


# Reading messages ---------------------------------------------------------------------------------

def message_text(content: Any) -> str:
    """The text of a message: the string, or its text parts joined by newlines."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def prompt_tokens(messages: list[dict[str, Any]]) -> int:
    total = 0
    for msg in messages:
        content = msg.get("content")
        total += count_tokens(message_text(content))
        if isinstance(content, list):
            for part in content:
                if isinstance(part, dict):
                    total += {"image_url": IMAGE_PART_TOKENS, "file": FILE_PART_TOKENS}.get(part.get("type"), 0)
    return total


def last_user_text(messages: list[dict[str, Any]]) -> str:
    for msg in reversed(messages):
        if msg.get("role") == "user":
            return message_text(msg.get("content"))
    return message_text(messages[-1].get("content"))


def preview(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _describe(content: Any) -> str:
    if isinstance(content, str):
        return preview(content)
    if not isinstance(content, list):
        return "(no content)"
    bits = []
    for part in content:
        kind = part.get("type")
        if kind == "text":
            bits.append(preview(part.get("text", "")))
        elif kind == "image_url":
            url = part["image_url"]["url"]
            bits.append(f"[image {url.split(';')[0] if url.startswith('data:') else preview(url, 40)}]")
        elif kind == "file":
            file = part["file"]
            bits.append(f"[file {file.get('filename') or file.get('file_id') or 'unnamed'}]")
    return " ".join(bits)


def _seed(req: ChatRequest) -> str:
    convo = json.dumps([m.get("content") for m in req.messages], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{req.bot.id}\0{convo}".encode()).hexdigest()


# What each bot says -------------------------------------------------------------------------------

def _echo(req: ChatRequest, body: dict[str, Any]) -> str:
    params = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(req.params.items())) or "none"
    skip = {"model", "messages", *req.params}
    options = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(body.items()) if k not in skip) or "none"
    lines = [
        f"**{req.bot.display_name}** received:",
        "",
        f"- model: `{req.model}`",
        f"- messages: {len(req.messages)}",
        f"- params: {params}",
        f"- options: {options}",
    ]
    for i, msg in enumerate(req.messages, 1):
        lines.append(f"- #{i} {msg['role']}: {_describe(msg.get('content'))}")
    return "\n".join(lines) + "\n"


_ARITH = re.compile(r"(-?\d+)\s*([-+*/×x])\s*(-?\d+)")


def _reasoner(req: ChatRequest, text: str) -> tuple[str, str]:
    effort = req.params.get("reasoning_effort", "medium")
    steps = {"low": 1, "medium": 3, "high": 6}.get(effort, 3)
    match = _ARITH.search(text)
    if match:
        a, op, b = int(match[1]), match[2], int(match[3])
        ops = {"+": a + b, "-": a - b, "*": a * b, "×": a * b, "x": a * b, "/": a / b if b else float("nan")}
        result = ops[op]
        if isinstance(result, float) and result.is_integer():
            result = int(result)
        sym = "×" if op in "*×x" else op
        thoughts = [f"The question is {a} {sym} {b}."]
        if sym == "×":
            tens, units = b - b % 10, b % 10
            thoughts.append(f"Split {b} into {tens} + {units}: {a} × {tens} = {a * tens} and {a} × {units} = {a * units}.")
            thoughts.append(f"Add them: {a * tens} + {a * units} = {result}.")
        thoughts += [f"Double-check: the result is {result}.", "That is consistent.", "Give the answer clearly."]
        reasoning = " ".join(thoughts[: max(steps, 2)])
        answer = f"Step by step, {a} {sym} {b} works out as shown.\n\n**Answer: {result}**\n"
        return reasoning, answer
    topic = preview(text, 50)
    thoughts = [
        f"The user asks: “{topic}”.",
        "I should identify what is really being asked before answering.",
        "A short structured answer works best: a summary, then the key points.",
        "Consider edge cases and whether anything is ambiguous.",
        "Check that each point is correct and actually relevant.",
        "Keep the final answer concise; the details are in this reasoning.",
    ]
    reasoning = "\n\n".join(thoughts[:steps])
    answer = (f"Having thought it over ({effort} effort), here is my answer about “{topic}”:\n\n"
              "1. Start from what you know.\n2. Test one assumption at a time.\n3. Keep what works — et voilà ✓\n")
    return reasoning, answer


_OPENERS = (
    "Here is a short answer.",
    "Happy to help with that.",
    "Good question — here is the gist.",
    "Let me sum it up briefly.",
)
_POINTS = (
    "Start with the simplest thing that could work.",
    "Measure before you optimise.",
    "Keep each piece small and testable.",
    "Write down what you decided and why.",
    "Prefer clear names over clever code.",
    "Handle the error cases first.",
    "Check the result against a known example.",
)
_CLOSINGS = (
    "Hope that helps — à bientôt! 🙂",
    "That's all — bonne journée ✨",
    "Done. (日本語 and emoji 🚀 render fine too.)",
    "Anything else? Je suis là 👋",
)


def _generic(req: ChatRequest, text: str, rng: random.Random) -> str:
    points = rng.sample(_POINTS, 3)
    return (
        f"**{req.bot.display_name}** (offline emulator) on “{preview(text, 50)}”:\n\n"
        f"{rng.choice(_OPENERS)} This is a deterministic reply, the same every time for the same conversation.\n\n"
        + "".join(f"- {p}\n" for p in points)
        + f"\n{rng.choice(_CLOSINGS)}\n"
    )


def _generic_reasoning(req: ChatRequest, text: str) -> str:
    return (f"The user wrote “{preview(text, 50)}”. I am {req.bot.display_name}, running offline, so I will give "
            "a short, well-formed markdown answer: an opening line, three points, a friendly close.")


def _media(req: ChatRequest, kind: str, text: str) -> str:
    digest = hashlib.sha256(f"{req.bot.id}\0{text}".encode()).hexdigest()
    url = f"{req.media_base or CDN}/{kind}/{digest}"
    if kind != "image":
        return url
    w, h = _SIZES.get(req.params.get("aspect_ratio", "1:1"), (1024, 1024))
    alt = re.sub(r"[\[\]\n]", " ", preview(text, 40)) or "image"
    return f"![{alt}.png]({url}?w={w}&h={h})\n\n{url}?w={w}&h={h}"


def _tool_call(req: ChatRequest, text: str) -> dict[str, Any] | None:
    if not req.tools or req.tool_choice == "none" or req.messages[-1].get("role") == "tool":
        return None
    wanted = None
    if isinstance(req.tool_choice, dict):
        wanted = (req.tool_choice.get("function") or {}).get("name")
    tool = next((t for t in req.tools if t["function"]["name"] == wanted), req.tools[0])["function"]
    schema = tool.get("parameters") or {}
    props = schema.get("properties") or {}
    place = re.search(r"[A-Z][a-z]+(?: [A-Z][a-z]+)+", text)
    args: dict[str, Any] = {}
    for name in schema.get("required") or list(props):
        prop = props.get(name) or {}
        if isinstance(prop.get("enum"), list) and prop["enum"]:
            args[name] = prop["enum"][0]
        else:
            args[name] = {"integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}.get(
                prop.get("type"), place[0] if place else preview(text, 40))
    digits = int(hashlib.sha256(f"{tool['name']}{text}".encode()).hexdigest()[:12], 16) % 10**8
    return {"id": f"call_{digits:08d}", "type": "function",
            "function": {"name": tool["name"], "arguments": json.dumps(args, ensure_ascii=False)}}


def make_reply(req: ChatRequest, body: dict[str, Any], fault: Fault) -> Reply:
    """The full answer `req.bot` gives, before any stream shaping."""
    text = last_user_text(req.messages)
    rng = random.Random(_seed(req))
    reasoning = ""
    call = _tool_call(req, text)
    bot_id = req.bot.id
    if call is not None:
        return Reply(content="", tool_calls=[call], finish_reason=fault.finish_reason or "tool_calls")
    if bot_id == "demo-markdown":
        content = showcase(preview(text, 60))
    elif bot_id == "demo-echo":
        content = _echo(req, body)
    elif bot_id == "demo-reasoner":
        reasoning, content = _reasoner(req, text)
    elif bot_id == "demo-long":
        match = re.search(r"tokens\s*=\s*(\d+)", text)
        tokens = min(int(match[1]), LONG_MAX_TOKENS) if match else LONG_DEFAULT_TOKENS
        content = long_answer(tokens, _seed(req))
    elif bot_id == "demo-image" or req.bot.media_kind:
        content = _media(req, req.bot.media_kind or "image", text)
    else:
        if req.messages[-1].get("role") == "tool":
            text = f"the result of the tool call: {message_text(req.messages[-1].get('content'))}"
        content = _generic(req, text, rng)
        if req.bot.reasons:
            reasoning = _generic_reasoning(req, text)
    if fault.reply is not None:
        content = fault.reply
    if fault.reasoning is not None:
        reasoning = fault.reasoning
    finish = "stop"
    if req.max_tokens is not None and count_tokens(content) > req.max_tokens:
        content = "".join(split_pieces(content)[: req.max_tokens])
        finish = "length"
    return Reply(content=content, reasoning=reasoning, finish_reason=fault.finish_reason or finish)
