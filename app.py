"""RNN Playground: `streamlit run app.py`.

The entry point only declares the pages and the shared frame; each page lives in app_pages/ (not pages/:
a folder of that name would also be served the old, navigation-less way on a fresh server).

Streamlit reads this file in two ways. `streamlit run` finds the server app at the bottom (`st.App`,
Streamlit's way to run code when the server starts: torch is imported then, not in the first
visitor's request; ui/server/warm_up.py) and imports the file to get it; then every session's script run
executes the file, which draws the frame and the page; a host's cap variable that is not valid
(`playground.run.limits`) is shown on every page instead.
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.scriptrunner import get_script_run_ctx

from playground.run.errors import CapVariableError
from playground.run.limits import check_limits
from ui.core.budgets import enter_session
from ui.core.class_member import enter_class, show_class_frame
from ui.core.class_saving import keep_class_run
from ui.core.classroom_link import show_classroom_banner
from ui.core.markdown import escape_markdown
from ui.core.narrow_screens import fit_narrow_screens
from ui.core.script_turns import SCRIPT_TURNS
from ui.core.state import CLASS_TEACHER_TOKEN, DASHBOARD_PAGE, URL_PAGE_PATH
from ui.core.url_sync import restore_config_from_url, sync_url_with_config
from ui.server.browser_cookie import BrowserCookie
from ui.server.chart_code_preload import PreloadChartCode
from ui.server.ignored_links import report_ignored_links
from ui.server.reconnect import show_lost_session_notice
from ui.server.warm_up import server_lifespan


def draw_app() -> None:
    """One script run: the page setup, the navigation and the chosen page, in the session's turn."""
    st.set_page_config(page_title="RNN Playground", page_icon="🔁", layout="wide")
    pages = [
        st.Page("app_pages/train.py", title="Train", icon=":material/model_training:", default=True),
        st.Page("app_pages/shapes.py", title="Shapes", icon=":material/view_in_ar:"),
        st.Page("app_pages/inside_cell.py", title="Inside the cell", icon=":material/biotech:"),
        st.Page("app_pages/what_if.py", title="What if?", icon=":material/science:"),
        st.Page("app_pages/embeddings.py", title="Embeddings", icon=":material/scatter_plot:"),
        st.Page("app_pages/gradient_flow.py", title="Gradient flow", icon=":material/trending_down:"),
        st.Page("app_pages/compare.py", title="Compare", icon=":material/leaderboard:"),
        st.Page("app_pages/challenges.py", title="Challenges", icon=":material/emoji_events:"),
        st.Page("app_pages/export.py", title="Share & export", icon=":material/share:"),
    ]
    teacher = CLASS_TEACHER_TOKEN.get() is not None
    if teacher:  # only a session holding a teacher token lists it; the page checks the token itself
        pages.append(st.Page(DASHBOARD_PAGE, title="Class dashboard", icon=":material/dashboard:"))
    navigation = st.navigation(pages)
    URL_PAGE_PATH.set(navigation.url_path)  # a share link made on another page opens Train (ui/core/url_sync.py)
    st.sidebar.caption(
        "RNN Playground — watch a recurrent network learn to map one string to another. "
        "Built on PyTorch; every number is the one torch computes."
    )
    fit_narrow_screens()  # a phone: the sidebar closes on choosing a page; toolbars keep off chart titles
    try:
        check_limits()
    except CapVariableError as error:  # the host's cap variable is not valid: every page says so, and nothing runs
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return
    with SCRIPT_TURNS.turn():  # sessions' scripts run one after another: see ui/core/script_turns.py
        enter_session()  # its memory and its browser's training tabs are counted (ui/core/budgets.py)
        show_lost_session_notice()  # a browser whose server lost its session is told so
        restore_config_from_url()  # a shared link sets the experiment on a session's first run
        enter_class()  # a class link: the class, its teacher or a known student (ui/core/class_member.py)
        if not teacher and CLASS_TEACHER_TOKEN.get() is not None:
            st.rerun()  # a teacher link just opened: the navigation lists the class dashboard
        show_classroom_banner()  # a teacher's instruction, and Unlock for locked controls
        show_class_frame()  # joining the class, a student's last run restored
        navigation.run()
        keep_class_run()  # a class member's finished, paused or stepped run is saved
        sync_url_with_config()  # the URL always describes the current experiment


if get_script_run_ctx(suppress_warning=True) is None:  # imported by `streamlit run` to find the server app
    report_ignored_links()  # a link too long for Streamlit to read gets a notice, not silence
    middleware = [Middleware(PreloadChartCode), Middleware(BrowserCookie)]  # BrowserCookie: ui/core/budgets.py
    app = st.App(__file__, lifespan=server_lifespan, middleware=middleware)
else:  # a session's script run
    draw_app()
