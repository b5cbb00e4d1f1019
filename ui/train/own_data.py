"""The Train page's "Your own data": a text to learn to write, a file of pairs, the pairs as CSV.

An upload is handed to the engine's readers (`playground.nn.data_files`) as the file-like object
Streamlit gives, so they read it in chunks and refuse it early; its bytes are dropped once read
(`ui.core.budgets.forget_upload`). What was read becomes the experiment as a preset does
(`change_experiment`), so it lives in the session's config and survives a walk to another page;
a refusal is kept as a sentence shown under the panel, and nothing changes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import PurePath
from typing import TypeVar

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from playground import PlaygroundError, RunConfig
from playground.lessons.presets import story_network_label, with_story_network
from playground.nn.data import text_windows, training_pairs
from playground.nn.data_files import pairs_byte_bound, pairs_csv, read_pairs, read_text, text_byte_bound
from playground.run.limits import LIMITS
from ui.core.budgets import forget_upload
from ui.core.markdown import escape_markdown
from ui.core.session import change_experiment, get_config, strings_are_typed
from ui.core.state import SessionKey
from ui.core.url_sync import link_asks_for_file
from ui.train.controls import TYPED_EPOCHS
from ui.train.settings import change_notice, config_from_widgets
from ui.train.state import OWN_DATA_ERROR, OWN_PAIRS_READ, OWN_PASTED, OWN_TEXT_FILE, OWN_TEXT_READ
from ui.train.task_picker import whole_box, whole_number

TEXT_UPLOAD_KEY, PAIRS_UPLOAD_KEY = "own_data_text_file", "own_data_pairs_file"
PASTE_KEY, WINDOW_KEY, BATCH_KEY = "own_data_text", "own_data_window", "own_data_batch_size"
USE_TEXT_BUTTON, DOWNLOAD_BUTTON = "own_data_use_text", "own_data_download"
STORY_NETWORK_KEY = "own_data_story_network"
PANEL_KEY, TABS_KEY = "own_data_panel", "own_data_tabs"
OWN_DATA_SOURCE = "Your "  # how a change notice of this panel begins
Data = TypeVar("Data")
PASTED = "the pasted text"  # how a refusal names a text that came from no file
# What the paste box takes: the cap with room for the line breaks a text loses (the reader names the count).
PASTE_MAX_CHARS = 2 * LIMITS.max_corpus_characters


def _megabytes(size: int) -> int:
    """An upload cap in whole MB, as `st.file_uploader` takes it (the browser refuses a larger file)."""
    return math.ceil(size / 2**20)


def _base() -> RunConfig:
    """The experiment the page's controls describe, or the last good one when a box holds no number."""
    try:
        return config_from_widgets()
    except PlaygroundError:
        return get_config()


def _batch_size(asked: int, pairs: int) -> int:
    """The batch size asked for, or the largest one when more ``pairs`` than one batch holds need
    mini-batches and the one asked for cannot make them (0, or past the cap)."""
    if pairs > LIMITS.max_pairs and not 0 < asked <= LIMITS.max_pairs:
        return LIMITS.max_pairs
    return asked


def _read_once(
    uploaded: UploadedFile | None, read_key: SessionKey[str | None], read: Callable[..., Data]
) -> Data | None:
    """A new upload's data by ``read`` (one of `playground.nn.data_files`), read once by its file id and
    then forgotten; None when there is no new upload, or it was refused (the sentence is kept)."""
    if uploaded is None or read_key.get() == uploaded.file_id:
        return None
    read_key.set(uploaded.file_id)
    OWN_DATA_ERROR.clear()
    try:
        return read(uploaded, uploaded.name)
    except PlaygroundError as error:
        OWN_DATA_ERROR.set(str(error))
        return None
    finally:
        forget_upload(uploaded)


def _keep_pasted() -> None:
    OWN_PASTED.set(st.session_state[PASTE_KEY])


def _use_text() -> None:
    """Button callback: the pasted (or uploaded) text, its window and batch size become the experiment."""
    OWN_DATA_ERROR.clear()
    pasted = st.session_state.get(PASTE_KEY) or ""
    file = OWN_TEXT_FILE.get()
    name = file[0] if file is not None and file[1] == pasted else ""  # edited after the upload: pasted
    try:
        text = pasted if name else read_text(io.BytesIO(pasted.encode()), PASTED)
        window = whole_number(WINDOW_KEY, "window")
        windows = len(text_windows(text, window)) if window > 0 else 0  # a bad window: the page says why
        batch_size = _batch_size(whole_number(BATCH_KEY, "batch size"), windows)
        base = with_story_network(_base()) if st.session_state.get(STORY_NETWORK_KEY, True) else _base()
        config = base.with_changes(
            task="next-char",
            text=text,
            window=window,
            batch_size=batch_size,
            data_file=name,
            vocab="",
            test_sources=(),  # held-out strings of the task before, not of this text
            test_targets=(),
        )
    except PlaygroundError as error:
        OWN_DATA_ERROR.set(str(error))
        return
    change_experiment(config, f"{OWN_DATA_SOURCE}text file “{name}”" if name else f"{OWN_DATA_SOURCE}pasted text")


