"""Small charts drawn on the server as inline SVG: no script, no library, nothing for the
strict CSP to block (presentation attributes only, no style attributes).

Each chart is a ``viewBox`` of VIEW_WIDTH × VIEW_HEIGHT units drawn at ``width="100%"``:
on a 390 px phone one unit is about one pixel, so the 11-unit text stays readable; the
stylesheet caps the width on a desk. Every text given is escaped (and characters XML cannot
hold replaced); the functions return Markup, ready for a template.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from markupsafe import escape as _escape

from ..textsafety import replace_refused

VIEW_WIDTH = 360
VIEW_HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 24, 26
PLOT_WIDTH = VIEW_WIDTH - LEFT - RIGHT
PLOT_HEIGHT = VIEW_HEIGHT - TOP - BOTTOM
MAX_X_LABELS = 6  # more would overlap on a phone
BAR = "#7fb2e5"
LINE = "#0b4f94"
GRID = "#e4e7eb"
TEXT = "#52606d"
FONT = 'font-family="sans-serif" font-size="11"'


def escape(text: str) -> Markup:
    """Text as SVG (XML) may hold it: characters XML refuses replaced, then escaped."""
    return _escape(replace_refused(str(text), multiline=False))


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _svg(title: str, body: list[str]) -> Markup:
    label = escape(title)
    # Every text in `body` went through escape(); the rest is numbers and constants.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_WIDTH} {VIEW_HEIGHT}" '
        f'width="100%" role="img" aria-label="{label}" class="chart">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", fill: str = TEXT) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}" {FONT}>'
        f"{escape(text)}</text>"
    )


def _shown_labels(count: int, most: int = MAX_X_LABELS) -> set[int]:
    """Which of ``count`` evenly spaced labels to write: at most ``most``, the first and
    the last always."""
    if count <= most:
        return set(range(count))
    step = (count - 1) / (most - 1)
    return {round(i * step) for i in range(most)}


def _y_axis(ticks: Sequence[tuple[float, str]]) -> list[str]:
    """Grid lines at fractions 0–1 of the plot's height, labelled on the left."""
    parts = []
    for fraction, label in ticks:
        y = TOP + PLOT_HEIGHT * (1 - fraction)
        parts.append(
            f'<line x1="{LEFT}" y1="{_n(y)}" x2="{VIEW_WIDTH - RIGHT}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 4, y + 4, label, anchor="end"))
    return parts


def histogram(counts: Sequence[int], edges: Sequence[str], *, title: str) -> Markup:
    """Bars of ``counts`` side by side; ``edges`` labels the bins' boundaries (one more
    than the bins, e.g. 0% … 100%). Each bar carries its count above it."""
    if len(edges) != len(counts) + 1:
        raise ValueError("a histogram needs one edge label more than it has bins")
    body = _y_axis([(0.0, "0"), (1.0, str(max(counts, default=0)))])
    if counts:
        highest = max(max(counts), 1)
        width = PLOT_WIDTH / len(counts)
        for i, count in enumerate(counts):
            height = PLOT_HEIGHT * count / highest
            x = LEFT + i * width
            y = TOP + PLOT_HEIGHT - height
            tip = f"{edges[i]}–{edges[i + 1]}: {count}"
            body.append(
                f'<rect x="{_n(x + 1)}" y="{_n(y)}" width="{_n(max(width - 2, 1))}" '
                f'height="{_n(height)}" fill="{BAR}"><title>{escape(tip)}</title></rect>'
            )
            if count:
                body.append(_text(x + width / 2, y - 4, str(count)))
        shown = _shown_labels(len(edges))
        for i, edge in enumerate(edges):
            if i in shown:
                anchor = "start" if i == 0 else "end" if i == len(edges) - 1 else "middle"
                body.append(_text(LEFT + i * width, VIEW_HEIGHT - 8, edge, anchor=anchor))
    return _svg(title, body)


def line_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    line_label: str,
    bars: Sequence[float] | None = None,
    bar_label: str = "",
) -> Markup:
    """A line of ``values`` (fractions 0–1, shown as percent) over ``labels``, optionally
    over bars of other fractions, with a legend naming both."""
    if len(values) != len(labels) or (bars is not None and len(bars) != len(labels)):
        raise ValueError("one value (and one bar) per label")
    body = _y_axis([(0.0, "0%"), (0.5, "50%"), (1.0, "100%")])
    body.append(
        f'<rect x="{LEFT}" y="4" width="12" height="3" fill="{LINE}"/>'
        + _text(LEFT + 16, 10, line_label, anchor="start")
    )
    if bars is not None:
        body.append(
            f'<rect x="{VIEW_WIDTH // 2 + 10}" y="2" width="10" height="8" fill="{BAR}"/>'
            + _text(VIEW_WIDTH // 2 + 24, 10, bar_label, anchor="start")
        )
    count = len(labels)
    if not count:
        return _svg(title, body)
    slot = PLOT_WIDTH / count

    def x_of(i: int) -> float:
        return LEFT + slot * (i + 0.5)

    def y_of(value: float) -> float:
        return TOP + PLOT_HEIGHT * (1 - min(max(value, 0.0), 1.0))

    if bars is not None:
        for i, value in enumerate(bars):
            top = y_of(value)
            tip = f"{labels[i]} {bar_label}: {round(value * 100)}%"
            body.append(
                f'<rect x="{_n(x_of(i) - slot * 0.35)}" y="{_n(top)}" '
                f'width="{_n(slot * 0.7)}" height="{_n(TOP + PLOT_HEIGHT - top)}" '
                f'fill="{BAR}"><title>{escape(tip)}</title></rect>'
            )
    points = " ".join(f"{_n(x_of(i))},{_n(y_of(v))}" for i, v in enumerate(values))
    body.append(
        f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="2" '
        'stroke-linejoin="round"/>'
    )
    for i, value in enumerate(values):
        tip = f"{labels[i]} {line_label}: {round(value * 100)}%"
        body.append(
            f'<circle cx="{_n(x_of(i))}" cy="{_n(y_of(value))}" r="3" fill="{LINE}">'
            f"<title>{escape(tip)}</title></circle>"
        )
    shown = _shown_labels(count)
    for i, label in enumerate(labels):
        if i in shown:
            anchor = "middle"
            if count > 1 and i == 0:
                anchor = "start"
            elif count > 1 and i == count - 1:
                anchor = "end"
            x = x_of(i) - slot * 0.5 if anchor == "start" else x_of(i)
            x = x_of(i) + slot * 0.5 if anchor == "end" else x
            body.append(_text(x, VIEW_HEIGHT - 8, label, anchor=anchor))
    return _svg(title, body)
