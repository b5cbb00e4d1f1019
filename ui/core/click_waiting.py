"""Whether a click waits for the script run in progress: the one place that reads Streamlit's
request queue, so that a live run's slice (`ui.core.live_run`) can stop between epochs."""

from __future__ import annotations

from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType


def click_waiting() -> bool:
    """Whether this session's browser sent something (a click, a changed widget) that waits for
    the script run in progress to end.

    Streamlit has no public way to ask, so this reads the session's request queue
    (`ScriptRequests`, Streamlit 1.67: a pending RERUN and its data); without one (another
    Streamlit, or no script run) it says no, and slices simply run their full length. The live
    views' own timer, an automatic rerun of their fragment alone, is not a click.
    """
    context = get_script_run_ctx(suppress_warning=True)
    requests = getattr(context, "script_requests", None)
    if getattr(requests, "_state", None) is not ScriptRequestType.RERUN:
        return False
    pending = requests._rerun_data
    return not pending.is_auto_rerun or len(pending.fragment_id_queue) != 1
