"""The classroom's nginx site: rendered consistently for the launcher and for compose.yaml.

compose.yaml cannot be run on the team's machines, so the site it mounts is checked here: it
is the template rendered for compose's replica addresses, compose.yaml names those addresses,
and nginx itself accepts the rendered site (when nginx is installed).
"""

from __future__ import annotations

import re
import subprocess

import pytest

from deploy.classroom import find_nginx
from deploy.nginx import COMPOSE_REPLICAS, COMPOSE_SITE, Health, compose_replicas, main_config, render_site
from tests.test_dockerfile import ROOT


def test_compose_mounts_the_template_rendered_for_its_replicas():
    from deploy.nginx import render_compose_site

    assert COMPOSE_SITE.read_text(encoding="utf-8") == render_compose_site(), (
        "deploy/nginx-compose.conf is stale: render it again (see compose.yaml)"
    )
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")  # (no YAML parser among the requirements)
    assert len(re.findall(r"^  replica\d+:$", compose, re.M)) == COMPOSE_REPLICAS
    addresses = {f"{ip}:8501" for ip in re.findall(r"ipv4_address: (\S+)", compose)}
    assert addresses == set(compose_replicas())
    assert f"- ./deploy/{COMPOSE_SITE.name}:/etc/nginx/conf.d/default.conf:ro" in compose


def test_every_replica_has_its_cookie_value_and_the_others_as_backups():
    site = render_site(["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"], "127.0.0.1:8080", Health(2, "5s"))
    assert not re.search(r"@[A-Z_]+@", site)  # every placeholder filled
    for n, address in enumerate(["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"], 1):
        upstream = site.split(f"upstream rnnp_{n} {{", 1)[1].split("}", 1)[0]
        assert f"server {address} max_fails=2 fail_timeout=5s;" in upstream
        assert upstream.count(" backup;") == 2
        assert f"    {n} rnnp_{n};" in site


def test_a_classroom_needs_a_replica():
    with pytest.raises(ValueError):
        render_site([], "80")


@pytest.mark.skipif(find_nginx() is None, reason="nginx is not installed (apt-get install nginx; .ci/run does)")
def test_nginx_accepts_the_rendered_sites(tmp_path):
    for name, site_text in [
        ("compose.conf", COMPOSE_SITE.read_text(encoding="utf-8")),
        ("local.conf", render_site(["127.0.0.1:9001", "127.0.0.1:9002"], "127.0.0.1:8080")),
    ]:
        site = tmp_path / name
        site.write_text(site_text)
        conf = tmp_path / "nginx.conf"
        conf.write_text(main_config(tmp_path, site))
        check = subprocess.run(
            [find_nginx(), "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


def test_the_access_log_keeps_no_query_string_and_no_referer():
    """A class's teacher link carries its token in the query string (and the page's requests in their Referer)."""
    for site in [COMPOSE_SITE.read_text(encoding="utf-8"), render_site(["127.0.0.1:9001"], "127.0.0.1:8080")]:
        (log_format,) = re.findall(r"^log_format rnnp_paths (.*?);$", site, re.M | re.S)
        assert "$uri" in log_format
        for leak in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$arg_", "$http_referer"):
            assert leak not in log_format
        assert re.search(r"^    access_log \S+ rnnp_paths;$", site, re.M)
