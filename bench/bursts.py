"""A burst: N protocol clients press Train at once on one server or on replicas behind nginx.

The pieces every `bench.server_load` scenario shares: where the clients connect (`Servers`),
what one burst measured (`Burst`), warming a fresh server, and the table rows they print.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bench.class_seats import Seat
from bench.load_test import percentile
from deploy.classroom import classroom
from devtools.browser import cpu_seconds, resident_megabytes, streamlit_process
from devtools.streamlit_client import Client, load_page


@dataclass
class Servers:
    """Where the clients connect, and the processes that serve them (one per replica)."""

    url: str
    pids: list[int]

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def megabytes(self) -> float:
        return sum(resident_megabytes(pid) for pid in self.pids)


@dataclass
class Burst:
    """What one burst of N clicks measured."""

    students: int
    durations: list[float]
    errors: list[str]
    all_done: float
    server_cpu: float
    client_cpu: float
    idle_mb: float
    after_mb: float
    spread: str  # sessions per replica, e.g. "14/16"
    sample: str

    def p95(self) -> float:
        return percentile(self.durations, 0.95) if self.durations else float("nan")


async def warm_up(servers: Servers) -> None:
    """One page per replica: the first session of each process pays its imports."""
    seen: set[str] = set()
    for _ in range(10 * len(servers.pids)):
        client = await load_page(servers.url)
        seen.add(client.replica)
        await client.close()
        if len(seen) >= len(servers.pids):
            return


def warm(servers: Servers, students: int, show_text: bool) -> None:
    """Every process's first page, then one burst that is not counted: the first burst on a
    fresh server is slower whatever else runs (its p95 measured 1.5-2× the next one's), and a
    classroom server has long been warm when a class presses Train."""
    asyncio.run(warm_up(servers))
    report("warm-up burst, not counted", asyncio.run(burst(servers, students)), show_text)


async def burst(servers: Servers, students: int, seats: list[Seat] | None = None) -> Burst:
    """N clients load the page (with `seats`, each a class member: `bench.class_seats`) and press Train at once."""
    idle_mb = servers.megabytes()
    errors: list[str] = []
    links = [(s.query_string, s.cookie) for s in seats] if seats else [("", "")] * students
    clients = await asyncio.gather(*(load_page(servers.url, *link) for link in links), return_exceptions=True)
    errors += [f"load: {type(c).__name__}: {c}" for c in clients if isinstance(c, BaseException)]
    clients = [c for c in clients if isinstance(c, Client)]
    server_cpu, own_cpu, started = servers.cpu(), time.process_time(), time.perf_counter()
    clicks = await asyncio.gather(*(client.press_train() for client in clients), return_exceptions=True)
    errors += [f"click: {type(c).__name__}: {c}" for c in clicks if isinstance(c, BaseException)]
    outcomes = await asyncio.gather(*(c.wait_for(c.done) for c in clients), return_exceptions=True)
    all_done = time.perf_counter() - started
    server_cpu, own_cpu = servers.cpu() - server_cpu, time.process_time() - own_cpu
    errors += [f"not solved: {type(o).__name__} {o}" for o in outcomes if isinstance(o, BaseException)]
    durations = [c.solved_at - c.clicked_at for c in clients if c.solved_at is not None]
    after_mb = servers.megabytes()
    spread = "/".join(str(n) for _, n in sorted(Counter(c.replica for c in clients).items()))
    sample = next((c.solved_text for c in clients if c.solved_text), "")
    await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)
    return Burst(students, durations, errors, all_done, server_cpu, own_cpu, idle_mb, after_mb, spread, sample)


def row(label: str, b: Burst) -> str:
    d, nan = b.durations, float("nan")
    p50, top = (statistics.median(d), max(d)) if d else (nan, nan)
    return (
        f"| {label} | {b.students} | {p50:.2f} s | {b.p95():.2f} s | {top:.2f} s | {len(b.errors)} "
        f"| {b.server_cpu:.2f} s | {b.server_cpu / b.students:.3f} s | {b.all_done:.2f} s "
        f"| {b.client_cpu:.2f} s | {b.idle_mb:.0f} → {b.after_mb:.0f} MB "
        f"| {(b.after_mb - b.idle_mb) / b.students:.1f} MB | {b.spread} |"
    )


def header(first: str) -> str:
    return (
        f"| {first} | students | click→solved p50 | p95 | max | errors | server CPU in burst | per student "
        "| all runs done | clients' CPU | server RSS idle → after | per session | sessions per replica |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )


def report(label: str, b: Burst, show_text: bool) -> None:
    print(row(label, b), flush=True)
    if b.errors:
        print(f"  first error: {b.errors[0]}")
    if show_text:
        print(f"  solved message: {b.sample!r}")


@contextlib.contextmanager
def one_server(env: dict[str, str] | None = None) -> Iterator[Servers]:
    with streamlit_process(env) as (url, server):
        yield Servers(url, [server.pid])


@contextlib.contextmanager
def sampling_memory(servers: Servers, every: float = 0.2) -> Iterator[Callable[[], float]]:
    """Sample the servers' resident memory every `every` seconds in a thread; yields what gives
    the highest sample so far."""
    peak = [servers.megabytes()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            with contextlib.suppress(OSError, RuntimeError):  # a process ending
                peak[0] = max(peak[0], servers.megabytes())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield lambda: peak[0]
    finally:
        stop.set()
        thread.join()


@contextlib.contextmanager
def behind_nginx(replicas: int, env: dict[str, str] | None = None) -> Iterator[Servers]:
    with classroom(replicas, env=env) as room:
        yield Servers(room.url, [replica.process.pid for replica in room.replicas])
