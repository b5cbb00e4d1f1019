"""Share & export's "Load a saved model": an uploaded .pt file is replayed, not trusted.

The file's run is trained again with its seed as a live run (`ui.export.state.REPLAY_RUN`, so it
takes turns like any training) and checked against the file's weights and history; only a
replay that agrees becomes the session's run, shown by every page.
"""

from __future__ import annotations

import math

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from playground import PlaygroundError
from playground.nn.text import visible
from playground.run.checkpoint import Replay, load_checkpoint, max_file_bytes
from ui.core.budgets import forget_upload, make_room
from ui.core.live_run import show_progress
from ui.core.markdown import escape_markdown
from ui.core.session import get_trainer, use_trainer
from ui.export.state import EXPORT_LOADED_FILE, EXPORT_REPLAY, EXPORT_UPLOAD, REPLAY_RUN


def model_upload_section() -> None:
    """The uploader, the replay's progress, then what was restored or why not."""
    st.header("Load a saved model")
    st.caption(
        "A .pt file saved here restores its experiment: the run is replayed with the same seed and "
        "checked against the file's weights and history, so every page shows it again."
    )
    uploaded = st.file_uploader(
        "Model file", type=["pt"], label_visibility="collapsed", max_upload_size=math.ceil(max_file_bytes() / 2**20)
    )
    if uploaded is not None and EXPORT_LOADED_FILE.get() != uploaded.file_id:
        read_upload(uploaded)
    name, refusal = EXPORT_UPLOAD.get()
    if refusal:
        st.error(f"{escape_markdown(name)} was not loaded: {escape_markdown(refusal)}")
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
    elif name and not refusal:
        restored = get_trainer()
        if restored is not None and restored.history:
            predicting = visible(" | ".join(restored.history[-1].predictions))
            st.success(
                f"Restored {escape_markdown(name)}: {restored.epoch} epochs, predicting "
                f"{escape_markdown(predicting)}; its weights equal the file's."
            )


def read_upload(uploaded: UploadedFile) -> None:
    """Start replaying an uploaded file, or keep why not; either way its bytes are not kept
    (`ui.core.budgets.forget_upload`), and the replay is booked against the session's memory."""
    EXPORT_LOADED_FILE.set(uploaded.file_id)
    try:
        replay = Replay(load_checkpoint(uploaded.getvalue()))
        make_room(replay, replacing=EXPORT_REPLAY)
    except PlaygroundError as error:
        EXPORT_UPLOAD.set((visible(uploaded.name), str(error)))
    else:
        EXPORT_UPLOAD.set((visible(uploaded.name), None))
        EXPORT_REPLAY.set(replay)
        REPLAY_RUN.start()
    finally:
        forget_upload(uploaded)
