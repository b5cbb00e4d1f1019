"""Classroom load on the server alone: N protocol clients press Train at once, no browsers.

`bench.load_test` drives real Chromium pages, but on a small machine 30 renderers take most of
the CPU, so it measures the browsers as much as the server. In a classroom each student's
browser runs on their own laptop; the server only sees websockets. This benchmark opens
those websockets itself (`devtools.streamlit_client`: Streamlit's protocol as the frontend
speaks it), so almost all the CPU left on the machine goes to the server being measured.

For each N it starts the server, warms it up with one client per process (the first session
pays the one-time imports of torch and plotly) and one burst that is not counted (the first
burst on a fresh server is slower whatever else runs), connects N clients (one websocket each, so
one Streamlit session each), waits until every client's first script run has finished, then
has all of them press Train at the same moment and times, per client, click → the first
delta carrying "Solved at epoch" (the alert a student sees). Prints p50 / p95 / max, errors
(never solved within the timeout, or an exception), the servers' resident memory before and
after (and per session), and the CPU seconds the servers spent from the clicks until every
client had seen the text and the run that drew it had ended ("all runs done"; also per
student). The clients' own CPU in this process is printed too, to show they are not the
bottleneck. Numbers are printed, never asserted.

Three ways to run it:

    python -m bench.server_load --students 1 10 30            # one `streamlit run app.py`
    python -m bench.server_load --replicas 1 2 --students 30  # through nginx (deploy.classroom)
    python -m bench.server_load --heavy 1 --students 29       # bursts without and with heavy runs, alternating
    python -m bench.server_load --fault --students 30         # one of 2 replicas stops mid-class
    python -m bench.server_load --replicas 2 --students 60 --class  # bursts outside a class and in one
    python -m bench.server_load --fault --students 30 --class # the moved students get their run back
    python -m bench.server_load --hog 10 --students 20        # one student trains the largest model in ten tabs
    python -m bench.server_load --waves 3 --big 10            # waves of big sessions open, train and close

`--replicas` runs each burst through nginx in front of that many replicas (a column says how
the sessions were spread) and ends with `replicas: p95 X s with 1, Y s with 2, ratio R, errors E`.
`--heavy H` runs `--rounds` pairs of bursts on one server, alternating: alone, then while H
clients train the largest model the caps allow (started two seconds before the burst, on the
Train page as any student would); it prints how far the heavy runs got meanwhile and ends with
`heavy: p95 X s without, Y s with, ratio R, errors E`, comparing the median p95 of each kind.
`--fault` starts 2 replicas behind nginx, has every client train, stops replica 1, and then,
at once, has the other replica's students press Train again while the stopped replica's
students reconnect as their browsers do (same cookie, asking for their old session): it
prints how long the survivors waited for "Solved" and the moved ones for a whole fresh page,
and how many of those were told their session was lost; it ends with
`fault: survivors p95 X s, moved students p95 Y s to a fresh page, told N of M, errors E`.
`--class` (with one server or `--replicas R`, the last of each list) gives the servers a fresh class
store (`--database sqlite`, a file every replica shares, or `postgresql`, a throwaway server) and runs
`--rounds` pairs of bursts on the same servers, alternating: outside a class, then in one (a fresh
class each time, whose students joined through the store and open the class link with their cookie,
so each session is a member whose run is saved as it trains), with the teacher's class dashboard
open meanwhile (a protocol client on the teacher link, its fragment rerun every 5 s by the client's
timer as the browser's does). It ends with `class: p95 X s outside, Y s in a class, ratio R, errors E,
runs saved S of N` (S counted in the store after the bursts; E counts the dashboard's exceptions too).
With `--fault --class` every student is a class member, and after the stop the benchmark waits for
each moved student's fresh page to say "Restored your last run from the class store"; the `fault:`
line then ends with `restored R of M`.
`--hog H` is `--heavy` for one student: the H clients are tabs of one browser (they share its
cookies), each pressing Train on the largest model; it also samples the server's resident memory
throughout and ends with `hog: p95 X s without, Y s with, ratio R, peak RSS M MB, errors E`.
`--waves W --big B` starts a server whose closed sessions live `WAVE_SESSION_TTL` seconds (Streamlit's
default is 120), lets B clients (B browsers) train the largest model for `WAVE_TRAIN_SECONDS`, closes
them and waits until their sessions are released, W times; it ends with
`waves: idle A MB, peaks P1/P2/... MB, after B MB` (after: once the last wave's sessions are released).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bench.bursts import (
    Burst,
    Servers,
    behind_nginx,
    burst,
    header,
    one_server,
    report,
    sampling_memory,
    warm,
    warm_up,
)
from bench.class_seats import DATABASES, BenchClass, Seat, class_store, open_dashboard, store_env
from bench.load_test import percentile
from deploy.classroom import Classroom, classroom
from devtools.streamlit_client import Client, load_page
from playground.run.config import RunConfig
from playground.run.limits import largest_network
from playground.url_state import query_string
from store.database import open_database
from ui.server.reconnect import LOST_SESSION_MESSAGE

HEAVY_HEAD_START = 2.0  # seconds the heavy runs train before the class presses Train
RESTORED_TEXT = "Restored your last run from the class store"
RESTORE_TIMEOUT = 120.0  # seconds a moved student's fresh page has to replay and verify their run
SAVE_TIMEOUT = 30.0  # seconds the finished runs have to reach the store


def heavy_query() -> str:
    """The link of the largest model the host's caps allow, on the default task."""
    return query_string(largest_network(RunConfig()))


