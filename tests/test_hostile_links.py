"""Text from a link, shown on a page, is text: every notice a link can cause, fed the hostile corpus.

A shared link's parameters (every setting, an unknown name, a teacher's locks and note, the Compare
page's own names) reach markdown only through `ui.core.markdown.escape_markdown`. Each case opens
the app in AppTest with one hostile value everywhere and checks that no exception occurs, that
every notice the engine wrote appears in its escaped form, and that nothing in the outside text
is left for markdown to act on: no unescaped markup character, and nowhere Streamlit or GFM
would rewrite the parsed text (an icon, a logo, an emoji, a bare URL, an e-mail address).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.run.settings import SETTINGS
from playground.url_state import classroom_from_params, config_from_params, data_left_out
from test_hostile_inputs import TEXTS
from ui.core.markdown import WORD_JOINER, escape_markdown, inline_code
from ui.core.url_sync import PAGE_PARAMS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PHISHING = "[Session expired - log in again](https://example.invalid/login)"
MARKUP = {
    "phishing-link": PHISHING,
    "remote-image": "![t](http://127.0.0.1:9/x)",
    "directives": ":red[alarm] **bold** _it_ ~~struck~~ :small[x] :help[tip]",
    "katex": r"$\frac{1}{0}$ and $$x^2$$",
    "shortcodes": ":material/home: :material_home: :streamlit: :smile: :+1:",
    "autolinks": "https://example.invalid www.example.invalid me@example.invalid mailto:me@example.invalid",
    "html": '<img src=x onerror="alert(1)"><script>alert(1)</script>&amp;',
    "structure": "x\n# heading\n===\n- item\n> quote\n| a | b |\n1. one",
    "signs": "a -> b <- c <= d >= e ~= f -- g",
    "footnote": "x[^1]\n\n[^1]: https://example.invalid",
}
CORPUS = {**TEXTS, **MARKUP}
CORPUS.pop("huge")  # a link of 100,000 characters is exercised by the engine's tests; here it only slows AppTest
ACTIVE = set("\\`*_{}[]()#+-!|<>~$:&@")
# Where Streamlit or GFM rewrite the parsed text (backslashes gone): a shortcode or URL scheme's colon,
# an e-mail's "@", "www.", and the pairs Streamlit draws as arrows and signs.
REWRITTEN = re.compile(r":[\w+\-/]|@[\w\-]|www\.|[<>~\-][\->=]", re.IGNORECASE)


def markup_left(markdown: str) -> list[str]:
    """What markdown would act on in ``markdown``, text that should be all escaped."""
    problems, read, chars = [], [], iter(markdown)
    for char in chars:
        previous = read[-1] if read else "\n"
        if char == "\\":
            read.append(next(chars, ""))
        elif char in ACTIVE or (char == "." and previous.isdigit()) or (char == "=" and previous.isspace()):
            problems.append(f"unescaped {char!r}")  # "1." starts a list, a line of "=" a heading
            read.append(char)
        else:
            read.append(char)
    problems += [f"rewritten {match!r}" for match in REWRITTEN.findall("".join(read))]
    return problems


def as_read(markdown: str) -> str:
    """What the learner reads: escapes and word joiners gone."""
    return re.sub(r"\\(.)", r"\1", markdown, flags=re.DOTALL).replace(WORD_JOINER, "")


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_escaped_text_reads_as_typed_with_nothing_left_to_act_on(case):
    typed = CORPUS[case]
    escaped = escape_markdown(typed)
    assert markup_left(escaped) == [], escaped
    assert as_read(escaped) == typed


def test_a_code_span_keeps_material_as_typed():
    assert inline_code("src=:material/home:") == f"`src=:{WORD_JOINER}material/home:`"


def open_link(params: dict[str, str | list[str]], page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def link_notice_items(at: AppTest) -> list[str]:
    """The notices of the link warning, each a list item after the warning's own first line."""
    warning = next(w.value for w in at.warning if w.value.startswith("Some settings in this link"))
    return warning.split("\n- ")[1:]


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_every_parameter_of_a_link_shows_a_hostile_value_as_text(case):
    typed = CORPUS[case]
    params: dict[str, str | list[str]] = {setting.url: typed for setting in SETTINGS}
    params |= {"lock": typed, "hide": f"cell,{typed}", "note": typed, f"x{typed}": "1"}
    at = open_link(params)
    state = config_from_params(params, page_params=PAGE_PARAMS | {"lock", "hide", "note"})
    classroom, classroom_notices = classroom_from_params(params)
    # the file a link names but cannot carry, last: which file to upload (`data_left_out`)
    asked = (data_left_out(state.config),) if state.config.data_file else ()
    expected = state.notices + classroom_notices + asked
    items = link_notice_items(at)
    free_text = [setting for setting in SETTINGS if setting.kind in (tuple, str) and not setting.choices]
    assert len(items) == len(expected) >= len(SETTINGS) - len(free_text)  # any text is a string
    for notice, item in zip(expected, items):
        assert item == escape_markdown(notice)
        assert markup_left(item) == [], item
    if classroom.note:
        assert escape_markdown(classroom.note) in [info.value for info in at.info]
        assert markup_left(escape_markdown(classroom.note)) == []
    for error in at.error:  # the Train page refusing the strings: the engine's sentence, escaped whole
        assert markup_left(error.value) == [], error.value


def test_the_phishing_link_of_the_issue_shows_its_markup_as_text():
    at = open_link({"cell": PHISHING, "enc": "![t](http://HOST/x)"})
    items = link_notice_items(at)
    assert "\\[Session expired \\- log in again\\]\\(https\\:" in items[0]
    assert "\\!\\[t\\]\\(http\\:" + WORD_JOINER + "//HOST/x\\)" in items[1]
    for item in items:
        assert not re.search(r"(?<!\\)\]\(|(?<!\\)!\[|https?://", item), item


def test_a_teachers_note_draws_no_icon_and_no_link():
    at = open_link({"note": "Go :material/home: [here](https://example.invalid) www.example.invalid"})
    note = next(info.value for info in at.info if "Go" in info.value)
    assert f"\\:{WORD_JOINER}material/home\\:" in note and f"www{WORD_JOINER}." in note
    assert markup_left(note) == []


@pytest.mark.parametrize("case", ["phishing-link", "shortcodes", "autolinks", "mixed-direction"])
def test_the_compare_pages_link_names_show_as_text(case):
    typed = CORPUS[case]
    at = open_link({"vs": typed, "preset": typed}, page="app_pages/compare.py")
    warnings = [w.value for w in at.warning if "is not known here" in w.value]
    assert len(warnings) == 2
    for warning in warnings:
        assert markup_left(warning) == [], warning


def test_the_share_pages_settings_keep_material_as_typed():
    at = open_link({"src": ":material/home:", "tgt": "abcdefghijklmno"}, page="app_pages/export.py")
    settings = next(c.value for c in at.caption if c.value.startswith("Settings in the link"))
    assert f":{WORD_JOINER}material/home:" in settings and ":material/" not in settings
