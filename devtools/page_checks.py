"""What the browser tests read off a drawn page: chart boxes, tick-label overlaps, heatmap colours,
whether every label can be read (log ticks in order, nothing clipped, covered or too small),
tables that fit, the sidebar's state and axe-core's accessibility violations.

Shared by tests/browser/test_visual_browser.py (one config, two viewports) and
tests/browser/test_every_config_browser.py (the lessons' presets and the caps' extremes), so
both judge a page by the same measurements. Everything is read from the DOM and from Plotly's
own resolved figure (`gd._fullData`, `gd._fullLayout`), never from what the app meant to send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# For every plotly chart: its size, its column's width, and each pair of tick labels that
# collide, line by line (a step's character and its "t=12" below are two lines): on the x axes
# (all of a chart's panels together: one panel's last label can run into the next one's first),
# lines side by side closer than `TICK_GAP_PX` ("t=8t=12" touch without overlapping); on each
# y axis, boxes that overlap (a pixel of slack for anti-aliasing).
TICK_GAP_PX = 3
CHART_LAYOUT = """() => [...document.querySelectorAll('.js-plotly-plot')].map(chart => {
    const box = chart.getBoundingClientRect();
    const column = chart.closest('[data-testid="stVerticalBlock"]').getBoundingClientRect();
    const overlaps = [];
    const across = [...chart.querySelectorAll('g.xaxislayer-above')];
    for (const axis of [across, ...chart.querySelectorAll('g.yaxislayer-above')]) {
        const gap = axis === across ? TICK_GAP_PX : -1;
        const texts = axis === across ? across.flatMap(layer => [...layer.querySelectorAll('text')])
            : [...axis.querySelectorAll('text')];
        const lines = texts.flatMap((t, label) => {
            const parts = t.querySelectorAll('tspan.line');
            return [...(parts.length ? parts : [t])].map(line => [label, line.getBoundingClientRect()]);
        }).filter(([, r]) => r.width > 0);
        lines.forEach(([i, a], k) => lines.slice(k + 1).forEach(([j, b]) => {
            const sideBySide = a.top < b.bottom - 1 && b.top < a.bottom - 1;
            if (i !== j && sideBySide && a.left < b.right + gap && b.left < a.right + gap)
                overlaps.push([a.left, a.top, b.left, b.top]);
        }));
    }
    const asked = chart.layout.margin, drawn = chart._fullLayout._size;
    const grown = ['l', 'r', 't', 'b'].filter(side => drawn[side] > asked[side] + 0.5);
    const key = [...(chart.closest('[class*="st-key-"]') || {classList: []}).classList]
        .find(c => c.startsWith('st-key-'));
    return {key, width: box.width, height: box.height, column: column.width, overlaps, grown,
            title: chart.layout.title && chart.layout.title.text, asked, drawn: {...drawn}};
})""".replace("TICK_GAP_PX", str(TICK_GAP_PX))

# For every plotly chart, every label a reader must read, with its box: tick labels (each read
# as drawn, a superscript after a caret: Plotly's 10<sup>−3</sup> reads "10^−3"), the title,
# axis titles, annotations, legend entries and point labels; the ticks of each log axis; each
# scatter trace's markers and point labels in point order (a label sits on its own marker);
# the numbers written in heatmap cells (as labels of their own kind: on a phone they ran together);
# the toolbar (modebar) where it is visible; the smallest number written in a heatmap cell.
# Charts not shown (in a closed expander, drawn at a width of Plotly's own) are left out.
CHART_TEXTS = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(chart => chart.checkVisibility())
        .map(chart => {
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const drawn = found => [...found].filter(e => e.getBoundingClientRect().width > 0);
    const visible = n => n.textContent.replace(/\\u200b/g, '');
    const reading = t => [...t.childNodes].map(n => n.nodeType === 1 && (n.getAttribute('dy') || '').startsWith('-')
        && visible(n) ? '^' + visible(n) : visible(n)).join('').trim();
    const texts = (kind, selector) => drawn(chart.querySelectorAll(selector))
        .map(t => ({kind, text: reading(t), box: box(t)}));
    const layout = chart._fullLayout;
    const logAxes = Object.keys(layout).filter(k => /^[xy]axis\\d*$/.test(k) && layout[k].type === 'log')
        .map(k => ({axis: layout[k]._id, ticks: texts('tick', `g.${layout[k]._id}tick text`)}));
    const labels = [
        ...texts('tick', 'g[class$="tick"] text'),
        ...texts('title', 'text.gtitle'),
        ...texts('axis title', 'text[class$="title"]:not(.gtitle)'),
        ...texts('annotation', 'g.annotation text'),
        ...texts('legend', 'text.legendtext'),
        ...texts('point label', 'g.textpoint text'),
        ...texts('cell number', '.heatmaplayer text'),
    ];
    // A point's index is Plotly's own (its calcdata's i): a point with a blank label draws no text.
    const traces = [...chart.querySelectorAll('g.trace.scatter')].map(trace => ({
        markers: [...trace.querySelectorAll('g.points path.point')].map(p => ({point: p.__data__?.i, box: box(p)})),
        labels: [...trace.querySelectorAll('g.textpoint text')].map(t => ({point: t.parentNode.__data__?.i,
            text: reading(t), box: box(t)})),
    }));
    const shown = e => { for (let n = e; n && n !== chart; n = n.parentElement)
        if (getComputedStyle(n).opacity === '0') return false; return true; };
    const toolbar = drawn(chart.querySelectorAll('.modebar-group')).filter(shown).map(box);
    const cells = drawn(chart.querySelectorAll('.heatmaplayer text'))
        .map(t => parseFloat(getComputedStyle(t).fontSize));
    const key = [...(chart.closest('[class*="st-key-"]') || {classList: []}).classList]
        .find(c => c.startsWith('st-key-'));
    // What shows of the chart: its drawing, within the box Streamlit gives it.
    const [svg, given] = [box(chart.querySelector(".main-svg")), box(chart)];
    const frame = [Math.max(svg[0], given[0]), Math.max(svg[1], given[1]), Math.min(svg[2], given[2]),
                   Math.min(svg[3], given[3])];
    return {key, title: chart.layout.title && chart.layout.title.text, frame,
            logAxes, labels, traces, toolbar, cellTextPx: cells.length ? Math.min(...cells) : null};
})"""

