"""Classroom load on the server alone: N protocol clients press Train at once, no browsers.

`bench.load_test` drives real Chromium pages, but on a small machine 30 renderers take most of
the CPU, so it measures the browsers as much as the server. In a classroom each student's
browser runs on their own laptop; the server only sees websockets. This benchmark opens
those websockets itself: each client speaks Streamlit's protocol (`/_stcore/stream`, binary
`BackMsg` / `ForwardMsg` protobufs) like the frontend does, so almost all the CPU left on
the machine goes to the one server process being measured.

For each N it starts `streamlit run app.py`, warms it up with one client that loads the
Train page (the first session pays the one-time imports of torch and plotly), connects N
clients (one websocket each, so one Streamlit session each), waits until every client's
first script run has finished, then has all of them press Train at the same moment and
times, per client, click → the first delta carrying "Solved at epoch" (the alert a student
sees). Prints p50 / p95 / max, errors
(never solved within the timeout, or an exception), the server's resident memory before and
after (and per session), and the CPU seconds the server process spent from the clicks until
every client had seen the text and the run that drew it had ended ("all runs done"; also per
student). The clients' own CPU in this process is printed too, to show they are not the
bottleneck. Numbers are printed, never asserted.

What a client does, as the frontend would (streamlit 1.67):

- XSRF: the websocket handler never rejects a connection over XSRF; the token in
  `Sec-WebSocket-Protocol` only unlocks reading the auth cookie (`st.login`), which this app
  does not use. So the clients send just the "streamlit" subprotocol, no cookie, and the
  server runs with its default settings.
- Cached messages: the server replaces a large element by a `ref_hash` only if the client
  lists that hash in `ClientState.cached_message_hashes`. The clients keep every cacheable
  message they receive and report those hashes on each rerun, as the browser's cache does
  (so unchanged large elements are not re-sent), and resolve any `ref_hash` from that store.
- Widget states: the server keeps every widget's value in session state, and a rerun only
  overwrites the widgets it lists, so pressing Train sends only the button's trigger; the
  settings stay at the default task (the browser would also echo the other widgets' unchanged
  values, a few hundred bytes).
- Fragment clicks: a button drawn inside a fragment (Train sits in the Train page's run
  panel) sends its click as a rerun of that fragment only (`fragment_id`, taken from the
  button's delta), as the frontend does.
- Fragment timers: `auto_rerun` messages start a timer per fragment that sends a fragment
  rerun (`fragment_id`, `is_auto_rerun`) every interval, like the browser's `setInterval`;
  `stop_auto_rerun` and the start of a full run (a `new_session` without fragment ids)
  cancel them. The default task finishes inside the click's own run; longer runs go on
  training in those fragment reruns.

    python -m bench.server_load --students 1 10 30
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

from bench.load_test import SOLVED_TEXT, percentile
from devtools.browser import cpu_seconds, resident_megabytes, streamlit_process

TRAIN_LABEL = "Train"
TIMEOUT_SECONDS = 120.0
RUN_ENDED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


def element_text(msg: ForwardMsg) -> str:
    """The text of an alert or markdown element, or "" for any other message."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return ""
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "alert":
        return element.alert.body
    if kind == "markdown":
        return element.markdown.body
    return ""


