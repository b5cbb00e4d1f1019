"""The Train page's inputs: strings, preset picker and every setting of a `RunConfig`.

Each control is a keyed widget whose value lives in session state, so a preset can fill
all of them at once (a callback writes the keys before the page redraws) and the config
is always rebuilt from exactly what the learner sees. Controls are seeded from the
session's current config, so returning from another page shows the run that was trained.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from playground import PlaygroundError, RunConfig
from playground.lessons.challenges import CHALLENGES, applies_to
from playground.lessons.presets import PRESETS
from playground.nn.text import split_characters
from playground.run.limits import LIMITS
from playground.run.setting_type import Section, Setting
from playground.run.settings import PAGE_SETTINGS, PRESET_CONTROL
from ui.core.classroom_link import control_state
from ui.core.markdown import escape_markdown
from ui.core.session import change_experiment
from ui.core.state import ACTIVE_CHALLENGE, CONFIG_LOADED, EXPERIMENT_CHANGE
from ui.train.data_in_use import data_in_use_line, own_data_in_use

PREFIX = "train_"
PRESET_KEY = PREFIX + "preset"
SOURCES_KEY, TARGETS_KEY = PREFIX + "sources", PREFIX + "targets"
# What the text boxes accept: every allowed pair plus a margin (the config check names the caps).
STRINGS_MAX_CHARS = LIMITS.max_string_length * LIMITS.max_pairs + 64
WHOLE_NUMBER_MAX_CHARS = 40  # a whole number typed as text: far past any cap, far short of a slow int()
# Drawn by the "Your own data" panel (`ui.train.own_data`) as uploads and a paste box, never as boxes here.
OWN_DATA_FIELDS = ("text", "data_file")
# How the string boxes read when the task is next-character prediction (targets unused).
NEXT_CHAR_WORDING = {
    "sources": {"label": "Source text"},
    "targets": {"help": "Not used: next-character prediction learns each source character's successor."},
}


def lines_to_strings(text: str | None) -> tuple[str, ...]:
    """One string per line; trailing blank lines are ignored, spaces are kept (they are characters)."""
    lines = (text or "").replace("\r", "").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    return tuple(lines)


def key(setting: Setting) -> str:
    return PREFIX + setting.field


def to_widget(setting: Setting, value: Any) -> Any:
    """A config value as its widget holds it (a list of strings is one line each, a number typed as
    text its digits)."""
    if setting.kind is tuple:
        return "\n".join(value)
    return str(value) if setting.typed_as_text else value


def from_widget(setting: Setting, value: Any) -> Any:
    """A widget's value as the config field's type; raises TypeError/ValueError for no number."""
    if setting.kind is tuple:
        return lines_to_strings(value)
    if setting.kind is str:
        return value if setting.choices else value or ""
    if setting.typed_as_text:
        return _whole_number(setting, value)
    return setting.kind(value)


def _whole_number(setting: Setting, text: str) -> int:
    """A whole number typed as text, or `PlaygroundError` saying what was typed instead."""
    digits = (text or "").strip().replace("_", "")
    if not digits.lstrip("-").isdigit() or len(digits) > WHOLE_NUMBER_MAX_CHARS:
        raise PlaygroundError(f"The {setting.noun} must be a whole number, such as 777; got '{text}'.")
    return int(digits)


def fill_widgets(config: RunConfig) -> None:
    """Write every control's value from ``config`` (before the widgets are drawn)."""
    for setting in PAGE_SETTINGS:
        st.session_state[key(setting)] = to_widget(setting, getattr(config, setting.field))


def config_from_widgets() -> RunConfig:
    """The config the controls currently describe (a setting with no widget, `Setting.on_pages`, keeps its
    default); `PlaygroundError` if a value is no number."""
    values = {}
    for setting in PAGE_SETTINGS:
        try:
            values[setting.field] = from_widget(setting, st.session_state[key(setting)])
        except PlaygroundError:
            raise  # its own sentence
        except (TypeError, ValueError, OverflowError):
            label = setting.field.replace("_", " ")
            raise PlaygroundError(f"The {label} must be a finite number.") from None
    return RunConfig(**values)


