"""Draw the integration's brand icon: a SIM card with signal bars on a teal tile.

Pure Python (zlib + struct) so that the icon can be redrawn anywhere without an image
library. Run from the repository root: ``python scripts/make_icon.py``.
"""

from __future__ import annotations

from pathlib import Path
import struct
import zlib

SIZE = 256
SUPERSAMPLE = 4  # sub-pixels per axis, for smooth edges

TILE = (11, 110, 121)  # teal background
CARD = (250, 250, 247)  # SIM card body
BARS = (11, 110, 121)  # signal bars, same teal as the tile

TARGET = (
    Path(__file__).resolve().parent.parent / "custom_components/ejoin/brand/icon.png"
)


def in_rounded_rect(
    x: float, y: float, box: tuple[float, float, float, float], radius: float
) -> bool:
    """Tell whether a point lies inside a box (left, top, right, bottom) with round corners."""
    left, top, right, bottom = box
    if not (left <= x <= right and top <= y <= bottom):
        return False
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def in_card(x: float, y: float) -> bool:
    """Tell whether a point lies on the SIM card: a rounded card with its top-right corner cut."""
    left, top, right, bottom = 68.0, 40.0, 188.0, 216.0
    if not in_rounded_rect(x, y, (left, top, right, bottom), 12.0):
        return False
    cut = 40.0
    return (x - (right - cut)) - (y - top) <= 0


def in_bars(x: float, y: float) -> bool:
    """Tell whether a point lies on one of the four signal bars drawn on the card."""
    base = 188.0
    for index in range(4):
        left = 88.0 + index * 22.0
        height = 28.0 + index * 22.0
        if in_rounded_rect(x, y, (left, base - height, left + 14.0, base), 3.0):
            return True
    return False


def colour_at(x: float, y: float) -> tuple[int, int, int, int]:
    """Return the RGBA colour of one sample point."""
    if not in_rounded_rect(x, y, (0.0, 0.0, SIZE, SIZE), 48.0):
        return (0, 0, 0, 0)
    if in_bars(x, y):
        return (*BARS, 255)
    if in_card(x, y):
        return (*CARD, 255)
    return (*TILE, 255)


def render() -> bytes:
    """Render the icon as raw RGBA rows, each prefixed by PNG's 'no filter' byte."""
    rows = bytearray()
    step = 1.0 / SUPERSAMPLE
    samples = SUPERSAMPLE * SUPERSAMPLE
    for py in range(SIZE):
        rows.append(0)
        for px in range(SIZE):
            total = [0, 0, 0, 0]
            for sy in range(SUPERSAMPLE):
                for sx in range(SUPERSAMPLE):
                    r, g, b, a = colour_at(
                        px + (sx + 0.5) * step, py + (sy + 0.5) * step
                    )
                    total[0] += r * a
                    total[1] += g * a
                    total[2] += b * a
                    total[3] += a
            alpha = total[3]
            if alpha:
                rows += bytes(
                    (
                        total[0] // alpha,
                        total[1] // alpha,
                        total[2] // alpha,
                        alpha // samples,
                    )
                )
            else:
                rows += b"\x00\x00\x00\x00"
    return bytes(rows)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """Frame one PNG chunk with its length and CRC."""
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def main() -> None:
    """Write the icon next to the integration's manifest."""
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    png = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(render(), 9))
        + png_chunk(b"IEND", b"")
    )
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(png)
    print(f"wrote {TARGET} ({len(png)} bytes)")


if __name__ == "__main__":
    main()
