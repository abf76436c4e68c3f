"""The files of deploy/ as an IT department installs them (docs/deploy.md): quick checks before the end-to-end run
of scripts/deploy-smoke, which starts them all."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.caei import REPO

DEPLOY = REPO / "deploy"
PARAMETERS = ["--server-name", "caei.example.org", "--cert", "/etc/ssl/caei/fullchain.pem"]
PARAMETERS += ["--key", "/etc/ssl/caei/privkey.pem"]

pytestmark = pytest.mark.unit


def render(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(DEPLOY / "render-nginx"), *args], capture_output=True, text=True, timeout=30, check=False
    )


def test_the_nginx_site_is_rendered_with_every_parameter_filled():
    done = render(*PARAMETERS, "--https-port", "8443", "--rate", "50")
    assert done.returncode == 0, done.stderr
    site = done.stdout
    assert "@" not in site.replace("(@…@)", "")
    assert "ssl_certificate     /etc/ssl/caei/fullchain.pem;" in site
    assert "return 301 https://$host:8443$request_uri;" in site and "rate=50r/s" in site
    # The app's security headers are the app's: nginx adds only HSTS (and cache headers on bundles).
    added = {line.split()[1] for line in site.splitlines() if line.strip().startswith("add_header")}
    assert added == {"Strict-Transport-Security", "Cache-Control", "X-Cache-Status"}


def test_render_nginx_names_what_is_missing_or_unsafe():
    missing = render("--server-name", "caei.example.org")
    assert missing.returncode == 2 and "--cert and --key are required" in missing.stderr
    unsafe = render(*PARAMETERS, "--htpasswd", "/etc/x; return 200")
    assert unsafe.returncode == 2 and "HTPASSWD may not hold spaces" in unsafe.stderr


@pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="nginx is not installed (scripts/deploy-smoke does)")
def test_nginx_accepts_the_rendered_site(tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t"]
        + ["-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        capture_output=True,
        check=True,
    )
    site = render(
        "--server-name",
        "localhost",
        "--cert",
        str(tmp_path / "fullchain.pem"),
        "--key",
        str(tmp_path / "privkey.pem"),
        "--htpasswd",
        str(tmp_path / "htpasswd"),
        "--cache-dir",
        str(tmp_path / "cache"),
    ).stdout
    (tmp_path / "caei.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include {tmp_path}/caei.conf;\n}}\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


def test_the_dagster_instance_is_postgresql_with_one_queued_run_at_a_time(monkeypatch, tmp_path):
    # Dagster checks the postgres section against its own schema (the settings dagster-postgres takes).
    from dagster._core.instance.config import dagster_instance_config

    for name, value in {"CAEI_PG_HOST": "127.0.0.1", "CAEI_PG_PORT": "5432", "CAEI_PG_DB": "caei"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CAEI_PG_USER", "caei")
    monkeypatch.setenv("CAEI_PG_PASSWORD", "secret")
    shutil.copy(DEPLOY / "dagster.yaml", tmp_path / "dagster.yaml")
    config, _instance_class = dagster_instance_config(str(tmp_path))  # raises on a setting Dagster does not take
    database = config["storage"]["postgres"]["postgres_db"]
    assert database["scheme"] == "postgresql+psycopg2"  # SQLAlchemy 2.1 would otherwise look for psycopg 3
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_coordinator"]["config"]["max_concurrent_runs"] == 1
    assert config["run_monitoring"]["enabled"] is True


def test_each_unit_starts_a_program_the_environment_installs():
    venv_bin = Path(sys.executable).parent
    programs = {}
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        (exec_start,) = [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
        program = exec_start.removeprefix("ExecStart=").split()[0]
        assert program.startswith("/opt/caei/.venv/bin/"), unit.name
        programs[unit.name] = program.rsplit("/", 1)[1]
    assert set(programs) == {
        "caei-code-server.service",
        "caei-daemon.service",
        "caei-webserver.service",
        "caei-dashboard.service",
    }
    missing = {unit: name for unit, name in programs.items() if not (venv_bin / name).exists()}
    assert not missing, f"not installed in {venv_bin} (bash scripts/setup): {missing}"
