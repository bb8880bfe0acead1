"""The radar chart of a CSO's assessments, drawn on the server as a small SVG (no script, no
library in the browser): one axis per area numbered 1, 2, 3… (the table under the chart names
them), rings at scores 1 to 4, one polygon per assessment, the latest drawn last and boldest."""

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SIZE = 300
CENTRE = SIZE / 2
RADIUS = 110
# Oldest to latest: grey, amber, teal, then the latest in the accent blue.
COLOURS = ("#8a8f98", "#c77c02", "#1b8a7a", "#1f5fbf")
DASHES = ("4 3", "6 2", "2 2", "")


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * max(value, 0) / 4
    return CENTRE + r * math.cos(angle), CENTRE + r * math.sin(angle)


def _polygon(values: Sequence[float], count: int) -> str:
    return " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (_point(i, count, v) for i, v in enumerate(values))
    )


def colour(n: int, total: int) -> str:
    """The colour of the n-th of `total` series (0 the oldest): the latest is always blue."""
    return COLOURS[len(COLOURS) - total + n] if total <= len(COLOURS) else COLOURS[-1]


def radar_svg(
    axes: int, series: Sequence[tuple[str, Sequence[Decimal | None]]], *, title: str
) -> SafeString:
    """`series`: (label, one value per axis from 1 to 4, None where the area was not assessed),
    oldest first."""
    if axes < 3 or not series:
        return mark_safe("")
    parts = [
        f'<svg class="chart radar" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for ring in (1, 2, 3, 4):
        points = _polygon([ring] * axes, axes)
        parts.append(f'<polygon points="{points}" fill="none" stroke="#d0d4da"/>')
    for i in range(axes):
        x, y = _point(i, axes, 4)
        lx, ly = _point(i, axes, 4.55)
        parts.append(
            f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" stroke="#d0d4da"/>'
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="middle" font-size="12">'
            f"{i + 1}</text>"
        )
    total = len(series)
    for n, (label, values) in enumerate(series):
        numbers = [float(v) if v is not None else 0.0 for v in values]
        dash = DASHES[len(DASHES) - total + n] if total <= len(DASHES) else ""
        latest = n == total - 1
        parts.append(
            f'<polygon class="series" points="{_polygon(numbers, axes)}" '
            f'fill="{colour(n, total)}" fill-opacity="{0.18 if latest else 0.05}" '
            f'stroke="{colour(n, total)}" stroke-width="{2.5 if latest else 1.5}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f"><title>{escape(label)}</title></polygon>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above