# Every table (st.dataframe) on the page: the width its columns need, the width it shows, and
# the width of the page's main column (inside its padding).
TABLES = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(table => {
    const scroller = table.querySelector('.dvn-scroller');
    const main = document.querySelector('[data-testid="stMainBlockContainer"]'), style = getComputedStyle(main);
    return {needed: scroller ? scroller.scrollWidth : 0, shown: scroller ? scroller.clientWidth : 0,
            width: table.getBoundingClientRect().width,
            page: main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
            header: table.innerText.slice(0, 40)};
})"""

MIN_CELL_TEXT_PX = 10  # a number written in a heatmap cell, at least
SLACK_PX = 1  # boxes may touch by this much (anti-aliasing)
# What a tick label can read as: a number, a power of ten ("10^−3"), an SI suffix ("2k", "500µ").
_SI = {"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "m": 1e-3, "µ": 1e-6, "μ": 1e-6, "n": 1e-9, "p": 1e-12}
_TICK = re.compile(r"^(?P<number>[0-9.]+(?:e[-+]?[0-9]+)?)(?:\^(?P<power>-?[0-9]+))?(?P<si>[kMGTmµμnp]?)$")


def tick_value(text: str) -> float | None:
    """The number a tick label reads as ("0.02", "1e-5", "10^−3", "2k"), or None if it reads as none."""
    match = _TICK.match(text.replace("−", "-").replace(",", ""))
    if not match:
        return None
    value = float(match["number"])
    if match["power"] is not None:
        value **= int(match["power"])
    return value * _SI.get(match["si"], 1.0)


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - SLACK_PX and b[0] < a[2] - SLACK_PX and a[1] < b[3] - SLACK_PX and b[1] < a[3] - SLACK_PX


def _outside(box: list[float], frame: list[float]) -> bool:
    return (
        box[0] < frame[0] - SLACK_PX
        or box[1] < frame[1] - SLACK_PX
        or box[2] > frame[2] + SLACK_PX
        or box[3] > frame[3] + SLACK_PX
    )


def log_ticks_out_of_order(chart: dict) -> list[str]:
    """Each log axis whose tick labels, read top to bottom (a y axis) or right to left (an x axis),
    are not two or more strictly decreasing numbers: Plotly's "2, 0.1, 5, 2" labels 0.2, 0.1,
    0.05 and 0.02, and its 2s and 5s over less than a decade may label nothing at all."""
    problems = []
    for axis in chart["logAxes"]:
        vertical = axis["axis"].startswith("y")
        at = (lambda box: box[1] + box[3]) if vertical else (lambda box: -box[0] - box[2])
        ticks = sorted(axis["ticks"], key=lambda tick: at(tick["box"]))
        read = [t["text"] for t in ticks]
        values = [tick_value(text) for text in read]
        if len(values) < 2 or None in values or any(a <= b for a, b in zip(values, values[1:])):
            problems.append(f"log axis {axis['axis']} reads {', '.join(read)}")
    return problems


def clipped_labels(chart: dict, kinds: set[str] | None = None) -> list[str]:
    """Labels (of ``kinds``, all if None) whose box lies partly outside the chart's drawing."""
    return [
        f"{label['kind']} {label['text']!r} clipped"
        for label in chart["labels"]
        if (kinds is None or label["kind"] in kinds) and _outside(label["box"], chart["frame"])
    ]


