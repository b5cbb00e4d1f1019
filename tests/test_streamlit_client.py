"""The protocol client of the benchmarks (`devtools.streamlit_client`) drives the app as a browser does.

A browser sends every widget's state with each rerun; the server does not keep them on its own
(after the full run it starts itself when a live run ends, it holds none until a rerun brings
them). So a student can press Train, wait for the page to settle, press Reset and Train again,
and the second run trains the very same experiment.
"""

import asyncio

from streamlit.proto.Element_pb2 import Element
from streamlit.proto.TextArea_pb2 import TextArea

from bench.class_seats import BenchClass, open_dashboard, store_env
from devtools.browser import SOLVED_TEXT, streamlit_server
from devtools.streamlit_client import RESET_LABEL, Client, WidgetStore, load_page
from playground.lessons.presets import PRESETS
from playground.url_state import query_string
from store.database import open_database

SETTLED_SECONDS = 1.5  # no message for this long: the page is still, as a student sees it before the next click
EXPERIMENT = PRESETS["hello-gru"].config  # a link's experiment, not the page's default one


async def train(client: Client) -> str:
    """Press Train, wait until it is solved and the page is still; the solved message."""
    await client.press_train()
    await client.wait_for(client.done)
    await client.wait_until_quiet(SETTLED_SECONDS)
    return client.solved_text


def test_train_reset_train_solves_the_same_run_twice():
    async def scenario(url: str) -> None:
        client = await load_page(url, query_string(EXPERIMENT))
        try:
            first = await train(client)
            await client.press(RESET_LABEL)
            await client.wait_until_quiet(SETTLED_SECONDS)
            second = await train(client)
        finally:
            await client.close()
        assert client.exceptions == []
        assert first.startswith(SOLVED_TEXT) and EXPERIMENT.targets[0] in first
        assert second == first  # the settings sent back are the link's: the same run again

    with streamlit_server() as url:
        asyncio.run(scenario(url))


def text_area(widget_id: str, default: str, value: str | None = None) -> Element:
    """A text area's element as the server sends it: ``value`` only when the server sets it."""
    area = TextArea(id=widget_id, default=default)
    if value is not None:
        area.value, area.set_value = value, True
    return Element(text_area=area)


def strings(store: WidgetStore) -> dict[str, str]:
    return {widget_id: state.string_value for widget_id, state in store.states.items()}


def test_widget_states_are_kept_as_the_browser_keeps_them():
    store = WidgetStore()
    store.element_drawn((0, 0), text_area("sources", default="hello"), "run 1", "")
    store.element_drawn((0, 1), text_area("targets", default="x", value="ohlol"), "run 1", "")
    store.element_drawn((0, 2, 0), text_area("in fragment", default="f"), "run 1", "fragment")
    store.run_finished("run 1", [])
    assert strings(store) == {"sources": "hello", "targets": "ohlol", "in fragment": "f"}
    store.states["sources"].string_value = "typed"  # the student typed: a redraw keeps it, a set replaces it
    store.element_drawn((0, 0), text_area("sources", default="hello"), "run 2", "")
    store.element_drawn((0, 1), text_area("targets", default="x", value="set"), "run 2", "")
    assert strings(store)["sources"] == "typed" and strings(store)["targets"] == "set"
    store.run_finished("run 3", ["fragment"])  # a fragment run forgets only its own widgets not drawn again
    assert set(store.states) == {"sources", "targets"}
    store.element_drawn((0, 0), text_area("sources", default="hello"), "run 4", "")
    store.run_finished("run 4", [])  # a full run forgets every widget it did not draw
    assert set(store.states) == {"sources"}
    assert [state.trigger_value for state in store.with_trigger("train")] == [False, True]


def test_a_class_members_run_is_saved_and_the_teacher_sees_it_on_the_dashboard(tmp_path):
    """What `bench.server_load --class` relies on: a client opening the class link with the student's
    cookie is that student (their run reaches the store), and the teacher's client reaches the dashboard."""
    store_url = f"sqlite:///{tmp_path / 'classes.sqlite3'}"
    members = BenchClass.create(open_database(store_url), "Protocol class")
    (seat,) = members.seats(1)

    async def scenario(url: str) -> list[str]:
        student = await load_page(url, seat.query_string, seat.cookie)
        teacher = None
        try:
            await train(student)
            teacher = await open_dashboard(url, members)
            return teacher.texts
        finally:
            await student.close()
            if teacher is not None:
                await teacher.close()

    with streamlit_server(store_env(store_url)) as url:
        dashboard = asyncio.run(scenario(url))
    assert members.saved() == 1
    assert "**What each student is doing**" in dashboard
    assert not any("loss curves appear here once students have trained" in text for text in dashboard)
