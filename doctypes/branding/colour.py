"""Readable text on a workspace's accent colour (WCAG 2 contrast); no I/O."""

from __future__ import annotations

BLACK, WHITE = "#000000", "#ffffff"


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.03928 else ((srgb + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour, 0 (black) to 1 (white)."""
    red, green, blue = (_channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on `background`. One of them always reaches 4.5:1
    (WCAG AA for body text) against any colour, so any accent a workspace picks stays legible."""
    return BLACK if contrast(background, BLACK) >= contrast(background, WHITE) else WHITE
