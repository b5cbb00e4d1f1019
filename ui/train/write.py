"""Write: let the trained network write, greedy and sampled side by side, and look inside each step.

Under a paused or finished run's views. The learner types a prime and picks a length, a temperature,
a top-k and a seed; **Write** asks the engine's sampler (`playground.run.sampling.sample`) twice,
at temperature 0 and at the chosen one, with the weights after the epoch the Train page shows
(`ui.core.shown_epoch`; at the newest epoch they are the CLI's, so `python -m playground sample`
writes the same text). A run the sampler refuses (a bidirectional one) gets its sentence instead.

The text appears character by character: the script draws growing prefixes into two placeholders
for about `REVEAL_SECONDS` whatever the length, and waits between frames outside the server's
turn (`ui.core.script_turns`), so other sessions' scripts run meanwhile; a click elsewhere on the
page ends the animation at once, as any rerun does. The panel is a fragment: a Write or a move of
its step slider reruns only the panel, never the run's controls or views.

Its settings live in session state (`WRITE_SETTINGS`) as well as on its widgets, which forget
their values on other pages: what a learner typed is there when they come back.
"""

from __future__ import annotations

import html
import time
import weakref

import streamlit as st

from charts.theme import MONOSPACE
from charts.train.write import DRAWN_COLOUR, likeliest_chart, writing_hidden_chart
from playground import PlaygroundError, Trainer
from playground.nn.text import quoted, split_characters
from playground.run.limits import LIMITS
from playground.run.sampling import (
    MAX_TEMPERATURE,
    Sample,
    SampleSettings,
    can_write_after,
    check_sample,
    continues_its_text,
    sample,
)
from ui.core.markdown import escape_markdown
from ui.core.narrow_screens import width_share
from ui.core.script_turns import SCRIPT_TURNS, taking_turns
from ui.core.session import get_trainer
from ui.core.shown_epoch import train_shown_epoch
from ui.train.state import WRITE_SETTINGS, WRITTEN, Written

PRIME_KEY, LENGTH_KEY, TEMPERATURE_KEY, TOP_K_KEY, SEED_KEY = (
    "write_prime",
    "write_length",
    "write_temperature",
    "write_top_k",
    "write_seed",
)
WRITE_BUTTON, STEP_KEY, INSIDE_KEY = "write_button", "write_step", "write_inside"
LIKELIEST_CHART, HIDDEN_CHART = "write_likeliest_chart", "write_hidden_chart"  # their containers' keys
PRIME_CHARS = 3  # the default prime: the first training string's first characters
DEFAULT_LENGTH = 80
TEMPERATURE_STEP = 0.05
REVEAL_SECONDS = 1.2  # how long the text takes to appear, whatever its length
REVEAL_FRAMES = 24  # at most: each frame is a message to the browser
GREEDY, SAMPLED = "greedy", "sampled"
PRIME_COLOUR = "#808495"  # the charts' text grey: reads on the light and the dark theme


def default_settings(trainer: Trainer) -> SampleSettings:
    """The first training string's first characters, 80 characters (or the host's cap), temperature 1,
    all characters, and the run's training seed for the draws, as `python -m playground sample` takes
    by default (its ``--sample-seed``)."""
    prime = "".join(split_characters(trainer.dataset.sources[0])[:PRIME_CHARS])
    return SampleSettings(prime, min(DEFAULT_LENGTH, LIMITS.max_sample_length), 1.0, 0, trainer.config.seed)


def refusal(trainer: Trainer) -> str | None:
    """The sampler's sentence for a run that cannot write whatever the settings (bidirectional)."""
    try:
        check_sample(trainer.config, trainer.dataset.vocab, SampleSettings(trainer.dataset.vocab.chars[0], 1))
    except PlaygroundError as error:
        return str(error)
    return None


def writing_epoch(trainer: Trainer) -> int:
    """The epoch the panel writes after: the one the Train page shows, or the nearest whose weights were kept."""
    shown = train_shown_epoch(trainer)
    return min(
        (epoch for epoch in range(1, trainer.epoch + 1) if can_write_after(trainer, epoch)),
        key=lambda epoch: (abs(epoch - shown), -epoch),
    )


