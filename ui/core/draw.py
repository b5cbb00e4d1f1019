"""Drawing a `charts` figure in Streamlit: the app theme in, the one toolbar and the right theme out."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from charts.plotly_figure import carries_own_look, toolbar_config
from charts.theme import DARK, LIGHT, ChartTheme


def chart_theme() -> ChartTheme:
    """Chart colours for the app theme the browser reports; light until it has reported one."""
    return DARK if st.context.theme.type == "dark" else LIGHT


def draw_plotly(container: Any, figure: go.Figure, key: str, file_name: str, narrow: bool = False) -> None:
    """Draw ``figure`` in ``container`` (``st`` or a column) with the toolbar's PNG named ``file_name``;
    a ``narrow`` chart shows its toolbar on hover only, where it would cover the chart.

    A figure that carries its own look (`charts.plotly_figure.assemble`) is drawn with
    Streamlit's theme off: re-applying it in the browser would draw the chart twice. The
    others take Streamlit's theme.
    """
    container.plotly_chart(
        figure,
        key=key,
        config=toolbar_config(file_name, always_shown=not narrow),
        theme=None if carries_own_look(figure) else "streamlit",
    )
