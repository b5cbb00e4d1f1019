"""Keeping the browser's URL and the session's experiment in step.

`restore_config_from_url` runs before the page on every run (app.py calls it before
``navigation.run()``); on a session's first run it takes the experiment from the URL, so a
shared link sets it. `sync_url_with_config` runs after the page (app.py calls it after
``navigation.run()``), so changing any control rewrites the URL's query parameters; a page
that stops the script early (``st.stop``) after `set_config` should call it first.

A page may also keep a few parameters of its own in the link (the Compare page keeps which
comparison to run): it reads them with `page_param_from_link` and declares their current
values with `set_page_params` on every run. A share link made on such a page opens that
page; made anywhere else, it opens the Train page, where the experiment is, and may ask to
start training as it opens (`TRAIN_ON_OPEN`).

A link longer than Streamlit reads (more than 1,000 parameters or 512 Ki characters) reaches
the page as the one parameter `IGNORED_LINK_PARAM` (`ui.server.ignored_links`), and the page
says that the whole link was ignored.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
    CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
)

from playground import RunConfig
from playground.run.settings import SETTINGS
from playground.run.trainer import SEQ2SEQ_NOT_ON_PAGES
from playground.url_state import (
    CLASSROOM_PARAMS,
    classroom_from_params,
    classroom_to_params,
    config_from_params,
    config_to_params,
    data_left_out,
    query_string,
)
from ui.core.class_member import CLASS_PARAMS, class_params
from ui.core.markdown import escape_markdown
from ui.core.session import get_config, set_config
from ui.core.state import (
    CLASSROOM_LINK,
    URL_ASKED_FILE,
    URL_LINK_PAGE_PARAMS,
    URL_NOTICES,
    URL_PAGE_PARAMS,
    URL_PAGE_PATH,
    URL_RESTORED,
)

TRAIN_ON_OPEN = "train"  # with value "1": the Train page starts training when the link opens it
PAGE_PARAMS = frozenset({"preset", "vs", "values", TRAIN_ON_OPEN})  # every page's own parameter names
TRAIN_ON_OPEN_KEY = "url_train_on_open_toggle"
IGNORED_LINK_PARAM = "ignored_link"  # "<parameters>,<characters>" of a link Streamlit did not read


def _current_params() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params.keys()}


def restore_config_from_url() -> None:
    """On a session's first run, take the experiment from the URL and show what was ignored."""
    if not URL_RESTORED.get():
        URL_RESTORED.set(True)
        params = _current_params()
        ignored = [ignored_link_notice(value) for value in params.pop(IGNORED_LINK_PARAM, [])[-1:]]
        URL_LINK_PAGE_PARAMS.set({name: values[-1] for name, values in params.items() if name in PAGE_PARAMS})
        state = config_from_params(params, page_params=PAGE_PARAMS | CLASSROOM_PARAMS | CLASS_PARAMS)
        config, off_pages = on_pages_only(state.config)
        classroom, classroom_notices = classroom_from_params(params)  # a teacher's locks and note
        CLASSROOM_LINK.set(classroom)
        # A link names its data file but cannot hold it: the session's config names no file until the
        # learner uploads it, and the link's notices say which one (`link_asks_for_file`).
        left_out = data_left_out(state.config) if state.has_settings and state.config.data_file else None
        if state.has_settings:
            set_config(config.with_changes(data_file="") if left_out else config)
            URL_ASKED_FILE.set(state.config.data_file if left_out else "")
        notices = (*ignored, *state.notices, *off_pages, *classroom_notices, *([left_out] if left_out else []))
        if notices:
            URL_NOTICES.set((get_config(), notices))
    URL_PAGE_PARAMS.set({})
    show_url_notices()


def on_pages_only(config: RunConfig) -> tuple[RunConfig, tuple[str, ...]]:
    """``config`` as the pages can show it: settings with no widget yet (the encoder–decoder's,
    `Setting.on_pages`) back to their defaults, and the sentence saying so when one was not."""
    defaults = RunConfig()
    off_pages = {setting.field: getattr(defaults, setting.field) for setting in SETTINGS if not setting.on_pages}
    if all(getattr(config, field) == value for field, value in off_pages.items()):
        return config, ()
    return config.with_changes(**off_pages), (SEQ2SEQ_NOT_ON_PAGES,)


