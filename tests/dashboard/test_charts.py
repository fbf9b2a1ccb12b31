"""The server-side SVG charts: valid XML, labels escaped, sized for a phone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from quizapp.dashboard import charts

SVG = "{http://www.w3.org/2000/svg}"
EDGES = [f"{10 * i}%" for i in range(11)]
NASTY = '<script>alert("x")</script> & 「引号」\'\x01'


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    # Scales to the phone's width instead of pushing the page sideways.
    assert root.get("width") == "100%" and root.get("viewBox") == "0 0 360 200"
    assert "style" not in str(svg)  # the CSP refuses inline style attributes
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def test_a_histogram_has_one_bar_per_bin_and_its_counts():
    root = parse(charts.histogram([0, 1, 2, 3, 0, 0, 0, 0, 4, 12], EDGES, title="掌握度分布"))
    assert root.find(f"{SVG}title").text == "掌握度分布"
    assert root.get("aria-label") == "掌握度分布" and root.get("role") == "img"
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 10
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[0] == 0 and heights[9] == max(heights)
    assert heights[8] == pytest.approx(heights[9] * 4 / 12)
    assert bars[9].find(f"{SVG}title").text == "90%–100%: 12"
    shown = texts(root)
    assert "12" in shown and "0%" in shown and "100%" in shown


def test_an_empty_histogram_is_still_a_chart():
    root = parse(charts.histogram([0] * 10, EDGES, title="空"))
    assert all(float(bar.get("height")) == 0 for bar in root.findall(f"{SVG}rect"))
    parse(charts.histogram([], ["0%"], title="空"))


def test_a_histogram_needs_its_edges():
    with pytest.raises(ValueError):
        charts.histogram([1, 2], ["0%", "50%"], title="x")


def test_labels_and_titles_are_escaped():
    svg = charts.line_chart(
        [NASTY, "11-09"],
        [0.2, 0.5],
        title=NASTY,
        line_label=NASTY,
        bars=[0.1, 0.9],
        bar_label="&amp;",
    )
    assert "<script>" not in str(svg) and "\x01" not in str(svg)
    root = parse(svg)
    title = root.find(f"{SVG}title").text
    assert title.startswith('<script>alert("x")</script> & 「引号」\'') and "\ufffd" in title
    assert "&amp;" in texts(root)  # shown as typed, not read as an entity
    histogram = parse(charts.histogram([1], [NASTY, "&"], title="<b>"))
    assert histogram.get("aria-label") == "<b>"


def test_a_line_chart_draws_the_line_over_the_bars():
    labels = [f"10-{day:02d}" for day in range(1, 29)]
    values = [i / 27 for i in range(28)]
    root = parse(
        charts.line_chart(
            labels, values, title="达标率", line_label="累计", bars=values, bar_label="当周"
        )
    )
    [line] = root.findall(f"{SVG}polyline")
    points = [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]
    assert len(points) == 28
    # Rising values: the line climbs (SVG's y grows downwards).
    assert points[0][1] > points[-1][1]
    assert all(0 <= x <= 360 and 0 <= y <= 200 for x, y in points)
    assert len(root.findall(f"{SVG}circle")) == 28
    # A legend rectangle per series, then one bar per week.
    assert len(root.findall(f"{SVG}rect")) == 2 + 28
    # At most six dates under the axis (no overlap on a phone), the first and last among them.
    dates = [t for t in texts(root) if t in labels]
    assert len(dates) <= 6 and dates[0] == "10-01" and dates[-1] == "10-28"


def test_a_line_chart_of_one_or_no_point():
    one = parse(charts.line_chart(["11-02"], [1.0], title="t", line_label="累计"))
    assert one.find(f"{SVG}polyline") is not None and "11-02" in texts(one)
    parse(charts.line_chart([], [], title="t", line_label="累计", bars=[], bar_label="当周"))
    with pytest.raises(ValueError):
        charts.line_chart(["a"], [0.1, 0.2], title="t", line_label="x")