def run_plain(students: list[int], show_text: bool) -> None:
    print(header("server"))
    for n in students:
        with one_server() as servers:
            warm(servers, n, show_text)
            report("1 process", asyncio.run(burst(servers, n)), show_text)


def run_replicas(replicas: list[int], students: list[int], show_text: bool) -> None:
    print(header("replicas"))
    last: dict[int, Burst] = {}
    for r in replicas:
        for n in students:
            with behind_nginx(r) as servers:
                warm(servers, n, show_text)
                last[r] = asyncio.run(burst(servers, n))
                report(str(r), last[r], show_text)
    first, final = last[replicas[0]], last[replicas[-1]]
    errors = sum(len(b.errors) for b in last.values())
    print(
        f"replicas: p95 {first.p95():.2f} s with {replicas[0]}, {final.p95():.2f} s with {replicas[-1]}, "
        f"ratio {final.p95() / first.p95():.2f}, errors {errors}"
    )


async def class_burst(servers: Servers, members: BenchClass, students: int) -> tuple[Burst, Client]:
    """`students` join the class and press Train at once while the teacher's dashboard is open
    (its fragment rerun every few seconds by the client's timer); also the teacher's client."""
    seats = members.seats(students)
    teacher = await open_dashboard(servers.url, members)
    result = await burst(servers, students, seats)
    await teacher.close()
    return result, teacher


def run_class(replicas: int, students: int, rounds: int, database: str, show_text: bool) -> None:
    """Alternate bursts outside a class and in one (a fresh class of `students` each time, its
    dashboard open), on the same servers (one process, or `replicas` behind nginx), after one
    of each that is not counted."""
    print(header(f"{replicas} replicas" if replicas else "server"))
    outside: list[Burst] = []
    inside: list[Burst] = []
    classes: list[BenchClass] = []
    dashboard_errors = 0

    def in_class(label: str, members: BenchClass) -> Burst:
        nonlocal dashboard_errors
        result, teacher = asyncio.run(class_burst(servers, members, students))
        report(label, result, show_text)
        print(f"  dashboard: {teacher.fragment_runs} refreshes while open, exceptions {teacher.exceptions}")
        dashboard_errors += len(teacher.exceptions)
        return result

    with class_store(database) as url:
        engine = open_database(url)
        env = store_env(url)
        with behind_nginx(replicas, env) if replicas else one_server(env) as servers:
            warm(servers, students, show_text)
            in_class("in a class, not counted", BenchClass.create(engine, "Warm-up class"))
            for n in range(1, rounds + 1):
                outside.append(asyncio.run(burst(servers, students)))
                report("outside a class", outside[-1], show_text)
                classes.append(BenchClass.create(engine, f"Class {n}"))
                inside.append(in_class("in a class", classes[-1]))
        saved, members = sum(c.saved() for c in classes), sum(len(c.students) for c in classes)
        engine.dispose()
    out, within = (statistics.median(b.p95() for b in bursts) for bursts in (outside, inside))
    errors = sum(len(b.errors) for b in outside + inside) + dashboard_errors
    print(
        f"class: p95 {out:.2f} s outside, {within:.2f} s in a class, ratio {within / out:.2f}, errors {errors}, "
        f"runs saved {saved} of {members} ({database}, medians of {rounds} alternating rounds)"
    )


async def heavy_burst(
    servers: Servers, heavy: int, students: int, one_browser: bool = False
) -> tuple[Burst, list[str]]:
    """The burst while `heavy` clients (tabs of one browser if `one_browser`) train the largest
    model; also how far each heavy run got."""
    runners = [await load_page(servers.url, heavy_query())]
    for _ in range(heavy - 1):
        runners.append(await load_page(servers.url, heavy_query(), runners[0].cookie if one_browser else ""))
    for runner in runners:
        await runner.press_train()
    await asyncio.sleep(HEAVY_HEAD_START)
    before = [len(r.texts) for r in runners]
    result = await burst(servers, students)
    progress = [
        f"{sum('Epoch' in t for t in r.texts[b:])} progress updates during the burst, last: "
        f"{next((t for t in reversed(r.texts) if 'Epoch' in t), 'none')!r}"
        for r, b in zip(runners, before, strict=True)
    ]
    await asyncio.gather(*(runner.close() for runner in runners), return_exceptions=True)
    return result, progress


