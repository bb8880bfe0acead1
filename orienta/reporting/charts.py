"""Charts drawn on the server as small SVG: light, printable, and readable at 360 px (they
scale to the width of the page). No script, no library in the browser."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | Decimal | None


def _num(value: Number) -> float:
    return float(value or 0)


def trend_svg(points: Sequence[tuple[str, Number, bool]], *, title: str) -> SafeString:
    """Vertical bars, one per month: (label, value, hidden). A hidden value is drawn as an
    outlined, empty bar marked "*"."""
    width, height, top, bottom = 320, 140, 14, 22
    if not points:
        return mark_safe("")
    peak = max([_num(v) for _l, v, hidden in points if not hidden] or [0]) or 1
    step = width / len(points)
    bar = max(step * 0.7, 2)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" class="axis"/>',
    ]
    for i, (label, value, hidden) in enumerate(points):
        x = i * step + (step - bar) / 2
        size = 0 if hidden else (height - top - bottom) * _num(value) / peak
        y = height - bottom - size
        if hidden:
            parts.append(
                f'<rect x="{x:.1f}" y="{height - bottom - 10}" width="{bar:.1f}" height="10" '
                f'class="hidden"/><text x="{x + bar / 2:.1f}" y="{height - bottom - 12}" '
                'text-anchor="middle">*</text>'
            )
        else:
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{size:.1f}" class="bar">'
                f"<title>{escape(label)}: {escape(value)}</title></rect>"
            )
        if len(points) <= 12:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above


def bars_svg(rows: Sequence[tuple[str, Number, str, bool]], *, title: str) -> SafeString:
    """Horizontal bars: (label, value, shown text, hidden), one line each."""
    line, width, label_w = 22, 320, 120
    height = line * len(rows) + 4
    peak = max([_num(v) for _l, v, _t, hidden in rows if not hidden] or [0]) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, text, hidden) in enumerate(rows):
        y = i * line + 2
        size = 0 if hidden else (width - label_w - 50) * _num(value) / peak
        parts.append(f'<text x="0" y="{y + 15}">{escape(label[:22])}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{size:.1f}" height="{line - 8}" class="bar"/>'
        )
        parts.append(f'<text x="{label_w + size + 4:.1f}" y="{y + 15}">{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above