@dataclass
class Client:
    """One student's session: a websocket speaking Streamlit's protocol like the frontend."""

    url: str
    socket: websockets.ClientConnection | None = None
    page_script_hash: str = ""
    train_button_id: str | None = None
    train_fragment_id: str = ""  # the fragment the button is drawn in, "" outside any
    cache: dict[str, ForwardMsg] = field(default_factory=dict)  # hash → cacheable message
    timers: dict[str, tuple[float, asyncio.Task]] = field(default_factory=dict)  # fragment → timer
    loaded: asyncio.Event = field(default_factory=asyncio.Event)
    clicked_at: float | None = None
    solved_at: float | None = None
    solved_text: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)  # solved, and that run has ended
    reader: asyncio.Task | None = None

    async def connect(self) -> None:
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        self.socket = await websockets.connect(
            ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT_SECONDS
        )
        self.reader = asyncio.create_task(self._read())
        await self.rerun()  # what the frontend sends once connected: run the default page

    async def rerun(
        self, widgets: tuple[WidgetState, ...] = (), fragment_id: str = "", is_auto_rerun: bool = False
    ) -> None:
        state = ClientState(
            query_string="",
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
        self.clicked_at = time.perf_counter()
        await self.rerun(
            (WidgetState(id=self.train_button_id, trigger_value=True),), fragment_id=self.train_fragment_id
        )

    async def wait_for(self, event: asyncio.Event) -> None:
        """Until `event` is set; raises at once if the connection drops first."""
        waiter = asyncio.create_task(event.wait())
        try:
            await asyncio.wait({waiter, self.reader}, timeout=TIMEOUT_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if event.is_set():
            return
        if self.reader.done():
            raise RuntimeError(f"connection closed ({self.reader.exception()!r})")
        raise TimeoutError(f"nothing in {TIMEOUT_SECONDS:.0f} s")

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


async def load_page(url: str) -> Client:
    """A connected client whose first script run has finished."""
    client = Client(url)
    await client.connect()
    await client.wait_for(client.loaded)
    return client


async def burst(url: str, pid: int, students: int) -> dict[str, float]:
    warm_up = await load_page(url)  # the first session pays the one-time imports (torch, plotly)
    await warm_up.close()
    idle_mb = resident_megabytes(pid)
    errors: list[str] = []
    clients = await asyncio.gather(*(load_page(url) for _ in range(students)), return_exceptions=True)
    errors += [f"load: {type(c).__name__}: {c}" for c in clients if isinstance(c, BaseException)]
    clients = [c for c in clients if isinstance(c, Client)]
    loaded_mb = resident_megabytes(pid)
    server_cpu, own_cpu, started = cpu_seconds(pid), time.process_time(), time.perf_counter()
    clicks = await asyncio.gather(*(client.press_train() for client in clients), return_exceptions=True)
    errors += [f"click: {type(c).__name__}: {c}" for c in clicks if isinstance(c, BaseException)]
    outcomes = await asyncio.gather(*(c.wait_for(c.done) for c in clients), return_exceptions=True)
    all_done = time.perf_counter() - started
    server_cpu, own_cpu = cpu_seconds(pid) - server_cpu, time.process_time() - own_cpu
    errors += [f"not solved: {type(o).__name__} {o}" for o in outcomes if isinstance(o, BaseException)]
    durations = [c.solved_at - c.clicked_at for c in clients if c.solved_at is not None]
    after_mb = resident_megabytes(pid)
    sample = next((c.solved_text for c in clients if c.solved_text), "")
    await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)
    nan = float("nan")
    return {
        "students": students,
        "p50": statistics.median(durations) if durations else nan,
        "p95": percentile(durations, 0.95) if durations else nan,
        "max": max(durations) if durations else nan,
        "all_done": all_done,
        "errors": len(errors),
        "server_cpu": server_cpu,
        "client_cpu": own_cpu,
        "idle_mb": idle_mb,
        "loaded_mb": loaded_mb,
        "after_mb": after_mb,
        "per_session_mb": (after_mb - idle_mb) / students,
        "first_error": errors[0] if errors else "",
        "sample": sample,
    }


def run(students: int) -> dict[str, float]:
    with streamlit_process() as (url, server):
        return asyncio.run(burst(url, server.pid, students))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--show-text", action="store_true", help="print the solved message one client saw")
    args = parser.parse_args()
    print(
        "| students | click→solved p50 | p95 | max | errors | server CPU in burst | per student "
        "| all runs done | clients' CPU | server RSS idle → after | per session |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for students in args.students:
        r = run(students)
        print(
            f"| {r['students']} | {r['p50']:.2f} s | {r['p95']:.2f} s | {r['max']:.2f} s | {r['errors']} "
            f"| {r['server_cpu']:.2f} s | {r['server_cpu'] / students:.3f} s | {r['all_done']:.2f} s "
            f"| {r['client_cpu']:.2f} s | {r['idle_mb']:.0f} → {r['after_mb']:.0f} MB "
            f"| {r['per_session_mb']:.1f} MB |",
            flush=True,
        )
        if r["first_error"]:
            print(f"  first error: {r['first_error']}")
        if args.show_text:
            print(f"  solved message: {r['sample']!r}")


if __name__ == "__main__":
    main()
