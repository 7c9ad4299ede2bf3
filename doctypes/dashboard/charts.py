"""Charts drawn on the server as SVG: no script, nothing fetched, readable by screen readers
(a title and a description, and every bar's figure in its own title)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

BAR, HEIGHT, GAP = 20, 160, 2
TALLEST = HEIGHT - 20


def bars(title: str, labelled: Sequence[tuple[str, int]]) -> str:
    """A bar per (label, value), left to right, scaled to the largest; its ids come from the title,
    so give each chart of a page its own."""
    if not labelled:
        return f"<p>{html.escape(title)}: nothing yet.</p>"
    top = max(value for _, value in labelled) or 1
    # Whole units: each bar BAR wide, the view as wide as the bars (integers format fastest).
    rects = [f'<rect x="{index * BAR + GAP // 2}" y="{HEIGHT - value * TALLEST // top}" width="{BAR - GAP}" '
             f'height="{value * TALLEST // top}"><title>{html.escape(label)}: {value:,}</title></rect>'
             for index, (label, value) in enumerate(labelled)]
    summary = f"{sum(v for _, v in labelled):,} in all; most on {html.escape(max(labelled, key=lambda p: p[1])[0])} ({top:,})"
    ident = "chart-" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "bars")  # a page has several
    return (f'<figure class=chart><svg viewBox="0 0 {BAR * len(labelled)} {HEIGHT}" role=img '
            f'aria-labelledby="{ident}-t {ident}-d" width="100%" height="{HEIGHT}" preserveAspectRatio="none" '
            f'fill="#1d4ed8"><title id={ident}-t>{html.escape(title)}</title>'
            f'<desc id={ident}-d>{summary}</desc>{"".join(rects)}</svg>'
            f'<figcaption>{html.escape(title)}: {summary}</figcaption></figure>')