def run_heavy(heavy: int, students: int, rounds: int, show_text: bool, one_browser: bool = False) -> None:
    """Alternate bursts without and with the heavy clients, after one burst that is not counted.

    Later bursts on one server are slower than earlier ones (the closed sessions of earlier
    bursts stay in memory until their time to live passes), so alternating and comparing
    medians keeps that drift from favouring either side. With `one_browser` (--hog) the heavy
    clients are one student's tabs, and the server's peak resident memory is reported too."""
    print(header("hog's tabs" if one_browser else "heavy clients"))
    without: list[Burst] = []
    with_heavy: list[Burst] = []
    with one_server() as servers, sampling_memory(servers) as peak:
        warm(servers, students, show_text)
        for _ in range(rounds):
            without.append(asyncio.run(burst(servers, students)))
            report("0", without[-1], show_text)
            result, progress = asyncio.run(heavy_burst(servers, heavy, students, one_browser))
            with_heavy.append(result)
            report(str(heavy), result, show_text)
            for n, line in enumerate(progress, 1):
                print(f"  {'tab' if one_browser else 'heavy client'} {n}: {line}")
    alone, loaded = (statistics.median(b.p95() for b in bursts) for bursts in (without, with_heavy))
    errors = sum(len(b.errors) for b in without + with_heavy)
    rounds_note = f" (medians of {rounds} alternating rounds)" if rounds > 1 else ""
    if one_browser:
        print(
            f"hog: p95 {alone:.2f} s without, {loaded:.2f} s with, ratio {loaded / alone:.2f}, "
            f"peak RSS {peak():.0f} MB, errors {errors}{rounds_note}"
        )
    else:
        print(
            f"heavy: p95 {alone:.2f} s without, {loaded:.2f} s with, ratio {loaded / alone:.2f}, errors {errors}"
            + rounds_note
        )


WAVE_SESSION_TTL = 10  # seconds a closed session is kept for a reconnect in --waves (Streamlit's default: 120)
WAVE_TRAIN_SECONDS = 6.0


async def wave(servers: Servers, big: int) -> None:
    """`big` browsers open the largest model, train it for a while and close."""
    clients = [await load_page(servers.url, heavy_query()) for _ in range(big)]
    await asyncio.gather(*(client.press_train() for client in clients))
    await asyncio.sleep(WAVE_TRAIN_SECONDS)
    await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)


def settled_megabytes(servers: Servers) -> float:
    """The server's memory once closed sessions have been released: their time to live, the
    release thread's period, then steady for a few seconds."""
    time.sleep(WAVE_SESSION_TTL + 10)
    return servers.megabytes()


def run_waves(waves: int, big: int) -> None:
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(WAVE_SESSION_TTL)}
    peaks: list[float] = []
    with one_server(env) as servers:
        asyncio.run(warm_up(servers))
        idle = settled_megabytes(servers)
        print(f"idle: {idle:.0f} MB")
        for n in range(1, waves + 1):
            with sampling_memory(servers) as peak:
                asyncio.run(wave(servers, big))
            peaks.append(peak())
            print(f"wave {n}: peak {peaks[-1]:.0f} MB, then {settled_megabytes(servers):.0f} MB", flush=True)
        after = servers.megabytes()
    print(f"waves: idle {idle:.0f} MB, peaks {'/'.join(f'{p:.0f}' for p in peaks)} MB, after {after:.0f} MB")


async def wait_for_text(client: Client, text: str, after: int, timeout: float) -> bool:
    """Whether a text containing `text` arrives (among those from index `after` on) within `timeout` seconds."""
    deadline = time.perf_counter() + timeout
    while not any(text in t for t in client.texts[after:]):
        if time.perf_counter() > deadline or client.reader.done():
            return False
        await asyncio.sleep(0.2)
    return True


async def all_saved(members: BenchClass, timeout: float = SAVE_TIMEOUT) -> int:
    """How many students have a saved run, once all have or `timeout` seconds have passed."""
    deadline = time.perf_counter() + timeout
    while (saved := await asyncio.to_thread(members.saved)) < len(members.students) and time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
    return saved


