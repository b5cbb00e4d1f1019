"""Drawing a plotly figure in the app: its toolbar and the colours of the browser's theme."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from playground.chart_theme import DARK, LIGHT, ChartTheme

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def chart_theme() -> ChartTheme:
    """Chart colours for the app theme the browser reports; light until it has reported one."""
    return DARK if st.context.theme.type == "dark" else LIGHT


def draw(container: Any, figure: go.Figure, key: str) -> None:
    """Draw a figure. It carries its own look (`playground.chart_theme`), so Streamlit's
    theme stays off: re-applying it in the browser would draw the chart twice."""
    container.plotly_chart(figure, key=key, config=CHART_CONFIG, theme=None)
