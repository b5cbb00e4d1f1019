"""Two replicas behind nginx, as `python -m deploy.classroom --replicas 2` runs them.

Each student is a protocol client (`devtools.streamlit_client`): it loads the page (getting
nginx's cookie), trains on its websocket, then drops the websocket and reconnects with the same
cookie, asking for its session as the browser does after a network hiccup. Sticky means the
reconnection reaches the replica holding that session: the session is resumed and its trained
run is still there. A control reconnects with another replica's cookie and must get a fresh
session, which shows the check can fail. Then one replica is stopped: sessions on the other
keep working, and a student of the stopped one lands in a fresh session that says so.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.classroom import ROOT, Classroom, classroom, find_nginx, free_port, healthy
from devtools.browser import SOLVED_TEXT
from devtools.streamlit_client import Client, load_page
from ui.server.reconnect import LOST_SESSION_MESSAGE

pytestmark = pytest.mark.skipif(
    find_nginx() is None, reason="nginx is not installed (apt-get install nginx; .ci/run does)"
)
LOST_SESSION_START = LOST_SESSION_MESSAGE.split(":")[0]


@pytest.fixture
def room() -> Iterator[Classroom]:
    with classroom(replicas=2) as running:
        yield running


async def students(url: str, n: int) -> list[Client]:
    """`n` students, one after another (nginx sends each new browser to the least busy replica)."""
    return [await load_page(url) for _ in range(n)]


async def train(client: Client) -> None:
    await client.press_train()
    await client.wait_for(client.done)


async def rerun_after_reconnect(client: Client, cookie: str | None = None) -> tuple[str, str]:
    """Reconnect (with another cookie if given) and rerun: (that run's texts, the session id before)."""
    if cookie is not None:
        client.cookie = cookie
    session_before, seen = client.session_id, len(client.texts)
    await client.reconnect()
    await client.wait_for(client.loaded)
    texts = "\n".join(client.texts[seen:])
    return texts, session_before


def test_reruns_reach_the_replica_holding_the_session_and_both_replicas_serve(room):
    async def scenario() -> None:
        clients = await students(room.url, 4)
        assert {c.replica for c in clients} == {"1", "2"}, "nginx should spread new browsers over both replicas"
        for client in clients:
            await train(client)
        for client in clients:
            texts, session_before = await rerun_after_reconnect(client)
            assert client.session_id == session_before, "the reconnection reached another replica"
            assert SOLVED_TEXT in texts, "the trained run should still be on the page after reconnecting"
            assert LOST_SESSION_START not in texts
        # Control: the same request with the other replica's cookie finds no such session there.
        mover = clients[0]
        other = "2" if mover.replica == "1" else "1"
        texts, session_before = await rerun_after_reconnect(mover, f"rnnp_replica={other}")
        assert mover.session_id != session_before
        assert SOLVED_TEXT not in texts
        assert LOST_SESSION_START in texts
        await asyncio.gather(*(c.close() for c in clients))

    asyncio.run(scenario())


def test_stopping_a_replica_keeps_the_other_working_and_tells_its_students(room):
    async def scenario() -> None:
        clients = await students(room.url, 2)
        on = {c.replica: c for c in clients}
        assert set(on) == {"1", "2"}
        for client in clients:
            await train(client)
        room.replica_numbered("1").stop()
        await asyncio.gather(on["1"].reader, return_exceptions=True)  # its websocket closes (1012)
        survivor = on["2"]
        await train(survivor)  # the other replica's session keeps working
        texts, session_before = await rerun_after_reconnect(survivor)
        assert survivor.session_id == session_before and SOLVED_TEXT in texts
        moved = on["1"]
        texts, session_before = await rerun_after_reconnect(moved)  # as the browser retries by itself
        assert moved.session_id != session_before, "a stopped replica's student gets a fresh session"
        assert LOST_SESSION_START in texts, "...and is told why their run is gone"
        assert moved.train_button_id is not None, "...on a whole page, not a blank one"
        await train(moved)
        await asyncio.gather(*(c.close() for c in clients))

    asyncio.run(scenario())


def test_the_classroom_command_serves_and_stops_cleanly_on_sigterm():
    port = free_port()
    command = subprocess.Popen(
        [sys.executable, "-m", "deploy.classroom", "--replicas", "2", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = command.stdout.readline()  # printed once nginx and both replicas answer
        assert first_line.startswith(f"Classroom at http://127.0.0.1:{port} : 2 replica(s)"), first_line
        assert healthy(f"http://127.0.0.1:{port}")
        children = [int(pid) for pid in Path(f"/proc/{command.pid}/task/{command.pid}/children").read_text().split()]
        assert len(children) == 3  # two replicas and nginx
        command.send_signal(signal.SIGTERM)
        assert command.wait(timeout=60) == 0
        assert "Classroom stopped." in command.stdout.read()
        assert not any(Path(f"/proc/{pid}").exists() for pid in children)
        assert not healthy(f"http://127.0.0.1:{port}")
    finally:
        if command.poll() is None:
            command.kill()


def test_the_classroom_command_starts_a_dead_replica_again_and_says_so():
    port = free_port()
    command = subprocess.Popen(
        [sys.executable, "-m", "deploy.classroom", "--replicas", "1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = command.stdout.readline()
        assert first_line.startswith(f"Classroom at http://127.0.0.1:{port} : 1 replica(s) on ports "), first_line
        replica_port = int(first_line.split("on ports ")[1].split(".")[0])
        children = Path(f"/proc/{command.pid}/task/{command.pid}/children").read_text().split()
        replica = next(int(pid) for pid in children if "streamlit" in Path(f"/proc/{pid}/cmdline").read_text())
        os.kill(replica, signal.SIGKILL)  # the replica dies mid-class
        stopped, back = command.stdout.readline(), command.stdout.readline()
        assert f"replica 1 on port {replica_port} stopped (exit code -9); starting it again" in stopped
        assert f"replica 1 on port {replica_port} is back" in back
        assert healthy(f"http://127.0.0.1:{replica_port}") and healthy(f"http://127.0.0.1:{port}")

        async def visit() -> bool:  # students reach it through nginx again
            client = await load_page(f"http://127.0.0.1:{port}")
            await client.close()
            return client.train_button_id is not None

        assert asyncio.run(visit())
    finally:
        command.send_signal(signal.SIGTERM)
        command.wait(timeout=60)
