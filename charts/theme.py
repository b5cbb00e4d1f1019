"""The charts' look: the app-theme colours each Plotly figure carries instead of a template,
and the colours every chart shares (right/wrong, the line, the series, the diverging and
probability scales, in both renderers).

A Plotly figure that carries its own fonts and colours, is sent with ``theme=None`` and has a
``layout.datarevision`` is drawn once: Streamlit's chart theme, a template its frontend applies
again after the first draw, would make Plotly draw it twice (docs/performance.md, Charts). The
values below are the ones Streamlit 1.67's theme resolves to in the browser, so the charts look
as under Streamlit's theme, in both the light and the dark app theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Right/wrong: a bluish green and a vermillion (after Okabe and Ito) that stay apart for
# red-green colour blindness (the old #2e9e5b/#d9534f nearly merged: CIELAB distance 13 under
# simulated deuteranopia, these 58) and carry white text at 5.3:1. Wrong predictions also carry
# a ✗ (charts/train/predictions.py, in both renderings), so colour is never the only cue.
RIGHT_COLOUR = "#00796b"
WRONG_COLOUR = "#b8470b"
OUTLINE_COLOUR = "#111111"
LINE_COLOUR = "#1f77b4"
TEST_COLOUR = "#e66100"  # the held-out pairs' curve beside the training pairs' blue (apart for every colour vision)
BATCH_COLOUR = "rgba(31, 119, 180, 0.35)"  # each mini-batch's loss: the line's blue, faint, behind its epoch means
GHOST_COLOUR = "rgba(128, 128, 128, 0.45)"  # a previous run's curve: a grey that reads on light and dark themes alike
# Several runs in one chart: a colour and a dash each, so curves that coincide (the RNNCell
# loop and nn.RNN compute the same function) stay visible.
SERIES_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf")
SERIES_DASHES = ("solid", "dash", "solid", "dot", "dashdot", "longdash")
# Values around zero (states, weights, terms): one scale, one meaning on every page and in
# both renderers. Negative is blue, zero white, positive red; the range is symmetric about
# zero, ±1 unless the values reach further (`symmetric_bound`), so a tanh state of −0.894 is
# the same blue on Train, Inside the cell and while training. ColorBrewer's RdBu, blue end first.
DIVERGING_COLOURS = (
    "#053061",
    "#2166ac",
    "#4393c3",
    "#92c5de",
    "#d1e5f0",
    "#f7f7f7",
    "#fddbc7",
    "#f4a582",
    "#d6604d",
    "#b2182b",
    "#67001f",
)
DIVERGING = [[index / (len(DIVERGING_COLOURS) - 1), colour] for index, colour in enumerate(DIVERGING_COLOURS)]
GATE = "Viridis"  # sigmoid gates (0 closed to 1 open): not a signed value, so not the diverging scale
# Probabilities (0 to 1): white to dark blue, on Train, Compare and while training.
PROBABILITY_COLOURS = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)
PROBABILITY = [[index / (len(PROBABILITY_COLOURS) - 1), colour] for index, colour in enumerate(PROBABILITY_COLOURS)]
MONOSPACE = "Source Code Pro, Menlo, Consolas, monospace"
FONT_FAMILY = '"Source Sans", sans-serif'
FONT_SIZE = 12
TITLE_SIZE = 15
AXIS_TITLE_SIZE = 14
GRID_COLOUR = "#eee"
PLOT_BACKGROUND = "white"  # heatmap colours and lines read the same in both app themes


def symmetric_bound(largest: float) -> float:
    """The half-width of a diverging colour range: ±1 covers tanh states and sigmoid-sized
    values, so their colours mean the same at every epoch and on every page; values reaching
    further (cell states, pre-activations, weights) widen it to their own largest |value|."""
    return max(1.0, float(largest))


def vega_diverging_scale(bound: float = 1.0) -> dict[str, Any]:
    """`DIVERGING` as a Vega-Lite colour scale over ±``bound``: the same stops, interpolated in
    RGB as Plotly does, so the live charts and the finished ones agree colour for colour."""
    stops = len(DIVERGING_COLOURS) - 1
    return {
        "domain": [round(-bound + 2 * bound * index / stops, 6) for index in range(stops + 1)],
        "range": list(DIVERGING_COLOURS),
        "interpolate": "rgb",
        "clamp": True,
    }


def vega_probability_scale() -> dict[str, Any]:
    """`PROBABILITY` as a Vega-Lite colour scale over [0, 1]."""
    stops = len(PROBABILITY_COLOURS) - 1
    return {
        "domain": [round(index / stops, 6) for index in range(stops + 1)],
        "range": list(PROBABILITY_COLOURS),
        "interpolate": "rgb",
    }


def diverging_colorbar(title: str, bound: float, **extra: Any) -> dict[str, Any]:
    """The diverging scale's legend: −bound, 0 and +bound labelled, nothing in between to crowd."""
    return dict(
        title=dict(text=title),
        thickness=12,
        tickvals=[-bound, 0, bound],
        ticktext=[f"−{bound:.3g}", "0", f"+{bound:.3g}"],
        **extra,
    )


@dataclass(frozen=True)
class ChartTheme:
    """The colours that differ between Streamlit's light and dark app themes."""

    text: str
    heading: str
    paper: str
    hover_border: str

    def layout(self) -> dict[str, Any]:
        """Figure-wide look: fonts, background and hover labels."""
        return dict(
            font=dict(family=FONT_FAMILY, size=FONT_SIZE, color=self.text),
            paper_bgcolor=self.paper,
            plot_bgcolor=PLOT_BACKGROUND,
            hoverlabel=dict(
                bgcolor=self.paper,
                bordercolor=self.hover_border,
                font=dict(family=FONT_FAMILY, size=FONT_SIZE, color=self.text),
            ),
        )

    def title(self, text: str) -> dict[str, Any]:
        """A chart title, bold, anchored top left so titles line up across charts of any margin."""
        return dict(
            text=text,
            x=0,
            xanchor="left",
            y=1,
            yref="container",
            yanchor="top",
            pad=dict(t=12, l=4),
            font=dict(family=FONT_FAMILY, size=TITLE_SIZE, color=self.heading, weight="bold"),
        )


def axis_defaults(name: str) -> dict[str, Any]:
    """What every x or y axis gets unless the figure says otherwise.

    ``automargin`` grows the margins to fit the tick labels. ``ticklabeloverflow="allow"``
    skips Plotly's measuring of every tick label to hide the ones that would overflow the
    chart, which with automargin never happens: that measuring was about a fifth of Plotly's
    time drawing these charts in the app.
    """
    horizontal = name.startswith("x")
    return dict(
        automargin=True,
        ticklabeloverflow="allow",
        zeroline=False,
        gridcolor=GRID_COLOUR,
        showgrid=not horizontal,
        ticks="",  # Plotly adds tick marks to grid-less axes otherwise
        title=dict(font=dict(size=AXIS_TITLE_SIZE), standoff=20 if horizontal else 24),
    )


LIGHT = ChartTheme(text="#808495", heading="#2F2D2B", paper="#FFFFFF", hover_border="#DCD8D4")
DARK = ChartTheme(text="#e6eaf1", heading="#EDEBE8", paper="#171614", hover_border="#4A4742")