def link_asks_for_file() -> str:
    """The data file the link that opened this session named but could not carry, while the experiment
    is still the link's (the file not uploaded yet; its notice says which file); else ""."""
    return URL_ASKED_FILE.get() if URL_NOTICES.get()[0] == get_config() else ""


def ignored_link_notice(size: str) -> str:
    """The sentence for a link Streamlit did not read at all; ``size`` is "<parameters>,<characters>"."""
    limits = (
        f"a link may have at most {CLIENT_STATE_QUERY_STRING_MAX_FIELDS:,} parameters and "
        f"{CLIENT_STATE_QUERY_STRING_MAX_LENGTH:,} characters"
    )
    try:
        parameters, characters = (int(part) for part in size.split(","))
    except ValueError:  # typed by hand: not two numbers
        return f"This link was too long to read ({limits}), so all of it was ignored."
    return f"This link has {parameters:,} parameters and {characters:,} characters; {limits}, so all of it was ignored."


def show_url_notices() -> None:
    """The link's ignored parts, shown until the learner changes the experiment.

    Each notice is plain text quoting what the link held, so it is escaped here, where it meets
    markdown: a link's ``[text](url)``, ``![](image)`` or ``:red[…]`` shows as typed."""
    config, notices = URL_NOTICES.get()  # (config they are about, notices)
    if notices and config == get_config():
        st.warning(
            "Some settings in this link could not be used, so their defaults apply:\n\n"
            + "\n".join(f"- {escape_markdown(notice)}" for notice in notices),
            icon=":material/link_off:",
        )


def page_param_from_link(name: str) -> str | None:
    """A page's own parameter as the link that opened this session gave it, if any."""
    return URL_LINK_PAGE_PARAMS.get().get(name)


def set_page_params(params: dict[str, str]) -> None:
    """The current page's own parameters to keep in the URL (only non-default values)."""
    unknown = set(params) - PAGE_PARAMS
    assert not unknown, f"add {unknown} to ui.core.url_sync.PAGE_PARAMS"
    URL_PAGE_PARAMS.set(dict(params))


def _wanted_params() -> dict[str, str | list[str]]:
    return {
        **config_to_params(get_config()),
        **URL_PAGE_PARAMS.get(),
        **classroom_to_params(CLASSROOM_LINK.get()),
        **class_params(),  # a student's class link (a teacher's token never stays in the URL)
    }


def sync_url_with_config() -> None:
    """Rewrite the URL's query parameters to describe the current experiment (only non-defaults)."""
    wanted = _wanted_params()
    as_lists = {name: value if isinstance(value, list) else [value] for name, value in wanted.items()}
    if _current_params() != as_lists:
        st.query_params.from_dict(wanted)


def _train_page_url() -> str:
    """The Train page's address (the app's default page): this page's address without its path."""
    url = (st.context.url or "").rstrip("/")
    page = URL_PAGE_PATH.get()
    return (url[: -len(page) - 1] if page and url.endswith("/" + page) else url) + "/"


def share_url(start_training: bool = False) -> str:
    """The full link to the current experiment: on this page if it keeps parameters of its own,
    else on the Train page (training as it opens if ``start_training``)."""
    own = URL_PAGE_PARAMS.get()
    if own:
        base, params = st.context.url or "", own
    else:
        base, params = _train_page_url(), {TRAIN_ON_OPEN: "1"} if start_training else {}
    query = query_string(get_config(), page_params=params)
    return f"{base}?{query}" if query else base


def show_share_link() -> None:
    """The "copy link" box: the full link in st.code, whose copy icon copies it."""
    start = False
    if not URL_PAGE_PARAMS.get():
        start = st.toggle(
            "Start training when the link opens",
            key=TRAIN_ON_OPEN_KEY,
            help="Whoever opens the link sees the Train page training this experiment at once.",
        )
    st.code(share_url(start), language=None, wrap_lines=True)
    st.caption("Copy the link with the icon at the right of the box; opening it restores this experiment.")
