"""Printable label sheets: a batch's codes as a PDF of common self-adhesive label layouts, each
label a QR of the code's verification URL (its quiet zone kept clear) beside the code in
human-readable form, for whoever has no camera at hand.

The QR is drawn as vector rectangles (one per run of dark modules in a row), so it prints
sharp at any resolution; its quiet zone of four modules lies inside the label's padding and
nothing else is drawn there. A sheet holds at most MAX_LABELS labels per request: a larger
batch is printed in parts (`offset`), so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import qrcode
from fpdf import FPDF

QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks
MAX_LABELS = 1000
PADDING = 1.5  # mm between a label's edge and what is printed on it


@dataclass(frozen=True)
class Layout:
    """A sheet of labels, in millimetres, as its maker publishes it."""

    title: str
    paper: str  # "A4" | "Letter"
    columns: int
    rows: int
    width: float
    height: float
    left: float  # margin to the first column
    top: float  # margin to the first row
    column_gap: float
    row_gap: float = 0.0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


INCH = 25.4
LAYOUTS = {
    "avery-l7160": Layout("A4, 21 labels 63.5 x 38.1 mm (Avery L7160)", "A4", 3, 7, 63.5, 38.1, 7.2, 15.15, 2.5),
    "avery-l7163": Layout("A4, 14 labels 99.1 x 38.1 mm (Avery L7163)", "A4", 2, 7, 99.1, 38.1, 4.65, 15.15, 2.5),
    "avery-l7651": Layout("A4, 65 labels 38.1 x 21.2 mm (Avery L7651)", "A4", 5, 13, 38.1, 21.2, 4.75, 10.7, 2.5),
    "avery-5160": Layout("US Letter, 30 labels 2.625 x 1 in (Avery 5160)", "Letter", 3, 10, 2.625 * INCH, INCH,
                         0.1875 * INCH, 0.5 * INCH, 0.125 * INCH),
    "avery-5163": Layout("US Letter, 10 labels 4 x 2 in (Avery 5163)", "Letter", 2, 5, 4 * INCH, 2 * INCH,
                         0.15625 * INCH, 0.5 * INCH, 0.1875 * INCH),
}
DEFAULT_LAYOUT = "avery-l7160"


@dataclass(frozen=True)
class Label:
    url: str  # what the QR holds
    text: str  # the code as people read it


def sheet(labels: Iterable[Label], layout: Layout, title: str) -> bytes:
    """The PDF of `labels` (at most MAX_LABELS), laid out sheet after sheet."""
    pdf = FPDF(unit="mm", format=layout.paper)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(title)
    pdf.set_creator("traciqo")
    pdf.set_fill_color(0, 0, 0)
    for index, label in enumerate(islice(labels, MAX_LABELS)):
        slot = index % layout.per_sheet
        if slot == 0:
            pdf.add_page()
        row, column = divmod(slot, layout.columns)
        x = layout.left + column * (layout.width + layout.column_gap)
        y = layout.top + row * (layout.height + layout.row_gap)
        _label(pdf, label, x, y, layout)
    if pdf.page == 0:
        pdf.add_page()  # an empty sheet rather than no PDF at all
    return bytes(pdf.output())


def _label(pdf: FPDF, label: Label, x: float, y: float, layout: Layout) -> None:
    side = min(layout.height, layout.width) - 2 * PADDING  # the QR with its quiet zone
    matrix = _modules(label.url)
    count = len(matrix) + 2 * QUIET_ZONE
    module = side / count
    origin_x, origin_y = x + PADDING + QUIET_ZONE * module, y + PADDING + QUIET_ZONE * module
    for r, row in enumerate(matrix):
        for start, length in _dark_runs(row):
            pdf.rect(origin_x + start * module, origin_y + r * module, length * module, module, style="F")
    text_x = x + PADDING + side + PADDING
    text_width = x + layout.width - PADDING - text_x
    if text_width < 10:  # a square label: the code goes under nothing; the QR is the label
        return
    pdf.set_font("Courier", "B", _font_size(label.text, text_width))
    groups = label.text.split("-")
    lines = ["-".join(groups[i:i + 2]) for i in range(0, len(groups), 2)] if text_width < 45 else [label.text]
    line_height = pdf.font_size * 1.25
    top = y + (layout.height - line_height * len(lines)) / 2
    for number, line in enumerate(lines):
        pdf.set_xy(text_x, top + number * line_height)
        pdf.cell(text_width, line_height, line)


def _font_size(text: str, width: float) -> float:
    """Courier's characters are 0.6 of the size wide: the largest size (at most 11 pt) whose
    longest line fits."""
    longest = max(len(text) / 2 + 1, 10) if width < 45 else len(text)
    return max(5.0, min(11.0, width / (longest * 0.6) / 0.3528))


def _modules(data: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def _dark_runs(row: list[bool]) -> Iterator[tuple[int, int]]:
    """(start, length) of each run of dark modules: one rectangle each, not one per module."""
    start = None
    for column, dark in enumerate([*row, False]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            yield start, column - start
            start = None
