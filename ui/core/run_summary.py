"""One line at the top of every page: which experiment the page is about, and at which epoch.

A learner who trains on Train and opens Shapes, Embeddings or Share must see at a glance that
the page is about *that* run, and which epoch of it; the same words on every page, so the
pages read as views of one experiment rather than separate tools. The browser tests find the
line by its container key (`SUMMARY_KEY`).
"""

from __future__ import annotations

import streamlit as st

from playground import RunConfig, Trainer
from playground.nn.cells import CELLS
from ui.core.markdown import escape_markdown
from ui.core.session import get_config, get_trainer
from ui.core.shown_epoch import train_shown_epoch

SUMMARY_KEY = "run-summary"
SHOWN_PAIRS = 2  # a batch of 16 long strings would fill the page; the rest is counted
TEXT_START = 30  # characters of a text of one's own the line quotes


def experiment_text(config: RunConfig) -> str:
    """The strings and the network of ``config`` in one line of plain text (not yet escaped)."""
    if config.text:  # its source strings are unused
        strings = f"next character of {repr(config.data_file) if config.data_file else 'a text'}, "
        strings += repr(config.text[:TEXT_START]) + ("…" if len(config.text) > TEXT_START else "")
    elif config.task == "next-char":
        strings = "next character of " + ", ".join(repr(s) for s in config.sources[:SHOWN_PAIRS])
    else:
        strings = ", ".join(f"{s!r} → {t!r}" for s, t in zip(config.sources[:SHOWN_PAIRS], config.targets))
    if len(config.sources) > SHOWN_PAIRS and not config.text:
        strings += f" and {len(config.sources) - SHOWN_PAIRS} more"
    if config.data_file and not config.text:
        strings += f" from {config.data_file!r}"
    network = [CELLS[config.cell].module_name, f"{config.layers} layer{'s' if config.layers > 1 else ''}"]
    if config.bidirectional:
        network.append("bidirectional")
    network.append(f"hidden size {config.hidden_size}")
    return f"{strings} · {', '.join(network)}"


def epoch_text(trainer: Trainer | None) -> str:
    """The epoch the Train page shows, of how many trained; or that nothing is trained yet."""
    if trainer is None or trainer.epoch == 0:
        return "not trained yet"
    return f"epoch {train_shown_epoch(trainer)} of {trainer.epoch} trained"


def show_run_summary() -> None:
    """The experiment and epoch line, in a container the browser tests can find."""
    trainer = get_trainer()
    config = trainer.config if trainer is not None else get_config()
    with st.container(key=SUMMARY_KEY):
        st.caption(
            f"**Experiment:** {escape_markdown(experiment_text(config))} · **{escape_markdown(epoch_text(trainer))}**"
        )
