"""Keeping the browser's URL and the session's experiment in step.

`restore_config_from_url` runs once per browser session, before the page: a shared link
sets the experiment. `sync_url_with_config` runs after every page (app.py calls it after
``navigation.run()``), so changing any control rewrites the URL's query parameters; a page
may also call it right after `set_config` if it stops the script early (``st.stop``).
"""

from __future__ import annotations

import streamlit as st

from playground.url_state import config_from_params, config_to_params, query_string
from ui.session import get_config, set_config

RESTORED_KEY = "url_restored"
NOTICES_KEY = "url_notices"  # (config the notices are about, notices)


def _current_params() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params.keys()}


def restore_config_from_url() -> None:
    """On a session's first run, take the experiment from the URL and show what was ignored."""
    if not st.session_state.get(RESTORED_KEY):
        st.session_state[RESTORED_KEY] = True
        state = config_from_params(_current_params())
        if state.has_settings:
            set_config(state.config)
            if state.notices:
                st.session_state[NOTICES_KEY] = (state.config, state.notices)
    show_url_notices()


def show_url_notices() -> None:
    """The link's ignored parts, shown until the learner changes the experiment."""
    config, notices = st.session_state.get(NOTICES_KEY, (None, ()))
    if notices and config == get_config():
        st.warning(
            "Some settings in this link could not be used, so their defaults apply:\n\n"
            + "\n".join(f"- {notice}" for notice in notices),
            icon="🔗",
        )


def sync_url_with_config() -> None:
    """Rewrite the URL's query parameters to describe the current experiment (only non-defaults)."""
    wanted = config_to_params(get_config())
    as_lists = {name: value if isinstance(value, list) else [value] for name, value in wanted.items()}
    if _current_params() != as_lists:
        st.query_params.from_dict(wanted)


def share_url() -> str:
    """The full link to the current page with the current experiment."""
    base = st.context.url or ""
    query = query_string(get_config())
    return f"{base}?{query}" if query else base


def show_share_link() -> None:
    """The "copy link" box: the full link in st.code, whose copy icon copies it."""
    st.code(share_url(), language=None, wrap_lines=True)
    st.caption("Copy the link with the icon at the right of the box; opening it restores this experiment.")
