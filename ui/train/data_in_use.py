"""The Train page's line in place of the string boxes when the run trains on a file or a text of its own.

A file's 2,000 pairs or a text's windows would flood the boxes (and pass their length cap), so the
page says instead what trains: the file or pasted text, how many pairs or characters and windows,
and in what batches; a button goes back to typed strings. (A link cannot carry the data: the
experiment it opens names no file, and the link's notice says which one to upload, `ui.core.url_sync`.)
"""

from __future__ import annotations

import streamlit as st

from playground import PlaygroundError, RunConfig
from playground.lessons.presets import PRESETS
from playground.nn.data import training_pairs
from playground.nn.text import visible
from playground.run.limits import LIMITS
from playground.run.settings_checks import text_characters
from ui.core.markdown import escape_markdown
from ui.core.session import change_experiment, get_config

TYPE_STRINGS_BUTTON = "train_type_strings_instead"


def own_data_in_use(config: RunConfig) -> bool:
    """Whether ``config`` trains on a text of its own or on a file's pairs."""
    return bool(config.text or config.data_file)


def _batches(config: RunConfig, count: int) -> str:
    if config.batch_size == 0 or config.batch_size >= count:
        return "all in one batch"
    return f"in batches of {config.batch_size}"


def _unnamed_text(config: RunConfig) -> str:
    """How the line names a text from no file: a preset's, or the learner's pasted one."""
    preset = next((preset for preset in PRESETS.values() if preset.config.text == config.text), None)
    return f"the text of the preset “{escape_markdown(preset.name)}”" if preset else "your pasted text"


def data_in_use_line(config: RunConfig) -> None:
    """What trains, in one line, and the way back to typing strings."""
    name = f"**{escape_markdown(visible(config.data_file))}**" if config.data_file else _unnamed_text(config)
    try:
        count = len(training_pairs(config))
    except PlaygroundError:
        count = 0  # the page's error above says why
    if config.text:
        characters = text_characters(config.text)
        size = f"{characters:,} characters" if characters is not None else "too many characters"
        line = (
            f"Learning to write {name}: {size}, {count:,} windows of up to {config.window} characters, "
            f"{_batches(config, count)}."
        )
    else:
        line = f"Training on the pairs of {name}: {count:,} pairs, {_batches(config, count)}."
    st.info(line, icon=":material/description:")
    st.button(
        "Type strings instead",
        key=TYPE_STRINGS_BUTTON,
        icon=":material/keyboard:",
        on_click=_type_strings,
        help=f"Leaves the file or text: the string boxes come back, holding the first {LIMITS.max_pairs} pairs "
        "of a file, or the strings a text's run kept unused.",
    )


def _type_strings() -> None:
    config = get_config()
    sources, targets = config.sources[: LIMITS.max_pairs], config.targets[: LIMITS.max_pairs]  # what boxes hold
    change_experiment(config.with_changes(text="", data_file="", sources=sources, targets=targets), "Typed strings")
