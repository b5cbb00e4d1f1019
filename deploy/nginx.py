"""The nginx configuration of a classroom: one site template, rendered for each way it is run.

The site (`nginx-site.conf.template`) is the part a host's own nginx can include as it is;
`main_config` wraps it in the few top-level lines a private, non-daemon nginx needs when
`deploy.classroom` runs one in a temporary folder (its pid file, logs and buffers kept there,
so it needs no root-owned paths and leaves nothing behind).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
SITE_TEMPLATE = DEPLOY / "nginx-site.conf.template"
COMPOSE_SITE = DEPLOY / "nginx-compose.conf"  # what compose.yaml mounts: `render_compose_site()`
COMPOSE_REPLICAS = 2  # keep in step with the replica services in compose.yaml
COMPOSE_SUBNET_PREFIX = "172.28.5"  # compose.yaml's network; replica n is .1n


@dataclass(frozen=True)
class Health:
    """Passive health checking: how many failed tries mark a replica down, and for how long."""

    max_fails: int = 1
    fail_timeout: str = "10s"


def _server(address: str, health: Health, backup: bool = False) -> str:
    if backup:
        return f"    server {address} backup;"
    return f"    server {address} max_fails={health.max_fails} fail_timeout={health.fail_timeout};"


def render_site(replicas: list[str], listen: str, health: Health | None = None, access_log: str = "access.log") -> str:
    """The site for `replicas` ("ip:port" each; nginx names the one that answered by its address),
    listening on `listen` ("127.0.0.1:8080", "80"), logging requests to `access_log` (a relative
    path is in nginx's prefix folder, as `main_config` keeps its logs). Replica n (from 1) sets cookie value n."""
    if not replicas:
        raise ValueError("a classroom needs at least one replica")
    health = health or Health()
    numbered = list(enumerate(replicas, 1))
    upstreams = "\n\n".join(
        f"upstream rnnp_{n} {{\n"
        + "\n".join(
            [_server(address, health)] + [_server(other, health, backup=True) for other in replicas if other != address]
        )
        + "\n}"
        for n, address in numbered
    )
    return (
        SITE_TEMPLATE.read_text(encoding="utf-8")
        .replace("@SERVERS@", "\n".join(_server(address, health) for address in replicas))
        .replace("@REPLICA_UPSTREAMS@", upstreams)
        .replace("@COOKIE_TO_UPSTREAM@", "\n".join(f"    {n} rnnp_{n};" for n, _ in numbered))
        .replace(
            "@ADDRESS_TO_NUMBER@",
            "\n".join(f'    "~(^|, ){re.escape(address)}$" {n};' for n, address in numbered),
        )
        .replace("@LISTEN@", listen)
        .replace("@ACCESS_LOG@", access_log)
        .replace("@MAX_FAILS@", str(health.max_fails))
        .replace("@FAIL_TIMEOUT@", health.fail_timeout)
    )


def compose_replicas() -> list[str]:
    """The replicas' fixed addresses in compose.yaml's network (nginx tells replicas apart by address)."""
    return [f"{COMPOSE_SUBNET_PREFIX}.{10 + n}:8501" for n in range(1, COMPOSE_REPLICAS + 1)]


def render_compose_site() -> str:
    """The site compose.yaml mounts: its replica services on Streamlit's port, nginx on port 80."""
    return render_site(compose_replicas(), "80", access_log="/dev/stdout")  # the nginx image's log goes there


def main_config(prefix: Path, site: Path) -> str:
    """A whole nginx.conf for a private nginx run with ``-p prefix -g 'daemon off;'``."""
    return f"""# Written by deploy.classroom for one run; the site itself is {site.name}.
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;

events {{
    worker_connections 4096;
}}

http {{
    access_log {prefix / "access.log"};
    client_body_temp_path {prefix / "client_body"};
    proxy_temp_path {prefix / "proxy"};
    fastcgi_temp_path {prefix / "fastcgi"};
    uwsgi_temp_path {prefix / "uwsgi"};
    scgi_temp_path {prefix / "scgi"};
    include {site};
}}
"""
