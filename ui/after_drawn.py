"""What the Train page does once a session's first drawing of it is on the learner's screen.

The run that first draws the page sends nothing heavy, so the page is usable as soon as it can
be (bench/first_visit.py); the next run, a moment later, finishes it:

- the empty live loss chart appears under the buttons, so the browser loads the live charts'
  code (Vega-Lite and Arrow, 1.5 MB) while the learner reads, not after their first click on
  Train (bench/live_page.py: click → first chart changed). Drawn in the first run, it made the
  first visit 1.6 times as slow as a bare page instead of 1.4;
- a link made with "Start training when the link opens" starts its run. Started in the first
  run, training kept the browser so busy drawing live charts that the link's strings were
  missing from their boxes for a while (Streamlit's browser code draws a new text box empty and
  fills in its value a moment later), in about a quarter of the opens
  (tests/browser/test_share_browser.py opens such a link several times).

The full run that finishes the page is started by the server (`st.rerun` in a timed fragment).
After it, Streamlit 1.67 no longer holds the widgets' values until the browser sends them with
its next request; a browser always sends them all, a client that sends only a click may not
(`ui.train_controls` reseeds the settings from the session's config before it trains).
"""

from __future__ import annotations

import streamlit as st

from ui.state import TRAIN_PAGE_DRAWN
from ui.train_controls import on_train
from ui.turns import taking_turns
from ui.url_sync import TRAIN_ON_OPEN, page_param_from_link, set_page_params

FINISH_AFTER = 0.75  # seconds after the first drawing reached the browser


def finish_the_first_drawing(config_ok: bool) -> None:
    """Once a session: nothing in the run that first draws the page; the next run (the timer of
    `_finish`, or any full run) finishes it and reruns the page.

    A link that says to train keeps saying so (a reload trains again, as the link does):
    rewriting the address in these first runs made the browser show the widgets empty more often."""
    link_trains = page_param_from_link(TRAIN_ON_OPEN) == "1"
    if link_trains:
        set_page_params({TRAIN_ON_OPEN: "1"})
    if TRAIN_PAGE_DRAWN.get() != "drawn":
        _finish(start_training=link_trains and config_ok)


@st.fragment(run_every=FINISH_AFTER)
@taking_turns  # a timed rerun does not pass through app.py, which takes the turn for full runs
def _finish(start_training: bool) -> None:
    if TRAIN_PAGE_DRAWN.get() != "drawing":
        TRAIN_PAGE_DRAWN.set("drawing")
        return
    TRAIN_PAGE_DRAWN.set("drawn")
    if start_training:
        on_train()
    st.rerun()  # a full run draws the finished page; its start also stops this fragment's timer
