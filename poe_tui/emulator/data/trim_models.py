"""Rebuild models.json: the real April 2026 bot list, trimmed, plus the demo bots.

Kept as provenance for the shipped file; run it by hand, it is not imported:
    python poe_tui/emulator/data/trim_models.py /work/shared/fixtures/poe-models-2026-04.json
Every bot and every field POE_API.md names is kept; thumbnails, profile URLs and `root`
(a copy of `id`) are dropped, and the file is written one bot a line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEMO_OWNER = "poe-tui demo"
_CREATED = 1767225600000  # 2026-01-01, unix ms like the real list


def _demo(bot_id: str, name: str, description: str, *, inputs=("text",), outputs=("text",),
          pricing=None, context=128000, max_out=8192, reasoning=None, parameters=()) -> dict:
    price = {"prompt": None, "completion": None, "image": None, "request": None,
             "input_cache_read": None, "input_cache_write": None}
    price.update(pricing or {})
    return {
        "id": bot_id, "object": "model", "created": _CREATED, "description": description,
        "owned_by": DEMO_OWNER,
        "architecture": {"input_modalities": list(inputs), "output_modalities": list(outputs),
                         "modality": f"{','.join(inputs)}->{','.join(outputs)}"},
        "supported_features": [], "supported_endpoints": ["/v1/chat/completions"],
        "pricing": price,
        "context_window": {"context_length": context, "max_output_tokens": max_out},
        "context_length": context,
        "metadata": {"display_name": name},
        "reasoning": reasoning,
        "parameters": list(parameters),
    }


DEMO_BOTS = [
    _demo("demo-markdown", "Demo-Markdown",
          "Offline demo bot: answers with a markdown showcase (headings, lists, a table, code, quotes, links).",
          inputs=("text", "image"), pricing={"prompt": "0.00000030", "completion": "0.0000015"}),
    _demo("demo-echo", "Demo-Echo",
          "Offline demo bot: reports what it received (model, every message, parameters). Flat 1 point.",
          inputs=("text", "image", "file"), pricing={"request": "0.000030"},
          parameters=[
              {"name": "web_search", "schema": {"type": "boolean"}, "default_value": False,
               "description": "Pretend to search the web (echoed back only)."},
              {"name": "verbosity", "schema": {"enum": ["low", "medium", "high"]}, "default_value": "medium",
               "description": "How chatty the echo is (echoed back only)."},
              {"name": "thinking_budget", "schema": {"type": "number", "minimum": 0, "maximum": 8192},
               "default_value": 0, "description": "A numeric parameter (echoed back only)."},
          ]),
    _demo("demo-reasoner", "Demo-Reasoner",
          "Offline demo bot: thinks first (streamed as reasoning), then answers. Effort sets how long it thinks.",
          pricing={"prompt": "0.00000060", "completion": "0.0000024"},
          reasoning={"budget": None, "required": False, "supports_reasoning_effort": True},
          parameters=[{"name": "reasoning_effort", "schema": {"enum": ["low", "medium", "high"]},
                       "default_value": "medium", "description": "How long to think before answering."}]),
    _demo("demo-long", "Demo-Long",
          "Offline demo bot: a long markdown answer; put tokens=N in the message for about N tokens.",
          pricing={"prompt": "0.00000010", "completion": "0.00000030"}, context=200000, max_out=200000),
    _demo("demo-image", "Demo-Image",
          "Offline demo media bot: answers with a markdown image hosted on the Poe CDN.",
          inputs=("text", "image"), outputs=("image",), pricing={"request": "0.0030"},
          parameters=[{"name": "aspect_ratio", "schema": {"enum": ["1:1", "16:9", "9:16", "4:3", "3:4"]},
                       "default_value": "1:1", "description": "Shape of the image."}]),
]


def trim(model: dict) -> dict:
    out = {k: v for k, v in model.items() if k != "root"}
    meta = model.get("metadata")
    if isinstance(meta, dict):
        out["metadata"] = {k: v for k, v in meta.items() if k not in ("image", "url")}
    return out


def main(source: str) -> None:
    real = json.loads(Path(source).read_text(encoding="utf-8"))
    data = [trim(m) for m in real["data"]] + DEMO_BOTS
    lines = ",\n".join(json.dumps(m, ensure_ascii=False, separators=(",", ":")) for m in data)
    target = Path(__file__).with_name("models.json")
    target.write_text('{"object":"list","data":[\n' + lines + "\n]}\n", encoding="utf-8")
    print(f"{target}: {len(data)} bots, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