def matching_preset(config: RunConfig) -> str | None:
    return next((name for name, preset in PRESETS.items() if preset.config == config), None)


def _apply_preset() -> None:
    name = st.session_state.get(PRESET_KEY)
    if name in PRESETS:
        change_experiment(PRESETS[name].config, f"Preset “{PRESETS[name].title}”")


def ensure_widgets(config: RunConfig) -> None:
    """Seed the controls from ``config`` on a first visit, after another page was shown (which
    makes Streamlit forget this page's widget values) or after another page loaded an experiment."""
    if CONFIG_LOADED.take() or any(key(setting) not in st.session_state for setting in PAGE_SETTINGS):
        fill_widgets(config)


def _forget_outgrown_vocabulary() -> None:
    """Typing new strings drops an explicit vocabulary (set by a preset) that lacks their characters.

    The explicit order matters only for reproducing a lesson; once the learner types
    characters it does not list, the vocabulary is rebuilt from the strings instead of
    refusing them with an error about a setting hidden under "Advanced".
    """
    vocab = st.session_state.get(PREFIX + "vocab")
    if not vocab:
        return
    known = set(split_characters(vocab))
    typed = st.session_state.get(SOURCES_KEY, "") + st.session_state.get(TARGETS_KEY, "")
    if not set(split_characters(typed.replace("\n", ""))) <= known:
        st.session_state[PREFIX + "vocab"] = ""
        st.toast("New characters: the vocabulary is now built from your strings.")


def preset_and_strings() -> None:
    """Preset picker and the source/target text areas, for the top of the page."""
    try:
        config = config_from_widgets()
    except PlaygroundError:
        config = None  # the page explains the bad number; keep the picker on "custom"
    st.session_state[PRESET_KEY] = matching_preset(config) if config else None
    preset_state = control_state(PRESET_CONTROL)  # a classroom link may lock or hide it
    # One container whatever it holds: the boxes below keep their place in the page, so the browser
    # keeps the one being typed in (an element that comes or goes above them would remount them).
    with st.container():
        if preset_state != "hidden":
            _preset_picker(disabled=preset_state == "locked")
        if config is not None:
            _what_changed(config)
    if config is not None and own_data_in_use(config):  # in place of the string boxes, the section's first row
        data_in_use_line(config)
        _draw_section("strings", skipped=("sources", "targets"))
    else:
        _draw_section("strings")


def change_notice(config: RunConfig, source_prefix: str = "") -> str | None:
    """What the last preset, challenge or generated task (its source starting ``source_prefix``)
    changed, while ``config`` is still what it made."""
    change = EXPERIMENT_CHANGE.get()
    if change is None or change.result != config or not change.source.startswith(source_prefix):
        return None
    return change.sentence()


def _what_changed(config: RunConfig) -> None:
    """What the last preset, challenge or generated task changed, until the learner changes the
    experiment again; and the goal of the challenge being worked on, while its strings are trained."""
    if notice := change_notice(config):
        st.caption(escape_markdown(notice))
    active = CHALLENGES.get(ACTIVE_CHALLENGE.get() or "")
    if active is not None and applies_to(active, config):
        st.info(
            f"**Challenge: {escape_markdown(active.title)}.** Goal: {escape_markdown(active.goal)}. "
            "The Challenges page grades your run.",
            icon=":material/emoji_events:",
        )


def _preset_picker(disabled: bool) -> None:
    st.selectbox(
        "Preset",
        list(PRESETS),
        key=PRESET_KEY,
        format_func=lambda name: PRESETS[name].title,
        on_change=_apply_preset,
        placeholder="Custom settings (pick a preset to start over)",
        help="Fills every control with a lesson's experiment.",
        disabled=disabled,
    )
    preset = PRESETS.get(st.session_state[PRESET_KEY])
    if preset is not None:
        st.caption(preset.description)