def _use_pairs(name: str, pairs: tuple[tuple[str, str], ...]) -> None:
    """An uploaded file's pairs become the experiment at once, in mini-batches when one batch cannot hold them."""
    base = _base()
    batch_size = _batch_size(base.batch_size, len(pairs))
    # as strings typed over a lesson's: train until learned, within a generous cap (`ui.train.controls`)
    epochs = base.epochs if strings_are_typed(base) else TYPED_EPOCHS
    config = base.with_changes(
        task="translate",
        sources=tuple(source for source, _ in pairs),
        targets=tuple(target for _, target in pairs),
        test_sources=(),
        test_targets=(),
        text="",
        data_file=name,
        batch_size=batch_size,
        epochs=epochs,
        vocab="",
    )
    change_experiment(config, f"{OWN_DATA_SOURCE}pairs file “{name}”")
    st.rerun()  # the controls above were drawn before: show the file's experiment


def _text_tab() -> None:
    config = get_config()
    uploaded = st.file_uploader(
        "A text file (.txt, UTF-8)",
        type=["txt"],
        key=TEXT_UPLOAD_KEY,
        max_upload_size=_megabytes(text_byte_bound()),
        help=f"Up to {LIMITS.max_corpus_characters:,} characters; line breaks and tabs become spaces.",
    )
    if (text := _read_once(uploaded, OWN_TEXT_READ, read_text)) is not None:
        OWN_TEXT_FILE.set((uploaded.name, text))
        st.session_state[PASTE_KEY] = text  # applied by the button below, as a pasted text is
        _keep_pasted()
    if PASTE_KEY not in st.session_state:  # first drawn, or again after a walk to another page
        pasted = OWN_PASTED.get()
        st.session_state[PASTE_KEY] = config.text if pasted is None else pasted
    st.text_area(
        "Or paste a text",
        key=PASTE_KEY,
        on_change=_keep_pasted,
        height=120,
        max_chars=PASTE_MAX_CHARS,
        placeholder="A poem, a page of a book, your own sentences…",
    )
    window, batch = st.columns(2)
    whole_box(
        window,
        "Window",
        WINDOW_KEY,
        config.window,
        f"Characters each training pair reads, 2 to {LIMITS.max_string_length}: the text is cut into windows "
        "of this many, and the network learns each character's successor in each.",
    )
    whole_box(
        batch,
        "Batch size",
        BATCH_KEY,
        config.batch_size,
        f"Windows per optimizer step, up to {LIMITS.max_pairs}; 0 puts every window in one batch when they fit "
        f"one, else batches of {LIMITS.max_pairs}.",
    )
    st.checkbox(
        f"With the story preset's network ({story_network_label()})",
        value=True,
        key=STORY_NETWORK_KEY,
        help="A network big enough to write a text of a few thousand characters in words after about ten "
        "seconds; the lessons' small ones stay at letter salad. Off: the network set on this page.",
    )
    st.button(
        "Learn to write this text",
        key=USE_TEXT_BUTTON,
        icon=":material/edit_note:",
        on_click=_use_text,
        help="Sets the task to next-character prediction on this text, with its window and batch size "
        "(and the story's network, if ticked).",
    )


def _pairs_tab() -> None:
    uploaded = st.file_uploader(
        "A pairs file (.csv or .tsv)",
        type=["csv", "tsv"],
        key=PAIRS_UPLOAD_KEY,
        max_upload_size=_megabytes(pairs_byte_bound()),
        help=f"One source,target pair per row (a tab between them in a .tsv), an optional header row "
        f"source,target; up to {LIMITS.max_file_pairs:,} pairs of up to {LIMITS.max_string_length} characters, "
        f"trained in batches of up to {LIMITS.max_pairs}.",
    )
    if (pairs := _read_once(uploaded, OWN_PAIRS_READ, read_pairs)) is not None:
        _use_pairs(uploaded.name, pairs)
    _download_pairs()


def _download_pairs() -> None:
    """The current pairs (typed, generated or uploaded) as CSV; a text's windows are not offered."""
    config = get_config()
    if config.text:
        st.caption("A text trains on its windows; its pairs are not offered as a file.")
        return
    try:
        pairs = training_pairs(config)
    except PlaygroundError:
        pairs = ()
    stem = PurePath(config.data_file).stem if config.data_file else "pairs"
    st.download_button(
        "Download pairs as CSV",
        data=pairs_csv((source for source, _ in pairs), (target for _, target in pairs)),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=DOWNLOAD_BUTTON,
        icon=":material/download:",
        on_click="ignore",
        disabled=not pairs,
        help="The pairs the network trains on now, typed, generated or uploaded: a file to edit and upload again.",
    )


def own_data() -> None:
    """A collapsed panel beside "Generate strings": your own text, your own pairs, the pairs as CSV."""
    # Keyed, so the panel stays open on the tab in use when an upload changes the page above it
    # (the string boxes give way to one line), which would otherwise remount it closed.
    asked = link_asks_for_file()  # open, at its tab, for the file a link names
    with st.expander(
        "Your own data: a text to learn to write, or a file of pairs",
        icon=":material/upload_file:",
        expanded=bool(asked),
        key=PANEL_KEY,
    ):
        tabs = ["Your own text", "Your own pairs"]
        default = tabs[1] if PurePath(asked).suffix.lower() in (".csv", ".tsv") else tabs[0]
        text_tab, pairs_tab = st.tabs(tabs, key=TABS_KEY, default=default)
        with text_tab:
            _text_tab()
        with pairs_tab:
            _pairs_tab()
        if notice := change_notice(get_config(), OWN_DATA_SOURCE):
            st.caption(escape_markdown(notice))
        if error := OWN_DATA_ERROR.get():
            st.error(f"Nothing was changed. {escape_markdown(error)}", icon=":material/error:")
