"""A student without a browser: one websocket speaking Streamlit's protocol like the frontend.

`bench.server_load` opens dozens of these to load a server (a browser per student would take
the CPU it measures), and the classroom tests use them to check which replica behind nginx
holds a session. What a client does, as the frontend would (streamlit 1.67):

- Page and cookie: it first GETs the page, as a browser does, and keeps the cookie the load
  balancer sets (nginx's `rnnp_replica`, see deploy/), sending it with the websocket; the
  `X-Rnnp-Replica` header of that answer names the replica that served it.
- XSRF: the websocket handler never rejects a connection over XSRF; the token in
  `Sec-WebSocket-Protocol` only unlocks reading the auth cookie (`st.login`), which this app
  does not use. So the clients send the "streamlit" subprotocol and a placeholder token; a
  client that reconnects also sends its previous session id (the third entry), as the
  frontend does, so the server resumes that session if it holds it.
- Cached messages: the server replaces a large element by a `ref_hash` only if the client
  lists that hash in `ClientState.cached_message_hashes`. The clients keep every cacheable
  message they receive and report those hashes on each rerun, as the browser's cache does
  (so unchanged large elements are not re-sent), and resolve any `ref_hash` from that store.
- Widget states: every rerun (a click, a fragment's timer, the first run after connecting)
  sends the state of every widget on the page, as the frontend's WidgetStateManager does
  (`WidgetStore`); a click adds its button's trigger, sent once. The server does not keep them
  on its own: after a full run it starts itself (a live run ending), it holds no widget values
  until a rerun brings them, and a Train sending only its trigger found no strings.
- Fragment clicks: a button drawn inside a fragment (Train sits in the Train page's run
  panel) sends its click as a rerun of that fragment only (`fragment_id`, taken from the
  button's delta), as the frontend does.
- Fragment timers: `auto_rerun` messages start a timer per fragment that sends a fragment
  rerun (`fragment_id`, `is_auto_rerun`) every interval, like the browser's `setInterval`;
  `stop_auto_rerun` and the start of a full run (a `new_session` without fragment ids)
  cancel them.
- Pages: the `navigation` message lists the app's pages; `open_page` goes to one as a click on
  its link in the sidebar does (a rerun naming that page's script hash).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

from devtools.browser import SOLVED_TEXT

TRAIN_LABEL = "Train"
RESET_LABEL = "Reset"
TIMEOUT_SECONDS = 120.0
RUN_ENDED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
REPLICA_HEADER = "X-Rnnp-Replica"
# The kinds of widget whose state a client keeps: every kind the app draws but buttons (download
# buttons too) and file uploaders.
KEPT_WIDGETS = frozenset(
    {"text_area", "text_input", "number_input", "checkbox", "selectbox", "radio", "multiselect", "slider"}
)


def element_text(msg: ForwardMsg) -> str:
    """The text of an alert, markdown or progress element, or "" for any other message."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return ""
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "alert":
        return element.alert.body
    if kind == "markdown":
        return element.markdown.body
    if kind == "progress":
        return element.progress.text
    return ""


def drawn_widget_state(element: Element) -> tuple[WidgetState, bool] | None:
    """The state Streamlit's frontend gives a widget it draws, and whether the server set it.

    A widget the server sets (``set_value``) takes the element's value; any other starts from its
    default and then keeps its own (each widget's ``getCurrStateFromProto`` and
    ``getDefaultStateFromProto`` in streamlit 1.67). None for any other element (`KEPT_WIDGETS`):
    a button's click is a trigger, sent once; no file is uploaded.
    """
    kind = element.WhichOneof("type")
    if kind not in KEPT_WIDGETS:
        return None
    widget = getattr(element, kind)
    state, server_set = WidgetState(id=widget.id), widget.set_value
    if kind in ("text_area", "text_input"):
        field_name = "value" if server_set else "default"
        if widget.HasField(field_name):
            state.string_value = getattr(widget, field_name)
    elif kind == "number_input":
        field_name = "value" if server_set and widget.HasField("value") else "default"
        if widget.HasField(field_name):
            number = getattr(widget, field_name)
            if widget.data_type == NumberInput.INT:
                state.int_value = int(number)
            else:
                state.double_value = number
    elif kind == "checkbox":  # toggles too
        state.bool_value = widget.value if server_set else widget.default
    elif kind in ("selectbox", "radio"):
        if server_set and widget.HasField("raw_value"):
            state.string_value = widget.raw_value
        elif not server_set and widget.HasField("default") and widget.options:
            state.string_value = widget.options[widget.default]
    elif kind == "multiselect":
        state.string_array_value.data.extend(
            widget.raw_values if server_set else [widget.options[index] for index in widget.default]
        )
    elif kind == "slider" and widget.type == Slider.SELECT_SLIDER:
        by_default = [widget.options[int(index)] for index in widget.default]
        state.string_array_value.data.extend(widget.raw_value if server_set and widget.raw_value else by_default)
    else:
        state.double_array_value.data.extend(widget.value if server_set else widget.default)
    return state, server_set