def _widget_values() -> dict[str, Any]:
    """Every setting's current widget value, by field: what `Setting.unused` looks at."""
    return {setting.field: st.session_state.get(key(setting)) for setting in PAGE_SETTINGS}


def _draw(setting: Setting, container: Any, values: dict[str, Any]) -> None:
    """The setting's widget, chosen by its type, in ``container`` (the page, sidebar or a column).

    Each widget also gets its current value as its default. Streamlit's browser code starts a new
    widget from its default and applies a value set through session state (as a link's, a preset's
    or a challenge's settings are) only once it has drawn the widget; a rerun the browser sent
    before that (a live view's timer, while a link's run trained) carried the default back: the
    text boxes of a "train=1" link came back empty and the number boxes 0
    (tests/browser/test_share_browser.py). A number that is not finite gets no default (an empty
    box): Streamlit replaces such a number by the default, which would silently be the previous
    value instead of an explained error."""
    options: dict[str, Any] = {"label": setting.label, "key": key(setting), "help": setting.help_text(LIMITS)}
    if setting.unused is not None:
        options["disabled"] = setting.unused(values)
    if control_state(setting.url) == "locked":  # by a classroom link
        options["disabled"] = True
    value = st.session_state[key(setting)]
    if setting.kind is tuple:
        if values["task"] == "next-char":
            options.update(NEXT_CHAR_WORDING.get(setting.field, {}))
        container.text_area(
            **options, value=value, height=90, max_chars=STRINGS_MAX_CHARS, on_change=_forget_outgrown_vocabulary
        )
    elif setting.kind is bool:
        container.toggle(**options, value=value)
    elif setting.choices:
        labels = setting.choice_labels
        index = setting.choices.index(value) if value in setting.choices else 0
        container.selectbox(**options, options=setting.choices, index=index, format_func=labels.get if labels else str)
    elif setting.typed_as_text:
        container.text_input(**options, value=value, max_chars=WHOLE_NUMBER_MAX_CHARS)
    elif setting.kind is str:
        container.text_input(**options, value=value, placeholder=setting.placeholder)
    else:
        finite = isinstance(value, (int, float)) and math.isfinite(value)
        container.number_input(
            **options, value=value if finite else None, step=setting.step, format=setting.number_format
        )


def _draw_section(section: Section, skipped: tuple[str, ...] = ()) -> None:
    """The section's settings in table order; consecutive ones sharing a ``row`` side by side; the
    ``skipped`` ones (and those of `OWN_DATA_FIELDS`) not drawn, their values kept."""
    values = _widget_values()
    settings = [setting for setting in PAGE_SETTINGS if setting.section == section]
    drawn = []
    for setting in settings:
        if control_state(setting.url) == "hidden" or setting.field in (*OWN_DATA_FIELDS, *skipped):
            st.session_state[key(setting)] = st.session_state[key(setting)]  # not drawn: value kept
        else:
            drawn.append(setting)
    while drawn:
        row = [drawn.pop(0)]
        while row[0].row and drawn and drawn[0].row == row[0].row:
            row.append(drawn.pop(0))
        containers = st.columns(len(row)) if len(row) > 1 else [st]
        for setting, container in zip(row, containers):
            _draw(setting, container, values)


def model_and_training_settings() -> None:
    """Every model and optimiser setting, for the sidebar; rarely used ones in "Advanced".

    Number boxes have no min/max of their own: a value out of range is kept and explained
    by the config check (naming the cap), instead of being silently clamped."""
    st.subheader("Model")
    _draw_section("model")
    st.subheader("Training")
    _draw_section("training")
    with st.expander("Advanced"):
        _draw_section("advanced")
