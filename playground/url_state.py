"""A whole experiment as short, readable URL query parameters, and back.

Only settings that differ from the app's default experiment are written, under short names
(``?src=hihell&tgt=ihello&cell=gru&lr=0.05``), so a shared link says what is special about
it. Sources and targets are repeated parameters (``src=hello&src=eolll``): the browser's
percent-encoding keeps commas, ampersands and any unicode intact, so no home-made
separator has to be escaped. A lone empty value (``tgt=``) means an empty list, which is
how a next-character experiment (no targets) is written. A link with its own strings
starts from an automatic vocabulary, so ``?src=abc&tgt=bca`` works as typed.

Reading is forgiving: a link is typed, truncated and pasted by people, so an unknown or
malformed parameter never raises; it is ignored, the default is kept, and a sentence
explaining what was ignored is returned for the page to show.

A link cannot carry a file: a run on an uploaded file or on a text of its own leaves its strings
and text out (`LEFT_OUT_WITH_DATA`) and keeps the file's name, so whoever opens the link can
be told which file to upload (`data_left_out`). A text shipped with the app travels by its name
(``text=the_little_lighthouse``), so a link to the story preset's run carries it whole.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from playground.lessons.presets import BUNDLED_TEXTS, DEFAULT_PRESET, PRESETS, bundled_text_name
from playground.nn.text import quoted
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.setting_type import Setting
from playground.run.settings import SETTINGS, in_config_order, lockable_controls
from playground.run.settings_checks import validate_settings

SETTING_BY_URL: dict[str, Setting] = {setting.url: setting for setting in SETTINGS}

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
# Parameters other parts of the app or Streamlit itself may put in the URL; not settings.
IGNORED_PARAMS = frozenset({"embed", "embed_options"})


# What a link leaves out when its data is a file or a text of its own (a text can be 20 000 characters,
# past what a browser keeps of a link; a file's pairs as many).
LEFT_OUT_WITH_DATA = frozenset({"sources", "targets", "test_sources", "test_targets", "text"})


def data_left_out(config: RunConfig) -> str | None:
    """A sentence saying that ``config``'s data is not in its link, and what to do; None when it is."""
    if config.data_file:
        return (
            f"A link does not carry the data file {quoted(config.data_file, 60)}: upload it on the Train page "
            "to train on the same data."
        )
    if config.text and bundled_text_name(config.text) is None:
        return "A link does not carry your own text: whoever opens it pastes the text or uploads its file."
    return None


def default_config() -> RunConfig:
    """The experiment a link without parameters means: the app's default preset."""
    return PRESETS[DEFAULT_PRESET].config


@dataclass(frozen=True)
class UrlState:
    """What a link asked for: the config, and a sentence for each part that was ignored."""

    config: RunConfig
    notices: tuple[str, ...]
    has_settings: bool  # False when the link carries no setting at all


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else repr(value).removesuffix(".0")
    return str(value)


def config_to_params(config: RunConfig, base: RunConfig | None = None) -> dict[str, str | list[str]]:
    """The query parameters of ``config``: only the settings that differ from ``base``."""
    left_out = LEFT_OUT_WITH_DATA if data_left_out(config) else frozenset()
    base = default_config() if base is None else base
    # As the reader will: a file's run (known by its name) starts from an automatic vocabulary; a run on a
    # text of its own leaves its strings out, so its link starts from the base's.
    if config.data_file or not left_out:
        base = _base_for_strings(base, config.sources, config.targets, own_data=bool(config.data_file))
    params: dict[str, str | list[str]] = {}
    for setting in in_config_order():
        value = getattr(config, setting.field)
        if value == getattr(base, setting.field) or setting.field in left_out:
            continue
        if isinstance(value, tuple):
            params[setting.url] = list(value) if value else [""]
        elif setting.field == "text":  # only a shipped text is left in (`data_left_out`): by its name
            params[setting.url] = bundled_text_name(value)
        else:
            params[setting.url] = _format_value(value)
    return params


def _base_for_strings(
    base: RunConfig, sources: tuple[str, ...], targets: tuple[str, ...], own_data: bool = False
) -> RunConfig:
    """A link with its own strings (or a file or text of its own) starts from an automatic vocabulary,
    not the default's 'ehlo'.

    So a hand-typed ``?src=abc&tgt=bca`` just works, while a link to an experiment with an
    explicit vocabulary order still spells it out (``vocab=...``).
    """
    if not own_data and (sources, targets) == (base.sources, base.targets):
        return base
    return base.with_changes(vocab="")


def _values(raw: str | Sequence[str]) -> list[str]:
    return [raw] if isinstance(raw, str) else list(raw)


def _parse_value(values: list[str], kind: type) -> Any:
    """One setting of type ``kind`` from its URL text; raises PlaygroundError when it cannot be read."""
    if kind is tuple:
        return () if values == [""] else tuple(values)
    if len(values) != 1:
        raise PlaygroundError("it is given more than once")
    text = values[0].strip()
    if kind is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise PlaygroundError("it must be 1 or 0")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise PlaygroundError("it must be a whole number") from None
    if kind is float:
        try:
            number = float(text)
        except ValueError:
            raise PlaygroundError("it must be a number") from None
        if not math.isfinite(number):
            raise PlaygroundError("it must be a finite number")
        return number
    return values[0]


