"""A phone's screen: the sidebar closes once a page is chosen, and a narrow chart's toolbar shows
only while the chart is touched, hovered or tabbed into, so that it never covers the title.

Streamlit lays the sidebar over the page below its 768 px breakpoint, and closes it after a
page is chosen only when the browser calls itself a phone (its user agent); a narrow desktop
window or a tablet that reports a desktop browser kept the sidebar open over the page. None of
`st.navigation`'s positions, `initial_sidebar_state` or the `client` options changes that
(Streamlit 1.67's frontend: `SidebarNav` collapses on a mobile user agent only), so a small
script does it for any narrow window. Plotly's toolbar sits over a chart's top right corner,
where a chart under about 380 px (a phone's full width) has its title: there it shows on
hover, as Plotly's own ``displayModeBar="hover"`` would (`charts.plotly_figure.toolbar_config`
keeps it always shown on wider charts, so learners find the download).
"""

from __future__ import annotations

import streamlit as st

SIDEBAR_OVER_PAGE_PX = 768  # Streamlit's "md" breakpoint: below it the sidebar covers the page
NARROW_CHART_PX = 380  # a chart narrower than this has no room for its title beside the toolbar
MARK = "rnn-narrow-screens"  # the id that lets the style hide the script's empty element

STYLE = f"""<style>
[data-testid="stElementContainer"]:has(#{MARK}) {{ display: none; }}
[data-testid="stPlotlyChart"] {{ container-type: inline-size; }}
@container (max-width: {NARROW_CHART_PX}px) {{
    .js-plotly-plot .plotly .modebar {{ opacity: 0; transition: opacity 0.3s; }}
    .js-plotly-plot .plotly:hover .modebar, .js-plotly-plot .plotly:focus-within .modebar {{ opacity: 1; }}
}}
</style>"""

# Installed once per browser tab (the flag), however often the frame is drawn.
SCRIPT = f"""<span id="{MARK}"></span><script>
if (!window.rnnNarrowScreens) {{
    window.rnnNarrowScreens = true;
    document.addEventListener('click', event => {{
        if (window.innerWidth >= {SIDEBAR_OVER_PAGE_PX}) return;
        if (!event.target.closest('[data-testid="stSidebarNav"] a')) return;
        document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click();
    }});
}}
</script>"""


def fit_narrow_screens() -> None:
    """Draw the style (it takes no room) and the sidebar's script (its element hidden by the style)."""
    st.html(STYLE)
    st.sidebar.html(SCRIPT, unsafe_allow_javascript=True)
