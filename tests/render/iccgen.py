"""Tiny matrix/TRC ICC v2 profiles written by hand, so colour tests need no profile files on disk."""

from __future__ import annotations

import struct

D50 = (0.9642, 1.0, 0.8249)
ADOBE_RGB = {  # Adobe RGB (1998), D50-adapted colorants, gamma 563/256
    "r": (0.60974, 0.31111, 0.01947),
    "g": (0.20528, 0.62567, 0.06087),
    "b": (0.14919, 0.06322, 0.74457),
}


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)


def _curv(gamma: float) -> bytes:
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    body = b"desc\0\0\0\0" + struct.pack(">I", len(ascii_)) + ascii_ + struct.pack(">II", 0, 0)
    body += struct.pack(">HB", 0, 0) + b"\0" * 67
    return body + b"\0" * (-len(body) % 4)


def _profile(colour_space: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries, data = b"", b""
    for sig, payload in tags:
        entries += sig + struct.pack(">II", offset + len(data), len(payload))
        data += payload + b"\0" * (-len(payload) % 4)
    size = offset + len(data)
    header = struct.pack(">I4sI4s4s4s", size, b"lcms", 0x02100000, b"mntr", colour_space, b"XYZ ")
    header += struct.pack(">6H", 2026, 1, 1, 0, 0, 0) + b"acsp" + b"APPL" + b"\0" * 4
    header += b"\0" * 8 + b"\0" * 8 + struct.pack(">I", 0) + b"".join(_s15(v) for v in D50)
    header += b"lcms" + b"\0" * 16 + b"\0" * 28
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + entries + data


def adobe_rgb() -> bytes:
    gamma = _curv(563 / 256)
    return _profile(
        b"RGB ",
        [
            (b"desc", _desc("Test Adobe RGB (1998)")),
            (b"wtpt", _xyz(D50)),
            (b"rXYZ", _xyz(ADOBE_RGB["r"])),
            (b"gXYZ", _xyz(ADOBE_RGB["g"])),
            (b"bXYZ", _xyz(ADOBE_RGB["b"])),
            (b"rTRC", gamma),
            (b"gTRC", gamma),
            (b"bTRC", gamma),
        ],
    )


def grey(gamma: float = 2.2) -> bytes:
    return _profile(
        b"GRAY", [(b"desc", _desc(f"Test Gray gamma {gamma}")), (b"wtpt", _xyz(D50)), (b"kTRC", _curv(gamma))]
    )
