"""Share & export's "Load a saved model": an uploaded .pt file is replayed, not trusted.

The file's run is trained again with its seed as a live run (`ui.export.state.REPLAY_RUN`, so it
takes turns like any training) and checked against the file's weights and history; only a
replay that agrees becomes the session's run, shown by every page.
"""

from __future__ import annotations

import streamlit as st

from playground import PlaygroundError
from playground.nn.text import visible
from playground.run.checkpoint import Replay, load_checkpoint
from ui.core.live_run import show_progress
from ui.core.markdown import escape_markdown
from ui.core.session import get_trainer, use_trainer
from ui.export.state import EXPORT_LOADED_FILE, EXPORT_REPLAY, REPLAY_RUN


def model_upload_section() -> None:
    """The uploader, the replay's progress, then what was restored or why not."""
    st.header("Load a saved model")
    st.caption(
        "A .pt file saved here restores its experiment: the run is replayed with the same seed and "
        "checked against the file's weights and history, so every page shows it again."
    )
    uploaded = st.file_uploader("Model file", type=["pt"], label_visibility="collapsed")
    if uploaded is not None and EXPORT_LOADED_FILE.get() != uploaded.file_id:
        try:
            EXPORT_REPLAY.set(Replay(load_checkpoint(uploaded.getvalue())))
        except PlaygroundError as error:
            st.error(f"{escape_markdown(visible(uploaded.name))} was not loaded: {escape_markdown(str(error))}")
        else:
            EXPORT_LOADED_FILE.set(uploaded.file_id)
            REPLAY_RUN.start()
    REPLAY_RUN.advance()
    replay = EXPORT_REPLAY.get()
    if replay is not None and replay.verified:
        EXPORT_REPLAY.clear()
        use_trainer(replay.trainer)
        st.rerun()
    elif REPLAY_RUN.going():
        st.caption("Replaying the saved run with its seed, then checking it against the file…")
        REPLAY_RUN.show(lambda going: show_progress(going, running=True), lambda: None)
    elif replay is not None:  # the replay stopped on a contradiction or the host's cap
        REPLAY_RUN.show_error()
    elif uploaded is not None:
        restored = get_trainer()
        if restored is not None and restored.history:
            predicting = visible(" | ".join(restored.history[-1].predictions))
            st.success(
                f"Restored {escape_markdown(visible(uploaded.name))}: {restored.epoch} epochs, predicting "
                f"{escape_markdown(predicting)}; its weights equal the file's."
            )
