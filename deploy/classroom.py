"""A classroom on one machine: N Streamlit replicas behind nginx, started and stopped together.

One Streamlit process runs one session's script at a time (`ui.core.script_turns`), so it keeps about one
core busy; a machine with more cores serves more students with one replica per core. Each
replica is `streamlit run app.py` on its own loopback port; nginx (Debian's `nginx` package)
listens on the classroom's port and sticks each browser to one replica by a cookie (see
`deploy/nginx-site.conf.template`). nginx runs in the foreground as this command's child,
with its configuration, pid file and logs in a temporary folder, so nothing is installed or
left behind. Ctrl-C (or SIGTERM) stops nginx, then every replica.

    python -m deploy.classroom --replicas 2 --port 8080

The replicas share one cookie secret, so a browser moved to another replica (its own replica
stopped) keeps a valid XSRF cookie for uploads. Each replica's memory budget is its share of the
host's (`RNN_PLAYGROUND_MAX_SERVER_MEGABYTES`, unless the host set it: `playground.run.limits`).
While it runs, the command watches its replicas: one that died is reported on the command's output
and started again on its port (`Classroom.revive`), so its students' browsers reconnect to it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from deploy.nginx import Health, main_config, render_site
from playground.run.limits import server_megabytes

ROOT = Path(__file__).resolve().parent.parent
NGINX_CANDIDATES = ("/usr/sbin/nginx", "nginx")
START_TIMEOUT = 90.0


class ClassroomError(RuntimeError):
    """The classroom could not start: said in one line, for the command line."""


def find_nginx() -> str | None:
    """The nginx binary, or None when it is not installed."""
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    """Whether `url`/_stcore/health answers 200 now."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Replica:
    """One `streamlit run app.py` on a loopback port."""

    port: int
    process: subprocess.Popen

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class Classroom:
    """Running replicas and the nginx in front of them."""

    url: str  # what students open
    replicas: list[Replica]
    nginx: subprocess.Popen
    folder: Path  # nginx's configuration and logs, and each replica's log
    env: dict[str, str]  # the replicas' environment, to start one again

    def replica_numbered(self, number: str) -> Replica:
        """The replica nginx names in its X-Rnnp-Replica header (and cookie): "1" is the first."""
        return self.replicas[int(number) - 1]

    def revive(self, say: Callable[[str], None] = print) -> int:
        """Start again, on its port, every replica whose process has ended, saying so in a line each;
        returns how many. nginx meanwhile sends their browsers to the others (docs/classroom.md)."""
        revived = 0
        for number, replica in enumerate(self.replicas, 1):
            code = replica.process.poll()
            if code is None:
                continue
            log = self.folder / f"replica-{replica.port}.log"
            say(f"replica {number} on port {replica.port} stopped (exit code {code}); starting it again")
            self.replicas[number - 1] = start_replica(replica.port, self.folder, self.env)
            wait_until_healthy(self.replicas[number - 1].url, self.replicas[number - 1].process, "replica", log)
            say(f"replica {number} on port {replica.port} is back")
            revived += 1
        return revived


def streamlit_command(port: int, script: Path = ROOT / "app.py") -> list[str]:
    """`streamlit run` of the app on a loopback port, headless, no file watcher, no usage stats:
    how a replica runs, and how the tests and benchmarks start their server (`devtools.browser`)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def start_replica(port: int, folder: Path, env: dict[str, str]) -> Replica:
    command = streamlit_command(port)
    log = open(folder / f"replica-{port}.log", "a")  # a replica started again keeps its earlier lines
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    log.close()  # the child holds its own copy
    return Replica(port, process)


def wait_until_healthy(url: str, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not healthy(url):
        if process.poll() is not None:
            raise ClassroomError(f"{what} exited early; see {log}")
        if time.monotonic() > deadline:
            raise ClassroomError(f"{what} did not answer {url}/_stcore/health in {START_TIMEOUT:.0f} s; see {log}")
        time.sleep(0.2)


@contextlib.contextmanager
def classroom(
    replicas: int,
    port: int | None = None,
    env: dict[str, str] | None = None,
    health: Health | None = None,
    folder: Path | None = None,
) -> Iterator[Classroom]:
    """Start `replicas` Streamlit processes and nginx on 127.0.0.1:`port` (a free port if None);
    stop them all on leaving, whatever happened."""
    if replicas < 1:
        raise ClassroomError("--replicas must be at least 1")
    nginx = find_nginx()
    if nginx is None:
        raise ClassroomError("nginx is not installed: apt-get install -y nginx")
    port = port or free_port()
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rnnp-classroom-")))
        folder.chmod(0o755)  # nginx's workers (user nobody when started as root) read and write here
        replica_env = {
            "RNN_PLAYGROUND_MAX_SERVER_MEGABYTES": str(server_megabytes(replicas)),  # a share of the host each
            **os.environ,
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
            **(env or {}),
        }
        started: list[Replica] = []
        stack.callback(lambda: [replica.stop() for replica in started])
        for _ in range(replicas):
            started.append(start_replica(free_port(), folder, replica_env))
        for replica in started:
            log = folder / f"replica-{replica.port}.log"
            wait_until_healthy(replica.url, replica.process, f"replica on port {replica.port}", log)
        site = folder / "site.conf"
        site.write_text(render_site([r.address for r in started], f"127.0.0.1:{port}", health or Health()))
        conf = folder / "nginx.conf"
        conf.write_text(main_config(folder, site))
        check = subprocess.run([nginx, "-t", "-q", "-p", str(folder), "-c", str(conf)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ClassroomError(f"nginx rejected the configuration: {check.stderr.strip()}")
        proxy = subprocess.Popen([nginx, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"])
        stack.callback(_stop, proxy)
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, proxy, "nginx", folder / "error.log")
        yield Classroom(url, started, proxy, folder, replica_env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1, help="Streamlit processes (one per core)")
    parser.add_argument("--port", type=int, default=8080, help="the port students open (on 127.0.0.1)")
    args = parser.parse_args()
    stop = {"now": False}

    def request_stop(signum: int, frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        with classroom(args.replicas, args.port) as room:
            ports = ", ".join(str(r.port) for r in room.replicas)
            print(
                f"Classroom at {room.url} : {len(room.replicas)} replica(s) on ports {ports}. Ctrl-C stops it.",
                flush=True,
            )
            while True:
                time.sleep(0.5)
                if stop["now"]:  # Ctrl-C reaches the replicas too: none is started again then
                    break
                if room.nginx.poll() is not None:
                    raise ClassroomError(f"nginx stopped; see {room.folder / 'error.log'}")
                room.revive(lambda line: print(f"{time.strftime('%H:%M:%S')} {line}", flush=True))
    except ClassroomError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    print("Classroom stopped.")


if __name__ == "__main__":
    main()
