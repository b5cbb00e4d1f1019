"""Saying so when Streamlit ignores a whole link.

Streamlit reads at most 1,000 parameters and 512 Ki characters of a link's query; it drops a
longer query whole (`streamlit.runtime.state.query_params.sanitize_query_string`), with a line
in the server's log only, so the page would open the default experiment without a word.
`report_ignored_links` wraps that check where a session's run receives the query
(`streamlit.runtime.app_session`): instead of an empty query the run gets the one parameter
`ui.core.url_sync.IGNORED_LINK_PARAM` with the link's size, and the page says what happened.
"""

from __future__ import annotations

import streamlit.runtime.app_session as app_session
from streamlit.runtime.state.query_params import sanitize_query_string

from ui.core.url_sync import IGNORED_LINK_PARAM


def query_or_its_size(query_string: str) -> str:
    """The query Streamlit keeps; for one it drops, ``ignored_link=<parameters>,<characters>``."""
    kept = sanitize_query_string(query_string)
    if query_string and not kept:
        return f"{IGNORED_LINK_PARAM}={query_string.count('&') + 1},{len(query_string)}"
    return kept


def report_ignored_links() -> None:
    """Make every session of this server process receive `query_or_its_size` of its link."""
    app_session.sanitize_query_string = query_or_its_size
