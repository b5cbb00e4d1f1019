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
- Widget states: the server keeps every widget's value in session state, and a rerun only
  overwrites the widgets it lists, so pressing Train sends only the button's trigger; the
  settings stay as the link (`query_string`) set them.
- Fragment clicks: a button drawn inside a fragment (Train sits in the Train page's run
  panel) sends its click as a rerun of that fragment only (`fragment_id`, taken from the
  button's delta), as the frontend does.
- Fragment timers: `auto_rerun` messages start a timer per fragment that sends a fragment
  rerun (`fragment_id`, `is_auto_rerun`) every interval, like the browser's `setInterval`;
  `stop_auto_rerun` and the start of a full run (a `new_session` without fragment ids)
  cancel them.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

from devtools.browser import SOLVED_TEXT

TRAIN_LABEL = "Train"
TIMEOUT_SECONDS = 120.0
RUN_ENDED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
REPLICA_HEADER = "X-Rnnp-Replica"


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


def get_page(url: str, cookie: str = "") -> tuple[str, str]:
    """GET the page as a browser would: (the cookie to send from now on, the replica that answered)."""
    request = urllib.request.Request(f"{url}/", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        response.read()
        set_cookie = response.headers.get("Set-Cookie", "")
        replica = response.headers.get(REPLICA_HEADER, "")
    return (set_cookie.split(";", 1)[0] if set_cookie else cookie), replica


@dataclass
class Client:
    """One student's session: a websocket speaking Streamlit's protocol like the frontend."""

    url: str
    query_string: str = ""  # the link's query, without "?": sets the experiment on the first run
    cookie: str = ""
    replica: str = ""  # which replica answered the page (behind nginx), else ""
    socket: websockets.ClientConnection | None = None
    session_id: str = ""
    page_script_hash: str = ""
    train_button_id: str | None = None
    train_fragment_id: str = ""  # the fragment the button is drawn in, "" outside any
    cache: dict[str, ForwardMsg] = field(default_factory=dict)  # hash → cacheable message
    timers: dict[str, tuple[float, asyncio.Task]] = field(default_factory=dict)  # fragment → timer
    texts: list[str] = field(default_factory=list)  # every alert, markdown and progress text received
    loaded: asyncio.Event = field(default_factory=asyncio.Event)
    clicked_at: float | None = None
    solved_at: float | None = None
    solved_text: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)  # solved, and that run has ended
    reader: asyncio.Task | None = None

    async def connect(self, resume_session: str = "") -> None:
        """Open the websocket (resuming `resume_session` if the server holds it) and run the page."""
        if not self.cookie and not resume_session:
            self.cookie, self.replica = await asyncio.to_thread(get_page, self.url)
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

    async def rerun(
        self, widgets: tuple[WidgetState, ...] = (), fragment_id: str = "", is_auto_rerun: bool = False
    ) -> None:
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_script_hash,
            fragment_id=fragment_id,
            is_auto_rerun=is_auto_rerun,
            widget_states=WidgetStates(widgets=widgets),
            cached_message_hashes=list(self.cache),
        )
        await self.socket.send(BackMsg(rerun_script=state).SerializeToString())

    async def press_train(self) -> None:
        if self.train_button_id is None:
            raise RuntimeError("the first run drew no Train button")
        self.clicked_at, self.solved_at = time.perf_counter(), None
        self.done.clear()
        await self.rerun(
            (WidgetState(id=self.train_button_id, trigger_value=True),), fragment_id=self.train_fragment_id
        )

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
            self._handle(msg, received_at)

    def _handle(self, msg: ForwardMsg, received_at: float) -> None:
        if msg.HasField("ref_hash"):  # an element the client said it has: take it from the cache
            msg = self.cache[msg.ref_hash]
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = msg
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
            if msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
            if not msg.metadata.run.fragment_ids:  # a full run drops every fragment timer
                self._cancel_timers()
        elif kind == "delta":
            self._handle_delta(msg, received_at)
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._cancel_timers(list(msg.stop_auto_rerun.fragment_ids))
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.loaded.set()
            if msg.script_finished in RUN_ENDED and self.solved_at is not None:
                self.done.set()

    def _handle_delta(self, msg: ForwardMsg, received_at: float) -> None:
        element = msg.delta.new_element
        if element.WhichOneof("type") == "button" and element.button.label == TRAIN_LABEL:
            self.train_button_id = element.button.id
            self.train_fragment_id = msg.delta.fragment_id
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


async def load_page(url: str, query_string: str = "") -> Client:
    """A connected client whose first script run has finished."""
    client = Client(url, query_string)
    await client.connect()
    await client.wait_for(client.loaded)
    return client
