"""QR label images, rendered once per (content, format, size) and then served from memory."""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from qrcode.image.svg import SvgPathImage

QUIET_ZONE = 4  # modules, as the QR standard asks


@lru_cache(maxsize=4096)
def render(data: str, fmt: str, size: int) -> bytes:
    """PNG or SVG bytes of a QR code for `data`, about `size` pixels wide."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    qr.add_data(data)
    qr.make(fit=True)
    qr.box_size = max(1, size // (qr.modules_count + 2 * QUIET_ZONE))
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.make_image(image_factory=SvgPathImage).save(buffer)
    else:
        qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
