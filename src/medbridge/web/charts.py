"""Small server-side charts as inline SVG: horizontal bars, quartile boxes, a funnel.

No JavaScript and nothing fetched: each function returns markup to place in a page. Labels are
escaped; every chart has a <title> and text values, so it reads without colour and in a screen reader.
"""

from __future__ import annotations

from markupsafe import Markup, escape

ROW = 26
LABEL_WIDTH = 170
WIDTH = 640
PLOT = WIDTH - LABEL_WIDTH - 90
# Quartile rows carry a longer note after the whisker ("median (q1–q3, n=…)").
BOX_PLOT = WIDTH - LABEL_WIDTH - 190
LABEL_CHARACTERS = 13
COLOURS = ("#2f6f9f", "#4b8bbe", "#6fa8d6", "#93c4ea", "#b7dcf7", "#d2e9fa", "#e6f2fb")


def _frame(title: str, height: int, body: list[str], kind: str) -> Markup:
    return Markup(
        f'<svg class="chart chart-{kind}" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12"><title>{escape(title)}</title>{"".join(body)}</svg>')


def _label(y: float, text: str) -> str:
    return (f'<text x="{LABEL_WIDTH - 8}" y="{y + ROW / 2 + 4:.1f}" text-anchor="end">'
            f'{escape(_shorten(text))}</text>')


def _shorten(text: str) -> str:
    """Labels end at the plot: a long name is cut with an ellipsis (the full one is in the page's tables)."""
    return text if len(text) <= LABEL_CHARACTERS else text[:LABEL_CHARACTERS - 1] + "…"


def bars(title: str, rows: list[tuple[str, float]], unit: str = "") -> Markup:
    """One horizontal bar per row, longest = full width."""
    top = max((value for _, value in rows), default=0) or 1
    body = []
    for i, (label, value) in enumerate(rows):
        y = i * ROW + 4
        length = PLOT * value / top
        body.append(_label(y, label))
        body.append(f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" fill="{COLOURS[0]}"/>')
        body.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + ROW / 2 + 4:.1f}">'
                    f'{escape(_number(value))}{escape(unit)}</text>')
    return _frame(title, len(rows) * ROW + 8, body, "bars")


def boxes(title: str, rows: list[tuple[str, dict]], unit: str = "") -> Markup:
    """Per row: a whisker from min to max, a box from the first to the third quartile, the median as a
    bar, and "median (q1–q3)" written beside it. Rows without data show "—"."""
    top = max((s["max"] for _, s in rows if s), default=0) or 1
    scale = BOX_PLOT / top
    body = []
    for i, (label, s) in enumerate(rows):
        y = i * ROW + 4
        middle = y + ROW / 2
        body.append(_label(y, label))
        if not s:
            body.append(f'<text x="{LABEL_WIDTH}" y="{middle + 4:.1f}">—</text>')
            continue
        x = lambda v: LABEL_WIDTH + v * scale  # noqa: E731
        body.append(f'<line x1="{x(s["min"]):.1f}" x2="{x(s["max"]):.1f}" y1="{middle:.1f}" y2="{middle:.1f}" stroke="#888"/>')
        body.append(f'<rect x="{x(s["q1"]):.1f}" y="{y + 5}" width="{max(x(s["q3"]) - x(s["q1"]), 1):.1f}" '
                    f'height="{ROW - 10}" fill="{COLOURS[3]}" stroke="{COLOURS[0]}"/>')
        body.append(f'<line x1="{x(s["median"]):.1f}" x2="{x(s["median"]):.1f}" y1="{y + 3}" y2="{y + ROW - 3}" '
                    f'stroke="#123" stroke-width="2"/>')
        body.append(f'<text x="{x(s["max"]) + 6:.1f}" y="{middle + 4:.1f}">{escape(_number(s["median"]))}{escape(unit)} '
                    f'({escape(_number(s["q1"]))}–{escape(_number(s["q3"]))}, n={s["count"]})</text>')
    return _frame(title, len(rows) * ROW + 8, body, "boxes")


def funnel(title: str, rows: list[tuple[str, int]]) -> Markup:
    """Centred bars narrowing with the count, each with its count and share of the first row."""
    first = rows[0][1] if rows and rows[0][1] else 1
    centre = LABEL_WIDTH + PLOT / 2
    body = []
    for i, (label, count) in enumerate(rows):
        y = i * ROW + 4
        width = max(PLOT * count / first, 2)
        body.append(_label(y, label))
        body.append(f'<rect x="{centre - width / 2:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" '
                    f'fill="{COLOURS[min(i, len(COLOURS) - 1)]}"/>')
        body.append(f'<text x="{LABEL_WIDTH + PLOT + 8}" y="{y + ROW / 2 + 4:.1f}">{count} '
                    f'({round(100 * count / first)}%)</text>')
    return _frame(title, len(rows) * ROW + 8, body, "funnel")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
