"""Compare: several contenders trained side by side on one task, with the same seed."""

import streamlit as st

from charts.compare import comparison_loss_figure, prediction_timeline_figure, results_table
from playground import PlaygroundError
from playground.compare import CONTENDER_KINDS, Comparison, contenders_for
from playground.history import frame_to_csv
from playground.limits import LIMITS
from playground.presets import PRESETS
from ui.draw import chart_theme, draw_plotly
from ui.live_run import COMPARE_RUN, show_progress
from ui.markdown import escape_markdown
from ui.run_summary import show_run_summary
from ui.session import get_config
from ui.state import COMPARISON
from ui.url_sync import page_param_from_link, set_page_params, show_share_link

PAUSE_BUTTON, CONTINUE_BUTTON = "compare_pause_button", "compare_continue_button"
DEFAULT_VALUES = {"hidden_sizes": "4, 8, 16, 32", "learning_rates": "0.01, 0.05, 0.1, 0.5"}

st.title("Compare")
show_run_summary()
st.caption(
    "Train several networks on the same strings with the same seed and watch them race: "
    "every difference in the curves comes from the one setting that differs. Curves that lie "
    "on top of each other are a finding too: the hand-written RNNCell loop and nn.RNN compute "
    "the same function from the same initial weights."
)

# A shared link may name the preset and the kind of comparison (?preset=...&vs=...&values=...).
linked_preset, linked_kind = page_param_from_link("preset"), page_param_from_link("vs")
first_visit = "compare_kind" not in st.session_state
for name, value, known in (("preset", linked_preset, PRESETS), ("vs", linked_kind, CONTENDER_KINDS)):
    if first_visit and value is not None and value not in known:
        st.warning(
            f"The link's {name}='{escape_markdown(value[:40])}' is not known here; the default is shown instead.",
            icon="🔗",
        )

settings = st.container(border=True)
with settings:
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
        st.caption(f"Strings: **{escape_markdown(pairs)}** · task {base.task} · seed {base.seed}")
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

page_params = {"preset": preset} if source == "preset" else {}
if kind != "cells":
    page_params["vs"] = kind
if values_text and values_text != DEFAULT_VALUES.get(kind):
    page_params["values"] = values_text
set_page_params(page_params)
with st.expander("Share this comparison"):
    show_share_link()

if start:
    try:
        chosen = base.with_changes(epochs=int(epochs), **({"head": "linear"} if linear_head else {}))
        COMPARISON.set(Comparison(contenders_for(kind, chosen, values_text)))
        COMPARE_RUN.start()
    except PlaygroundError as error:
        COMPARISON.clear()
        COMPARE_RUN.clear()
        st.error(escape_markdown(str(error)))  # it may quote the typed values
COMPARE_RUN.advance()


def draw(comparison: Comparison, running: bool) -> None:
    """Everything about the comparison; redrawn after every slice of training."""
    show_progress(comparison, running)
    for run in comparison.runs:
        label, error = escape_markdown(run.contender.label), escape_markdown(run.error or "")
        if run.error and run.trainer is None:
            st.error(f"**{label}** cannot train: {error}")
        elif run.error:
            st.warning(f"**{label}** stopped: {error}")
    draw_plotly(st, comparison_loss_figure(comparison, chart_theme()), "compare_loss", "compare-loss")
    st.subheader("Results")
    st.dataframe(
        results_table(comparison),
        hide_index=True,
        column_config={
            "final loss": st.column_config.NumberColumn(format="%.6f"),
            "training time (s)": st.column_config.NumberColumn(format="%.3f"),
            "epochs/s": st.column_config.NumberColumn(format="%.0f"),
        },
        key="compare_table",
    )
    st.subheader("Predictions, epoch by epoch")
    st.caption(
        "Dark blue: the network gives the target character a high probability (the probability "
        "scale of the Train page); the letter is its guess. Steps count from t=0, strings from #0."
    )
    trained = [run for run in comparison.runs if run.trainer is not None and run.trainer.history]
    columns = st.columns(2)
    for index, run in enumerate(trained):
        with columns[index % 2]:
            draw_plotly(
                st, prediction_timeline_figure(run), f"compare_timeline_{index}", f"compare-timeline-{index + 1}"
            )


def draw_still(comparison: Comparison) -> None:
    """The paused or finished comparison, with its table to download."""
    draw(comparison, running=False)
    st.download_button(
        "Download the results table (CSV)",
        frame_to_csv(comparison.results_frame()),
        file_name="rnn-playground-comparison.csv",
        mime="text/csv",
        icon="⬇️",
    )


comparison = COMPARISON.get()
if comparison is not None:
    if COMPARE_RUN.going():
        st.button("Pause", key=PAUSE_BUTTON, icon=":material/pause:", on_click=COMPARE_RUN.stop)
    elif not comparison.done:
        st.button("Continue", key=CONTINUE_BUTTON, icon=":material/play_arrow:", on_click=COMPARE_RUN.start)
    COMPARE_RUN.show(lambda going: draw(going, running=True), lambda: draw_still(comparison))
else:
    st.info("Pick the contenders and press **Train side by side**.")