@st.fragment
@taking_turns  # a fragment rerun does not pass through app.py, which takes the turn for full runs
def write_panel() -> None:
    """The Write panel of the session's run, once it has trained an epoch."""
    trainer = get_trainer()
    if trainer is None or not trainer.epoch:
        return
    st.subheader("Write", anchor=False)
    if (sentence := refusal(trainer)) is not None:
        st.info(escape_markdown(sentence), icon=":material/edit_off:")
        return
    if not continues_its_text(trainer.config):
        st.caption(
            "This network learned to turn sources into targets, not to continue a text: it writes by "
            "reading its own outputs back in, which it never trained on, so what it writes is a "
            "curiosity rather than a continuation. A next-character run (the *next-char* preset, or the "
            "generated *shift* and *text* tasks) continues its text."
        )
    settings = _settings_widgets(trainer)
    epoch = writing_epoch(trainer)
    shown = train_shown_epoch(trainer)
    kept = "" if epoch == shown else f" (the nearest whose weights were kept to epoch {shown})"
    st.caption(
        f"Writes with the network after epoch {epoch}{kept}, the epoch the views show. The command line "
        f"writes the same text: `python -m playground sample` with the run's settings, `--epochs {epoch}` "
        "and these (the seed of the draws is `--sample-seed`)."
    )
    written = WRITTEN.get()
    if written is not None and written.run() is not trainer:
        WRITTEN.clear()
        written = None
    if st.button("Write", key=WRITE_BUTTON, icon=":material/edit:", type="primary"):
        try:
            written = Written(
                weakref.ref(trainer),
                epoch,
                sample(trainer, SampleSettings(settings.prime, settings.length, 0.0, 0, settings.seed), epoch=epoch),
                sample(trainer, settings, epoch=epoch),
            )
        except PlaygroundError as error:
            st.warning(escape_markdown(str(error)), icon=":material/edit_off:")  # it quotes the typed prime
            return
        WRITTEN.set(written)
        st.session_state[STEP_KEY] = 0
        _texts(written, animate=True)
    elif written is not None:
        _texts(written, animate=False)
    if written is not None:
        _inside(written)


def _settings_widgets(trainer: Trainer) -> SampleSettings:
    """Prime, length, top-k, seed, temperature, each widget given the value stored last as its own.

    As ``value=``, not put into session state before the widget is drawn: a value put there reaches
    the browser only with the script run that puts it, and when a second run followed at once (as
    one does when a run ends) the browser kept the widgets' empty defaults and sent them back with
    the next click (seen in Chromium: the prime went blank)."""
    stored = WRITE_SETTINGS.get() or default_settings(trainer)
    vocab = len(trainer.dataset.vocab)
    prime, length, top_k, seed = st.columns([2, 1, 1, 1])
    typed_prime = prime.text_input(
        "Prime",
        stored.prime,
        key=PRIME_KEY,
        help="What the network reads before it writes; only characters it saw in training.",
    )
    typed_length = length.number_input(
        "Characters to write",
        1,
        LIMITS.max_sample_length,
        min(stored.length, LIMITS.max_sample_length),
        key=LENGTH_KEY,
        step=10,
        help=f"How many characters to write after the prime, up to {LIMITS.max_sample_length} (a cap set by the host).",
    )
    typed_top_k = top_k.number_input(
        "Top-k",
        0,
        vocab,
        min(stored.top_k, vocab),  # a run of fewer characters than the last one's
        key=TOP_K_KEY,
        help="Draw only among the k likeliest characters; 0 draws among all of them.",
    )
    typed_seed = seed.number_input(
        "Seed of the draws",
        0,
        2**32 - 1,  # as the training seed's widget; the sampler takes up to 2^63 - 1
        stored.seed,
        key=SEED_KEY,
        help="Seeds the draws, the same settings the same text. It starts at the run's training seed, "
        "as the command line's --sample-seed does; changing it changes only the draws, not the network.",
    )
    temperature = st.slider(
        "Temperature",
        0.0,
        MAX_TEMPERATURE,
        stored.temperature,
        key=TEMPERATURE_KEY,
        step=TEMPERATURE_STEP,
        help="0 always takes the likeliest character; 1 draws as the network's probabilities say; "
        "higher flattens them, so the text is more surprising.",
    )
    settings = SampleSettings(
        typed_prime, int(typed_length), round(float(temperature), 2), int(typed_top_k), int(typed_seed)
    )
    WRITE_SETTINGS.set(settings)
    return settings