TITLES = {"title", "axis title", "annotation", "legend"}
CELL_NUMBERS = {"cell number"}  # checked among themselves: Train's ✗ sits on its cell's corner by design
CELL_NUMBER_GAP_PX = 4  # between two numbers in neighbouring cells, at least: about a space and a half


def crowded_labels(chart: dict, kinds: set[str], gap_px: float = 0) -> list[str]:
    """Labels of ``kinds`` that overlap one another (or come closer side by side than ``gap_px``:
    numbers in cells that touch read as one, "0.100.09") or sit under the visible toolbar (tick
    labels are `CHART_LAYOUT`'s to check)."""
    labels = [label for label in chart["labels"] if label["kind"] in kinds]
    wider = lambda box: [box[0] - gap_px, box[1], box[2] + gap_px, box[3]]  # noqa: E731
    problems = [
        f"{a['kind']} {a['text']!r} overlaps {b['kind']} {b['text']!r}"
        for index, a in enumerate(labels)
        for b in labels[index + 1 :]
        if _overlap(wider(a["box"]), b["box"])
    ]
    problems += [
        f"{label['kind']} {label['text']!r} under the toolbar"
        for label in labels
        if any(_overlap(label["box"], group) for group in chart["toolbar"])
    ]
    return problems


def labels_on_markers(chart: dict) -> list[str]:
    """Point labels and annotations drawn over a marker that is not their own point's."""
    problems = []
    markers = [(t, m["point"], m["box"]) for t, trace in enumerate(chart["traces"]) for m in trace["markers"]]
    markers = [(t, i, box) for t, i, box in markers if box[2] > box[0]]
    own = [(t, label["point"], label) for t, trace in enumerate(chart["traces"]) for label in trace["labels"]]
    annotations = [(None, None, label) for label in chart["labels"] if label["kind"] == "annotation"]
    for t, i, label in own + annotations:
        if label["box"][2] <= label["box"][0]:
            continue
        if any((t, i) != (mt, mi) and _overlap(label["box"], box) for mt, mi, box in markers):
            problems.append(f"label {label['text']!r} on another point's marker")
    return problems