async def fault(room: Classroom, students: int, members: BenchClass | None = None) -> None:
    """With `members`, every client is a student of that class, and the moved ones are counted
    when their fresh page says their run was restored from the class store."""
    servers = Servers(room.url, [replica.process.pid for replica in room.replicas])
    await warm_up(servers)
    seats = members.seats(students) if members else [Seat("", "")] * students
    clients = [await load_page(room.url, seat.query_string, seat.cookie) for seat in seats]
    await asyncio.gather(*(c.press_train() for c in clients))
    await asyncio.gather(*(c.wait_for(c.done) for c in clients))
    if members:
        print(f"  runs saved before the stop: {await all_saved(members)} of {students}")
    room.replica_numbered("1").stop()
    moved = [c for c in clients if c.replica == "1"]
    survivors = [c for c in clients if c.replica != "1"]
    await asyncio.gather(*(c.reader for c in moved), return_exceptions=True)
    told = LOST_SESSION_MESSAGE.split(":")[0]
    seen = {id(c): len(c.texts) for c in moved}

    async def come_back(client: Client) -> float:
        started = time.perf_counter()
        await client.reconnect()
        await client.wait_for(client.loaded)
        return time.perf_counter() - started

    results = await asyncio.gather(
        *(c.press_train() for c in survivors), *(come_back(c) for c in moved), return_exceptions=True
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    outcomes = await asyncio.gather(*(c.wait_for(c.done) for c in survivors), return_exceptions=True)
    errors += [o for o in outcomes if isinstance(o, BaseException)]
    solved = [c.solved_at - c.clicked_at for c in survivors if c.solved_at is not None]
    back = [r for r in results[len(survivors) :] if isinstance(r, float)]
    informed = sum(any(told in t for t in c.texts[seen[id(c)] :]) for c in moved)
    whole = sum(c.train_button_id is not None for c in moved)
    restored = ""
    if members:
        back_again = await asyncio.gather(
            *(wait_for_text(c, RESTORED_TEXT, seen[id(c)], RESTORE_TIMEOUT) for c in moved), return_exceptions=True
        )
        restored = f", restored {sum(r is True for r in back_again)} of {len(moved)}"
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    nan = float("nan")
    print(
        f"| {len(survivors)} | {percentile(solved, 0.95) if solved else nan:.2f} s | {len(moved)} "
        f"| {percentile(back, 0.95) if back else nan:.2f} s | {informed} | {whole} | {len(errors)} |"
    )
    if errors:
        print(f"  first error: {errors[0]!r}")
    print(
        f"fault: survivors p95 {percentile(solved, 0.95) if solved else nan:.2f} s, moved students p95 "
        f"{percentile(back, 0.95) if back else nan:.2f} s to a fresh page, told {informed} of {len(moved)}, "
        f"errors {len(errors)}{restored}"
    )


def run_fault(students: int, in_class: bool, database: str) -> None:
    print(
        "| students on the live replica | their click→solved p95 | students on the stopped one "
        "| reconnect→fresh page p95 | told their session was lost | with a whole page | errors |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    if not in_class:
        with classroom(2) as room:
            asyncio.run(fault(room, students))
        return
    with class_store(database) as url:
        engine = open_database(url)
        with classroom(2, env=store_env(url)) as room:
            asyncio.run(fault(room, students, BenchClass.create(engine, "Fault class")))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--replicas", type=int, nargs="+", help="through nginx, with this many replicas each")
    parser.add_argument("--heavy", type=int, default=0, help="clients training the largest model meanwhile")
    parser.add_argument("--rounds", type=int, default=3, help="with --heavy: alternating bursts of each kind")
    parser.add_argument("--fault", action="store_true", help="stop one of 2 replicas mid-class")
    parser.add_argument("--hog", type=int, default=0, help="tabs of one browser training the largest model meanwhile")
    parser.add_argument("--waves", type=int, default=0, help="waves of big sessions that open, train and close")
    parser.add_argument("--big", type=int, default=10, help="with --waves: big sessions per wave")
    parser.add_argument(
        "--class", dest="in_class", action="store_true", help="every student in a class (plain, --replicas, --fault)"
    )
    parser.add_argument("--database", choices=DATABASES, default="sqlite", help="with --class: the store's kind")
    parser.add_argument("--show-text", action="store_true", help="print the solved message one client saw")
    args = parser.parse_args()
    if args.fault:
        run_fault(args.students[-1], args.in_class, args.database)
    elif args.in_class:
        replicas = args.replicas[-1] if args.replicas else 0
        run_class(replicas, args.students[-1], args.rounds, args.database, args.show_text)
    elif args.replicas:
        run_replicas(args.replicas, args.students, args.show_text)
    elif args.waves:
        run_waves(args.waves, args.big)
    elif args.hog:
        run_heavy(args.hog, args.students[-1], args.rounds, args.show_text, one_browser=True)
    elif args.heavy:
        run_heavy(args.heavy, args.students[-1], args.rounds, args.show_text)
    else:
        run_plain(args.students, args.show_text)


if __name__ == "__main__":
    main()