def settings_label(kind: str, settings: SampleSettings) -> str:
    """How a text was written, as its column's heading says it."""
    if settings.temperature == 0:
        return (
            "Greedy: temperature 0, always the likeliest"
            if kind == GREEDY
            else "Your settings: temperature 0, greedy too"
        )
    top_k = f"top-{settings.top_k}" if settings.top_k else "all characters"
    return f"Sampled: temperature {settings.temperature:g}, {top_k}, seed {settings.seed}"


def text_html(kind: str, prime: str, written: str, cursor: bool) -> str:
    """A prime in grey and dotted underline, then the written characters in bold: typed text escaped."""
    return (
        f'<div class="rnn-write rnn-write-{kind}" style="font-family: {MONOSPACE}; font-size: 1.05rem; '
        'white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.6">'
        f'<span class="rnn-prime" style="color: {PRIME_COLOUR}; text-decoration: underline dotted">'
        f"{html.escape(prime)}</span>"
        f'<span class="rnn-written" style="font-weight: 600">{html.escape(written)}</span>'
        + (f'<span class="rnn-cursor" style="color: {DRAWN_COLOUR}">▌</span>' if cursor else "")
        + "</div>"
    )


def _texts(written: Written, animate: bool) -> None:
    """Greedy and sampled side by side; with ``animate``, growing from the prime to the whole text."""
    samples = {GREEDY: written.greedy, SAMPLED: written.sampled}
    places = {}
    for column, (kind, one) in zip(st.columns(2, gap="medium"), samples.items()):
        column.markdown(f"**{settings_label(kind, one.settings)}**")
        places[kind] = column.empty()
    length = written.sampled.settings.length
    if animate:
        frames = min(length, REVEAL_FRAMES)
        for frame in range(1, frames):
            shown = length * frame // frames
            for kind, one in samples.items():
                places[kind].html(text_html(kind, one.settings.prime, one.text[:shown], cursor=True))
            with SCRIPT_TURNS.outside():  # waiting needs no turn: other sessions run meanwhile
                time.sleep(REVEAL_SECONDS / frames)
    for kind, one in samples.items():
        places[kind].html(text_html(kind, one.settings.prime, one.text, cursor=False))
    st.caption("Grey, dotted: the prime, which the network read; after it, what it wrote.")


def _inside(written: Written) -> None:
    """A step of the writing: its five likeliest next characters, and the hidden state around it."""
    length = written.sampled.settings.length
    if length > 1:
        st.session_state[STEP_KEY] = min(st.session_state.get(STEP_KEY, 0), length - 1)
        position = st.slider(
            "Step of the writing",
            0,
            length - 1,
            key=STEP_KEY,
            format="t=%d",
            help="Which written character to look inside: t=0 is the first after the prime.",
        )
    else:
        position = 0
    kind = st.radio(
        "Look inside",
        (SAMPLED, GREEDY),
        key=INSIDE_KEY,
        horizontal=True,
        format_func=lambda kind: "the sampled text" if kind == SAMPLED else "the greedy text",
    )
    one: Sample = written.sampled if kind == SAMPLED else written.greedy
    step = one.steps[position]
    bars, heatmap = st.columns([1, 2], gap="medium")
    with bars.container(key=LIKELIEST_CHART):
        rows, spec = likeliest_chart(step, position)
        st.vega_lite_chart(rows, spec, width="stretch")
        if all(candidate.char != step.char for candidate in step.likeliest):
            st.caption(f"It wrote {escape_markdown(quoted(step.char))}, outside its five likeliest.")
    with heatmap.container(key=HIDDEN_CHART):
        read = [split_characters(one.settings.prime)[-1]] + [s.char for s in one.steps[:-1]]
        rows, spec = writing_hidden_chart(one.hidden, read, position, width_share(2 / 3))
        st.vega_lite_chart(rows, spec, width="stretch")
    st.caption(
        "Purple: the character written at this step, drawn from the bars' chances (reshaped by temperature "
        "and top-k; hover a bar); not right or wrong, only what the network wrote. The outlined column is "
        "this step's hidden state, from which the bars came."
    )