@dataclass(frozen=True)
class DrawnWidget:
    """A widget on the page: which one, drawn by which script run, in which fragment ("" outside any)."""

    widget_id: str
    run_id: str
    fragment_id: str


@dataclass
class WidgetStore:
    """The page's widget states as Streamlit's frontend keeps them, to send with every rerun.

    A widget keeps the state it was first drawn with (`drawn_widget_state`) until the server sets
    it. After a script run, the widgets no longer on the page are forgotten, as the frontend's
    ``clearStaleNodes`` and ``removeInactive`` do: after a full run those it did not draw, after a
    fragment run those of its fragments it did not draw again. No app page uses forms, whose
    widgets the frontend holds apart until submitted.
    """

    states: dict[str, WidgetState] = field(default_factory=dict)
    drawn: dict[tuple[int, ...], DrawnWidget] = field(default_factory=dict)  # by delta path

    def element_drawn(self, path: tuple[int, ...], element: Element, run_id: str, fragment_id: str) -> None:
        for replaced in [other for other in self.drawn if other[: len(path)] == path]:
            del self.drawn[replaced]  # an element replaces whatever was at its place, and all inside it
        started = drawn_widget_state(element)
        if started is None:
            return
        state, server_set = started
        self.drawn[path] = DrawnWidget(state.id, run_id, fragment_id)
        if server_set or state.id not in self.states:
            self.states[state.id] = state

    def block_drawn(self, path: tuple[int, ...]) -> None:
        """A block replaces a widget at its place; a block's own content stays until the run ends."""
        self.drawn.pop(path, None)

    def run_finished(self, run_id: str, fragment_ids: list[str]) -> None:
        def stale(widget: DrawnWidget) -> bool:
            return widget.run_id != run_id and (not fragment_ids or widget.fragment_id in fragment_ids)

        self.drawn = {path: widget for path, widget in self.drawn.items() if not stale(widget)}
        on_page = {widget.widget_id for widget in self.drawn.values()}
        self.states = {widget_id: state for widget_id, state in self.states.items() if widget_id in on_page}

    def with_trigger(self, button_id: str) -> tuple[WidgetState, ...]:
        """Every kept state and a button's click, as a click's rerun sends them."""
        return (*self.states.values(), WidgetState(id=button_id, trigger_value=True))


