"""The bytes behind a media bot's URLs: a PNG, a WAV and an MP4 made from the URL's hash, so
the same URL always serves the same file and the whole path (see, open, save) works offline.

Served under `/base/{image|audio|video}/<hash>` on the emulator's own address, the path shape
the real CDN uses.
"""

from __future__ import annotations

import io
import math
import struct
from pathlib import Path
import wave
import zlib

IMAGE_SIDE = 96  # small: a preview needs few pixels, and a test compares every byte
TYPES = {"image": "image/png", "audio": "audio/wav", "video": "video/mp4"}


def _colours(digest: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    raw = bytes.fromhex((digest + "0" * 12)[:12]) if all(c in "0123456789abcdef" for c in digest[:12]) else b"\x80" * 6
    return (raw[0], raw[1], raw[2]), (raw[3], raw[4], raw[5])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(digest: str, side: int = IMAGE_SIDE) -> bytes:
    """A gradient from one colour of the hash to the other, with a disc in the middle."""
    (r1, g1, b1), (r2, g2, b2) = _colours(digest)
    rows = []
    centre, radius = side / 2, side / 3.2
    for y in range(side):
        row = bytearray(b"\x00")
        t = y / (side - 1)
        base = (int(r1 + (r2 - r1) * t), int(g1 + (g2 - g1) * t), int(b1 + (b2 - b1) * t))
        for x in range(side):
            if (x - centre) ** 2 + (y - centre) ** 2 < radius**2:
                row += bytes((255 - base[0], 255 - base[1], 255 - base[2]))
            else:
                row += bytes(base)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(b"IEND", b"")


def wav(digest: str, seconds: float = 1.0, rate: int = 8000) -> bytes:
    """A tone whose pitch comes from the hash."""
    pitch = 220 + (int(digest[:4], 16) % 440 if digest[:4].isalnum() else 0)
    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * pitch * i / rate))) for i in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


CLIP = Path(__file__).with_name("data") / "clip.mp4"  # 2 s, 96x96 H.264 test pattern, 440 Hz AAC tone


def mp4(digest: str) -> bytes:
    """A real, playable film (the same short clip for every video: an encoder has no place in
    an offline emulator, so the clip was made once with ffmpeg's test source and is shipped)."""
    return CLIP.read_bytes()


def media_bytes(kind: str, digest: str) -> tuple[bytes, str] | None:
    """(bytes, content type) for a media URL, or None for a kind the CDN does not serve."""
    make = {"image": png, "audio": wav, "video": mp4}.get(kind)
    return None if make is None else (make(digest), TYPES[kind])
