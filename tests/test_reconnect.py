"""A reconnecting browser's old session id is read from its websocket subprotocols, as Streamlit sends it."""

from ui.server.reconnect import previous_session_id


def test_the_third_subprotocol_entry_is_the_previous_session():
    assert previous_session_id("streamlit, token, 5f1c-session") == "5f1c-session"


def test_a_first_connection_offers_no_session():
    for header in ("", "streamlit", "streamlit, token", "streamlit, token, ", "streamlit,,"):
        assert previous_session_id(header) is None
