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

Charts space their labels on the server, for the width they get at 1280 px, and Streamlit 1.67
does not tell the server how wide the screen is. A small component (`st.components.v2`: its
script can set a state value, which reruns the app) reports the page's main column once, and
again when it changes (a phone turned sideways); `width_share` turns it into the one plain
number a chart builder takes: the share of its 1280 px width a chart is drawn at, 1 on a page
as wide or wider, or before the browser has reported (AppTest, the first run).
"""

from __future__ import annotations

import streamlit as st

from ui.core.state import SessionKey

SIDEBAR_OVER_PAGE_PX = 768  # Streamlit's "md" breakpoint: below it the sidebar covers the page
NARROW_CHART_PX = 380  # a chart narrower than this has no room for its title beside the toolbar
MARK = "rnn-narrow-screens"  # the id that lets the style hide the script's empty element
WIDTH_KEY = "narrow_screens_width"  # the page-width reporter's key: the style hides its element

STYLE = f"""<style>
[data-testid="stElementContainer"]:has(#{MARK}), .st-key-{WIDTH_KEY} {{ display: none; }}
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


COLUMNS_STACK_PX = 640  # Streamlit's "sm" breakpoint: below it a row's columns are drawn one under another
DESKTOP_PAGE_PX = 820  # the main column's width at 1280 px, sidebar open (Chromium, measured)
PAGE_PADDING_PX = 16  # either side of the main column on a narrow window
PAGE_PX = SessionKey[float | None]("narrow_screens_page_px", None)

# Reports the width of the page's main column (inside its padding), in whole pixels, whenever it
# differs from the width the server last heard (``data``): on a session's first run, then on a
# resize that changes it. A setStateValue reruns the app, so a page at least as wide as at 1280 px,
# drawn as the server assumes (``data`` null), reports nothing: a desktop visit costs no extra run.
WIDTH_SCRIPT = (
    """
export default function ({ data, setStateValue }) {
    const wide = px => px === null || px === undefined || px >= DESKTOP_PAGE_PX;
    const report = () => {
        const main = document.querySelector('[data-testid="stMainBlockContainer"]');
        if (!main) return;
        const style = getComputedStyle(main);
        const px = Math.round(main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
        if (px > 0 && px !== window.rnnPageWidth) {
            window.rnnPageWidth = px;
            if (px !== data && !(wide(px) && wide(data))) setStateValue('page_px', px);
        }
    };
    window.rnnPageWidth = data;
    report();
    clearTimeout(window.rnnPageWidthTimer);
    window.removeEventListener('resize', window.rnnPageWidthListener || report);
    window.rnnPageWidthListener = () => {
        clearTimeout(window.rnnPageWidthTimer);
        window.rnnPageWidthTimer = setTimeout(report, 300);
    };
    window.addEventListener('resize', window.rnnPageWidthListener);
}
"""
).replace("DESKTOP_PAGE_PX", str(DESKTOP_PAGE_PX))
_page_width = st.components.v2.component("rnn_page_width", js=WIDTH_SCRIPT)


def fit_narrow_screens() -> None:
    """Draw the style (it takes no room), the sidebar's script (its element hidden by the style)
    and the page-width reporter (no room either), and keep the width it reported in `PAGE_PX`."""
    st.html(STYLE)
    st.sidebar.html(SCRIPT, unsafe_allow_javascript=True)
    with st.sidebar:
        reported = _page_width(
            key=WIDTH_KEY, data=PAGE_PX.get(), default={"page_px": None}, on_page_px_change=lambda: None
        )
    if isinstance(reported.get("page_px"), int | float) and reported["page_px"] > 0:
        PAGE_PX.set(float(reported["page_px"]))


def width_share(column: float = 1.0) -> float:
    """The share of its 1280 px width a chart is drawn at, in a column ``column`` of the page wide
    (½ for one of two columns; a phone stacks columns, each then taking the whole width); 1 on a
    page at least as wide as at 1280 px, or whose width the browser has not reported yet."""
    page = PAGE_PX.get()
    if page is None or page >= DESKTOP_PAGE_PX:
        return 1.0
    stacked = page + 2 * PAGE_PADDING_PX < COLUMNS_STACK_PX  # the window: the page and its padding
    return min(1.0, (page if stacked else page * column) / (DESKTOP_PAGE_PX * column))