def _check_alone(field: str, value: Any) -> None:
    """Validate one setting on its own (against the defaults' other settings)."""
    if isinstance(value, tuple):
        return  # strings are checked by the trainer, with messages about the strings
    if field == "text":
        if value not in BUNDLED_TEXTS:
            raise PlaygroundError(
                f"a link carries only a text shipped with the app ({', '.join(sorted(BUNDLED_TEXTS))}); paste "
                "your own or upload its file on the Train page"
            )
        return
    validate_settings(RunConfig().with_changes(**{field: value}))


def config_from_params(
    params: Mapping[str, str | Sequence[str]],
    base: RunConfig | None = None,
    page_params: frozenset[str] = frozenset(),
) -> UrlState:
    """The experiment a link describes; never raises, whatever the parameters are.

    ``page_params`` names parameters a page keeps for itself (say, which comparison to
    show); they are not settings and not reported as unknown.
    """
    base = default_config() if base is None else base
    changes: dict[str, Any] = {}
    notices: list[str] = []
    for name, raw in params.items():
        if name in IGNORED_PARAMS or name in page_params:
            continue
        setting = SETTING_BY_URL.get(name)
        if setting is None:
            notices.append(f"The link's parameter {quoted(name, 40)} is not a setting of this app; it was ignored.")
            continue
        field = setting.field
        values = _values(raw)
        shown = values[0] if len(values) == 1 else ", ".join(values)
        try:
            value = _parse_value(values, setting.kind)
            _check_alone(field, value)
        except PlaygroundError as error:
            detail = str(error).rstrip(".")
            notices.append(
                f"The link's setting {name}={quoted(shown, 40)} was ignored ({detail}); "
                f"using the default {_format_value(getattr(base, field))}."
            )
            continue
        changes[field] = BUNDLED_TEXTS[value] if field == "text" else value
    if "sources" in changes or "targets" in changes or changes.get("data_file"):
        sources, targets = changes.get("sources", base.sources), changes.get("targets", base.targets)
        base = _base_for_strings(base, sources, targets, own_data=bool(changes.get("data_file")))
    config = base.with_changes(**changes)
    try:
        validate_settings(config)
    except PlaygroundError as error:
        notices.append(f"The link's settings do not fit together: {error}")
    return UrlState(config=config, notices=tuple(notices), has_settings=bool(changes) or bool(notices))


def _quote_readably(text: str) -> str:
    """Percent-encode only what would break a query (``&``, ``=``, ``+``, ``#``, spaces...).

    Letters of any script and the commas are left as they are: browsers accept them in a
    link, and ``?src=héllo,world`` stays readable where ``h%C3%A9llo%2Cworld`` does not.
    """
    return "".join(
        char if ord(char) > 127 and char.isprintable() else quote(char, safe="-_.~,:/@!$'()*;") for char in text
    )


def query_string(config: RunConfig, base: RunConfig | None = None, page_params: Mapping[str, str] | None = None) -> str:
    """``config`` (and a page's own parameters) as the text after ``?`` in a link."""
    pairs = []
    for name, value in {**config_to_params(config, base), **(page_params or {})}.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(f"{name}={_quote_readably(item)}")
    return "&".join(pairs)


# A classroom link: a teacher's link that also locks or hides controls and shows a short
# instruction. A convenience for a lesson, not a security boundary: the student can edit the
# URL, or press "Unlock"; the caps apply to every value as in any link.
LOCK_PARAM, HIDE_PARAM, NOTE_PARAM = "lock", "hide", "note"
CLASSROOM_PARAMS = frozenset({LOCK_PARAM, HIDE_PARAM, NOTE_PARAM})
NOTE_MAX_CHARS = 300


@dataclass(frozen=True)
class ClassroomLink:
    """Which controls a link locks (shown, disabled) or hides, by URL name, and its instruction."""

    locked: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    note: str = ""

    @property
    def active(self) -> bool:
        return bool(self.locked or self.hidden or self.note)


def classroom_to_params(link: ClassroomLink) -> dict[str, str]:
    """The link's own parameters (none for a plain link); names in the settings table's order."""
    order = list(lockable_controls())
    params = {}
    for name, controls in ((LOCK_PARAM, link.locked), (HIDE_PARAM, link.hidden)):
        if controls:
            params[name] = ",".join(sorted(controls, key=order.index))
    if link.note:
        params[NOTE_PARAM] = link.note
    return params


def classroom_from_params(params: Mapping[str, str | Sequence[str]]) -> tuple[ClassroomLink, tuple[str, ...]]:
    """The classroom part of a link, and a sentence for each part that was ignored; never raises."""
    known = lockable_controls()
    notices: list[str] = []
    controls: dict[str, frozenset[str]] = {}
    for name in (LOCK_PARAM, HIDE_PARAM):
        names = [item.strip() for value in _values(params.get(name, [])) for item in value.split(",") if item.strip()]
        unknown = [item for item in names if item not in known]
        if unknown:
            shown = ", ".join(quoted(item, 20) for item in unknown[:5])
            notices.append(f"The link's {name}= names {shown}, which no control has; ignored.")
        controls[name] = frozenset(item for item in names if item in known)
    notes = _values(params.get(NOTE_PARAM, []))
    note = "".join(c for c in " ".join(" ".join(notes).split()) if c.isprintable())  # one plain line
    if len(note) > NOTE_MAX_CHARS:
        notices.append(f"The link's instruction was longer than {NOTE_MAX_CHARS} characters; it was cut.")
        note = note[:NOTE_MAX_CHARS].rstrip() + "…"
    hidden = controls[HIDE_PARAM]
    return ClassroomLink(controls[LOCK_PARAM] - hidden, hidden, note), tuple(notices)
