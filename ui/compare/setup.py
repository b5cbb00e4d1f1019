"""The Compare page's settings form: which task, which contenders, and starting the race.

A shared link may name the preset, the kind of comparison and the values to try
(``?preset=...&vs=...&values=...``); the form opens at them, warns once about a name it does
not know, and keeps its own choices in the link (`ui.core.url_sync.set_page_params`) so a copied
link opens the same comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from playground import PlaygroundError, RunConfig
from playground.lessons.presets import PRESETS
from playground.nn.text import quoted, visible
from playground.run.compare import CONTENDER_KINDS, Comparison, contenders_for
from playground.run.limits import LIMITS
from ui.compare.state import COMPARE_RUN, COMPARISON
from ui.core.budgets import BudgetFull, make_room
from ui.core.markdown import escape_markdown
from ui.core.session import get_config
from ui.core.url_sync import page_param_from_link, set_page_params, show_share_link

DEFAULT_VALUES = {"hidden_sizes": "4, 8, 16, 32", "learning_rates": "0.01, 0.05, 0.1, 0.5"}


@dataclass(frozen=True)
class CompareSetup:
    """What the form says: the task, the contenders and whether to start them now."""

    base: RunConfig  # the task: the Train page's experiment or a preset's
    preset: str | None  # the preset's name, when the task is one
    kind: str  # a `CONTENDER_KINDS` key
    values_text: str  # the sizes or rates to try ("" for kinds without values)
    linear_head: bool
    epochs: int
    start: bool  # "Train side by side" was pressed


def _warn_unknown_link_names(linked_preset: str | None, linked_kind: str | None) -> None:
    """On the first visit, say which of the link's names this app does not know."""
    first_visit = "compare_kind" not in st.session_state
    for name, value, known in (("preset", linked_preset, PRESETS), ("vs", linked_kind, CONTENDER_KINDS)):
        if first_visit and value is not None and value not in known:
            notice = f"The link's {name}={quoted(value, 40)} is not known here; the default is shown instead."
            st.warning(escape_markdown(notice), icon=":material/link_off:")


def compare_setup() -> CompareSetup:
    """The bordered form: task and strings on the left, contenders and values on the right."""
    linked_preset, linked_kind = page_param_from_link("preset"), page_param_from_link("vs")
    _warn_unknown_link_names(linked_preset, linked_kind)
    preset = None
    with st.container(border=True):
        left, right = st.columns(2)
        with left:
            source = st.radio(
                "Task",
                ["current", "preset"],
                horizontal=True,
                key="compare_source",
                format_func={"current": "the Train page's experiment", "preset": "a preset"}.get,
                index=1 if linked_preset in PRESETS else 0,
            )
            if source == "preset":
                preset = st.selectbox(
                    "Preset",
                    list(PRESETS),
                    key="compare_preset",
                    format_func=lambda name: PRESETS[name].title,
                    index=list(PRESETS).index(linked_preset) if linked_preset in PRESETS else 0,
                )
                base = PRESETS[preset].config
            else:
                base = get_config()
            pairs = ", ".join(f"{s} → {t}" for s, t in zip(base.sources, base.targets)) or ", ".join(base.sources)
            st.caption(f"Strings: **{escape_markdown(visible(pairs))}** · task {base.task} · seed {base.seed}")
        with right:
            kind = st.radio(
                "Contenders",
                list(CONTENDER_KINDS),
                key="compare_kind",
                format_func=CONTENDER_KINDS.get,
                index=list(CONTENDER_KINDS).index(linked_kind) if linked_kind in CONTENDER_KINDS else 0,
            )
            values_text = ""
            if kind in DEFAULT_VALUES:
                linked_values = page_param_from_link("values") if kind == linked_kind else None
                values_text = st.text_input(
                    "Values to try (comma-separated)",
                    linked_values or DEFAULT_VALUES[kind],
                    key=f"compare_values_{kind}",
                )
        linear_head = st.checkbox(
            "Give every contender an nn.Linear head",
            value=base.head == "hidden" and kind == "hidden_sizes",
            key=f"compare_linear_head_{kind}",
            help="'Hidden state as logits' only works when the hidden size equals the vocabulary size "
            "and the core is one-directional; other contenders would show an error instead.",
            disabled=base.head == "linear",
        )
        epochs = st.number_input(
            "Epochs",
            1,
            LIMITS.max_epochs,
            min(base.epochs, LIMITS.max_epochs),
            key=f"compare_epochs_{base.epochs}",  # a new task brings its own epoch count
        )
        start = st.button("Train side by side", type="primary")
    return CompareSetup(base, preset, kind, values_text, linear_head, int(epochs), start)


def share_comparison(setup: CompareSetup) -> None:
    """Keep the form's non-default choices in the link, and offer that link."""
    page_params = {"preset": setup.preset} if setup.preset is not None else {}
    if setup.kind != "cells":
        page_params["vs"] = setup.kind
    if setup.values_text and setup.values_text != DEFAULT_VALUES.get(setup.kind):
        page_params["values"] = setup.values_text
    set_page_params(page_params)
    with st.expander("Share this comparison"):
        show_share_link()


def start_comparison(setup: CompareSetup) -> None:
    """Make the form's contenders the session's comparison and start it; a refusal clears it."""
    try:
        chosen = setup.base.with_changes(epochs=setup.epochs, **({"head": "linear"} if setup.linear_head else {}))
        comparison = Comparison(contenders_for(setup.kind, chosen, setup.values_text))
        make_room(comparison, replacing=COMPARISON)  # the race already there stays if there is no room
        COMPARISON.set(comparison)
        COMPARE_RUN.start()
    except BudgetFull as error:
        st.error(escape_markdown(str(error)))
    except PlaygroundError as error:
        COMPARISON.clear()
        COMPARE_RUN.clear()
        st.error(escape_markdown(str(error)))  # it may quote the typed values
