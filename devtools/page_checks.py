"""What the browser tests read off a drawn page: chart boxes, tick-label overlaps, heatmap colours
and axe-core's accessibility violations.

Shared by tests/browser/test_visual_browser.py (one config, two viewports) and
tests/browser/test_every_config_browser.py (the lessons' presets and the caps' extremes), so
both judge a page by the same measurements. Everything is read from the DOM and from Plotly's
own resolved figure (`gd._fullData`, `gd._fullLayout`), never from what the app meant to send.
"""

from __future__ import annotations

from dataclasses import dataclass

# For every plotly chart: its size, its column's width, and each pair of tick labels of one
# axis whose boxes overlap (a pixel of slack for anti-aliasing).
CHART_LAYOUT = """() => [...document.querySelectorAll('.js-plotly-plot')].map(chart => {
    const box = chart.getBoundingClientRect();
    const column = chart.closest('[data-testid="stVerticalBlock"]').getBoundingClientRect();
    const overlaps = [];
    for (const axis of chart.querySelectorAll('g.xaxislayer-above, g.yaxislayer-above')) {
        const labels = [...axis.querySelectorAll('text')].map(t => t.getBoundingClientRect())
            .filter(r => r.width > 0);
        labels.forEach((a, i) => labels.slice(i + 1).forEach(b => {
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
                overlaps.push([a.left, a.top, b.left, b.top]);
        }));
    }
    const asked = chart.layout.margin, drawn = chart._fullLayout._size;
    const grown = ['l', 'r', 't', 'b'].filter(side => drawn[side] > asked[side] + 0.5);
    const key = [...(chart.closest('[class*="st-key-"]') || {classList: []}).classList]
        .find(c => c.startsWith('st-key-'));
    return {key, width: box.width, height: box.height, column: column.width, overlaps, grown,
            title: chart.layout.title && chart.layout.title.text, asked, drawn: {...drawn}};
})"""

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