def unreadable_labels(chart: dict) -> list[str]:
    """Everything `CHART_TEXTS` can find wrong with a chart's labels at a desktop width."""
    problems = log_ticks_out_of_order(chart) + clipped_labels(chart)
    problems += crowded_labels(chart, TITLES | {"point label"}) + labels_on_markers(chart)
    if chart["cellTextPx"] is not None and chart["cellTextPx"] < MIN_CELL_TEXT_PX:
        problems.append(f"numbers in heatmap cells {chart['cellTextPx']:g} px")
    return problems


def cut_off_tables(tables: list[dict]) -> list[str]:
    """Tables that hide columns (the learner must scroll sideways) in a column narrower than the
    page: a table too wide for the whole page may scroll, one in a narrow column must not."""
    return [
        f"table {table['header']!r} shows {table['shown']} of {table['needed']} px in a {table['width']:.0f} px column"
        for table in tables
        if table["needed"] > table["shown"] + SLACK_PX and table["width"] < table["page"] - SLACK_PX
    ]


SIDEBAR_OPEN = "() => document.querySelector('[data-testid=\"stSidebar\"]')?.dataset.collapsed === 'false'"


# The heatmap traces of the chart in `.st-key-<key>`: each one's values and the colour scale
# Plotly resolved for it (a trace on a shared colour axis takes that axis's scale and range).
HEATMAPS = """key => {
    const chart = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
    if (!chart) return null;
    return chart._fullData.filter(t => t.type === 'heatmap').map(t => {
        const axis = t.coloraxis ? chart._fullLayout[t.coloraxis] : null;
        return {z: t.z, hover: t.hovertemplate || '', scale: axis ? axis.colorscale : t.colorscale,
                low: axis ? axis.cmin : t.zmin, high: axis ? axis.cmax : t.zmax};
    });
}"""


@dataclass(frozen=True)
class Heatmap:
    """One drawn heatmap: its values (rows of z) and the colour scale they were painted with."""

    z: list[list[float]]
    scale: list[tuple[float, str]]
    low: float
    high: float
    hover: str

    @classmethod
    def from_page(cls, found: dict) -> Heatmap:
        return cls(found["z"], [(float(p), c) for p, c in found["scale"]], found["low"], found["high"], found["hover"])

    def values(self) -> list[float]:
        return [v for row in self.z for v in row if v is not None]

    def colour(self, value: float) -> tuple[float, float, float]:
        """The RGB Plotly paints ``value`` with: linear between the scale's stops, clamped at its ends."""
        position = min(max((value - self.low) / (self.high - self.low), 0.0), 1.0)
        for (p0, c0), (p1, c1) in zip(self.scale, self.scale[1:]):
            if p0 <= position <= p1:
                share = (position - p0) / (p1 - p0) if p1 > p0 else 0.0
                a, b = _rgb(c0), _rgb(c1)
                return tuple(x + (y - x) * share for x, y in zip(a, b))
        raise ValueError(f"{position} outside the colour scale")


def _rgb(colour: str) -> tuple[float, float, float]:
    """A Plotly colour string (``#rrggbb`` or ``rgb(r, g, b)``) as three 0–255 numbers."""
    if colour.startswith("#"):
        return tuple(float(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    inside = colour[colour.index("(") + 1 : colour.index(")")]
    return tuple(float(part) for part in inside.split(",")[:3])


def heatmaps(page, key: str) -> list[Heatmap]:
    """The heatmaps of the chart drawn under Streamlit key ``key`` (none if it is not drawn)."""
    return [Heatmap.from_page(found) for found in page.evaluate(HEATMAPS, key) or []]


WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_script() -> str:
    """axe-core's JavaScript, bundled by the pip package axe-playwright-python (no npm, no network)."""
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def violations(page, script: str) -> list[dict]:
    """axe-core's WCAG 2 A/AA violations on the page as drawn now: rule, impact, a few targets."""
    page.evaluate(script)
    found = page.evaluate(
        "options => axe.run(document, options).then(r => r.violations)",
        {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]},
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [(n["target"], n.get("failureSummary", "")[:160]) for n in v["nodes"][:4]],
        }
        for v in found
    ]