def get_page(url: str, cookie: str = "") -> tuple[str, str]:
    """GET the page as a browser would: (the cookies to send from now on, the replica that answered).
    Every cookie the answer sets (nginx's replica, the app's browser cookie) joins those sent."""
    request = urllib.request.Request(f"{url}/", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        response.read()
        set_cookies = response.headers.get_all("Set-Cookie") or []
        replica = response.headers.get(REPLICA_HEADER, "")
    jar = dict(pair.split("=", 1) for pair in cookie.split("; ") if "=" in pair)
    jar.update(line.split(";", 1)[0].split("=", 1) for line in set_cookies if "=" in line.split(";", 1)[0])
    return "; ".join(f"{name}={value}" for name, value in jar.items()), replica


@dataclass
class Client:
    """One student's session: a websocket speaking Streamlit's protocol like the frontend."""

    url: str
    query_string: str = ""  # the link's query, without "?": sets the experiment on the first run
    cookie: str = ""
    replica: str = ""  # which replica answered the page (behind nginx), else ""
    page_fetched: bool = False
    socket: websockets.ClientConnection | None = None
    session_id: str = ""
    page_script_hash: str = ""
    run_id: str = ""  # the script run drawing the page now
    buttons: dict[str, tuple[str, str]] = field(default_factory=dict)  # label → (id, fragment, "" outside any)
    widgets: WidgetStore = field(default_factory=WidgetStore)
    cache: dict[str, ForwardMsg] = field(default_factory=dict)  # hash → cacheable message
    timers: dict[str, tuple[float, asyncio.Task]] = field(default_factory=dict)  # fragment → timer
    fragment_runs: int = 0  # fragment runs finished (a fragment's timer, a click inside one)
    pages: dict[str, str] = field(default_factory=dict)  # url path → page script hash, from the navigation
    texts: list[str] = field(default_factory=list)  # every alert, markdown and progress text received
    exceptions: list[str] = field(default_factory=list)  # the message of every exception the page showed
    loaded: asyncio.Event = field(default_factory=asyncio.Event)
    received_at: float = 0.0  # when the last message arrived
    clicked_at: float | None = None
    solved_at: float | None = None
    solved_text: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)  # solved, and that run has ended
    reader: asyncio.Task | None = None

    async def connect(self, resume_session: str = "") -> None:
        """Open the websocket (resuming `resume_session` if the server holds it) and run the page."""
        if not self.page_fetched and not resume_session:  # the page first, with the browser's cookies if any
            self.cookie, self.replica = await asyncio.to_thread(get_page, self.url, self.cookie)
            self.page_fetched = True
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        self.loaded.clear()
        self.socket = await websockets.connect(
            ws_url,
            subprotocols=["streamlit", "xsrf-unused", *([resume_session] if resume_session else [])],
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            max_size=None,
            open_timeout=TIMEOUT_SECONDS,
        )
        self.reader = asyncio.create_task(self._read())
        await self.rerun()  # what the frontend sends once connected: run the page

    async def reconnect(self) -> None:
        """Drop the websocket and open a new one with the same cookie, asking for the same session."""
        await self.close()
        await self.connect(resume_session=self.session_id)

    @property
    def train_button_id(self) -> str | None:
        return self.buttons[TRAIN_LABEL][0] if TRAIN_LABEL in self.buttons else None

    async def rerun(
        self, widgets: tuple[WidgetState, ...] | None = None, fragment_id: str = "", is_auto_rerun: bool = False
    ) -> None:
        """Ask for a script run sending ``widgets``, by default every widget's kept state."""
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_script_hash,
            fragment_id=fragment_id,
            is_auto_rerun=is_auto_rerun,
            widget_states=WidgetStates(widgets=self.widgets.states.values() if widgets is None else widgets),
            cached_message_hashes=list(self.cache),
        )
        await self.socket.send(BackMsg(rerun_script=state).SerializeToString())

    async def open_page(self, url_path: str) -> None:
        """Go to the page at ``url_path`` (as its sidebar link does) and wait for its run to finish."""
        if url_path not in self.pages:
            raise RuntimeError(f"the navigation lists no page {url_path!r}")
        self.page_script_hash = self.pages[url_path]
        self.loaded.clear()
        await self.rerun()
        await self.wait_for(self.loaded)

    async def press(self, label: str) -> None:
        """Click the button ``label`` (a rerun of the fragment it is drawn in, if any)."""
        if label not in self.buttons:
            raise RuntimeError(f"no {label} button has been drawn")
        button_id, fragment_id = self.buttons[label]
        await self.rerun(self.widgets.with_trigger(button_id), fragment_id=fragment_id)

    async def press_train(self) -> None:
        if self.train_button_id is None:
            raise RuntimeError("the first run drew no Train button")
        self.clicked_at, self.solved_at = time.perf_counter(), None
        self.done.clear()
        await self.press(TRAIN_LABEL)

    async def wait_until_quiet(self, seconds: float, timeout: float = TIMEOUT_SECONDS) -> None:
        """Until nothing has arrived for ``seconds``, as a student waits for the page to settle."""
        deadline = time.perf_counter() + timeout
        while (quiet := time.perf_counter() - self.received_at) < seconds:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"the page did not settle in {timeout:.0f} s")
            await asyncio.sleep(seconds - quiet)

    async def wait_for(self, event: asyncio.Event, timeout: float = TIMEOUT_SECONDS) -> None:
        """Until `event` is set; raises at once if the connection drops first."""
        waiter = asyncio.create_task(event.wait())
        try:
            await asyncio.wait({waiter, self.reader}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if event.is_set():
            return
        if self.reader.done():
            raise RuntimeError(f"connection closed ({self.reader.exception()!r})")
        raise TimeoutError(f"nothing in {timeout:.0f} s")

    async def close(self) -> None:
        self._cancel_timers()
        if self.socket is not None:
            await self.socket.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)

    async def _read(self) -> None:
        async for data in self.socket:
            received_at = time.perf_counter()
            msg = ForwardMsg()
            msg.ParseFromString(data)
            self.received_at = received_at
            self._handle(msg, received_at)

    def _handle(self, msg: ForwardMsg, received_at: float) -> None:
        path = tuple(msg.metadata.delta_path)  # a cached message's own may be another place's
        if msg.HasField("ref_hash"):  # an element the client said it has: take it from the cache
            msg = self.cache[msg.ref_hash]
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = msg
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
            self.run_id = msg.metadata.run.script_run_id
            if msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
            if not msg.metadata.run.fragment_ids:  # a full run drops every fragment timer
                self._cancel_timers()
        elif kind == "delta":
            self._handle_delta(msg, path, received_at)
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "navigation":
            self.pages = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
        elif kind == "stop_auto_rerun":
            self._cancel_timers(list(msg.stop_auto_rerun.fragment_ids))
        elif kind == "script_finished":
            run = msg.metadata.run
            if msg.script_finished in RUN_ENDED and (run.fragment_ids or run.script_run_id == self.run_id):
                self.widgets.run_finished(run.script_run_id, list(run.fragment_ids))
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.loaded.set()
            if msg.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                self.fragment_runs += 1
            if msg.script_finished in RUN_ENDED and self.solved_at is not None:
                self.done.set()

    def _handle_delta(self, msg: ForwardMsg, path: tuple[int, ...], received_at: float) -> None:
        if msg.delta.WhichOneof("type") == "add_block":
            self.widgets.block_drawn(path)
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        self.widgets.element_drawn(path, element, self.run_id, msg.delta.fragment_id)
        if element.WhichOneof("type") == "button":
            self.buttons[element.button.label] = (element.button.id, msg.delta.fragment_id)
        if element.WhichOneof("type") == "exception":
            self.exceptions.append(element.exception.message)
        text = element_text(msg)
        if text:
            self.texts.append(text)
        if self.clicked_at is not None and self.solved_at is None and SOLVED_TEXT in text:
            self.solved_at, self.solved_text = received_at, text

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if fragment_id in self.timers and self.timers[fragment_id][0] == interval:
            return  # the frontend keeps a running timer whose interval has not changed
        self._cancel_timers([fragment_id])
        self.timers[fragment_id] = (interval, asyncio.create_task(self._tick(fragment_id, interval)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.rerun(fragment_id=fragment_id, is_auto_rerun=True)

    def _cancel_timers(self, fragment_ids: list[str] | None = None) -> None:
        for fragment_id in list(self.timers) if fragment_ids is None else fragment_ids:
            if fragment_id in self.timers:
                self.timers.pop(fragment_id)[1].cancel()


async def load_page(url: str, query_string: str = "", cookie: str = "") -> Client:
    """A connected client whose first script run has finished; ``cookie``: the browser's cookies (another
    tab of the browser that has them), else a new browser's."""
    client = Client(url, query_string, cookie)
    await client.connect()
    await client.wait_for(client.loaded)
    return client
