"""A link longer than Streamlit reads (over 1,000 parameters) is not ignored in silence: the server
hands the page its size instead of nothing, and the page says the whole link was ignored."""

from __future__ import annotations

from pathlib import Path

import streamlit.runtime.app_session as app_session
from streamlit.runtime.state.query_params import sanitize_query_string
from streamlit.testing.v1 import AppTest

from ui.server.ignored_links import query_or_its_size, report_ignored_links

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LONG_LINK = "&".join(f"x{number}=1" for number in range(1001))


def test_streamlit_drops_a_link_of_1001_parameters_whole():
    assert sanitize_query_string(LONG_LINK) == ""  # what the hook is for; a new Streamlit may change it
    assert sanitize_query_string("cell=gru") == "cell=gru"


def test_a_dropped_link_reaches_the_page_as_its_size(monkeypatch):
    monkeypatch.setattr(app_session, "sanitize_query_string", app_session.sanitize_query_string)  # restored after
    report_ignored_links()
    assert app_session.sanitize_query_string is query_or_its_size
    assert query_or_its_size(LONG_LINK) == f"ignored_link=1001,{len(LONG_LINK)}"
    assert query_or_its_size("cell=gru&hidden=8") == "cell=gru&hidden=8" and query_or_its_size("") == ""


def open_link(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_says_the_whole_link_was_ignored():
    at = open_link({"ignored_link": f"1001,{len(LONG_LINK)}"})
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert f"This link has 1,001 parameters and {len(LONG_LINK):,} characters; a link may have at most 1,000" in warning
    assert "so all of it was ignored" in warning
    assert "ignored_link" not in at.query_params  # the address bar holds the experiment in use


def test_a_hand_typed_size_gets_the_sentence_too():
    for size in ("lots", "1" * 5000, "1,2,3"):
        warning = " ".join(w.value for w in open_link({"ignored_link": size}).warning).replace("\\", "")
        assert "This link was too long to read" in warning and "so all of it was ignored" in warning
