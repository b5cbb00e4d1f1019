"""A page that cannot go on: the engine's refusal, shown as its sentence, ends the script run.

Every bad input the engine meets becomes a `PlaygroundError` whose message is written for
the learner and may quote what they typed, so it is escaped before Streamlit reads it as
markdown; nothing below the refused call can be drawn, so the page stops there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from playground import PlaygroundError
from ui.core.markdown import escape_markdown


@contextmanager
def stop_on_refusal() -> Iterator[None]:
    """Run the block; a `PlaygroundError` in it is shown as an error and stops the page."""
    try:
        yield
    except PlaygroundError as error:
        st.error(escape_markdown(str(error)))
        st.stop()
