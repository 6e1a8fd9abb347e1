"""The deployment files: gunicorn.conf.py's settings and hook, and the systemd units and nginx config in deploy/,
checked by the tools that run them (gunicorn --check-config, systemd-analyze verify, nginx -t)."""

import gc
import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from config import Config

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
NGINX_CONF = DEPLOY / "nginx" / "kunstvest.conf"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# A 25 MB upload from a phone at 1 Mbit/s.
SLOW_UPLOAD_SECONDS = Config.MAX_CONTENT_LENGTH * 8 / 1_000_000


def load_gunicorn_conf(monkeypatch, **env: str):
    """gunicorn.conf.py as gunicorn reads it, as a module, under `env` (and none of its other variables)."""
    for name in ("WEB_CONCURRENCY", "KUNSTVEST_BIND", "RUNTIME_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def env_example() -> dict[str, str]:
    """The settings in deploy/env.example, as systemd's EnvironmentFile reads them."""
    settings = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            settings[key] = value.removeprefix('"').removesuffix('"')
    return settings


def production_env(tmp_path: Path, **changes: str) -> dict[str, str]:
    """The environment of deploy/env.example with a secret and a throw-away SQLite database filled in."""
    env = {key: value for key, value in os.environ.items() if key not in ("TEST_DATABASE_URL", "KUNSTVEST_CONFIG")}
    env.update(env_example())
    env.update(SECRET_KEY="s" * 48, DATABASE_URL=f"sqlite:///{tmp_path / 'kunstvest.sqlite'}",
               ALLOW_SQLITE_IN_PRODUCTION="1", UPLOAD_DIR=str(tmp_path / "uploads"), BACKUP_DIR=str(tmp_path))
    env.update(changes)
    return env


def test_the_env_file_reads_the_same_in_a_shell_as_for_systemd():
    shell = subprocess.run(["sh", "-c", f"set -a; . {DEPLOY / 'env.example'}; env -0"], env={"PATH": "/usr/bin:/bin"},
                           capture_output=True, text=True, check=True)
    read_by_shell = dict(line.split("=", 1) for line in shell.stdout.split("\0") if "=" in line)
    example = env_example()
    assert {key: read_by_shell.get(key) for key in example} == example
    assert example["MAIL_DEFAULT_SENDER"] == "Vestregionen kultur <kultur@vestregionen.no>"
    assert example["SECRET_KEY"] == "" and example["KUNSTVEST_CONFIG"] == "production"


def test_gunicorn_takes_its_workers_from_the_cores_or_web_concurrency(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert conf.preload_app is True and conf.worker_class == "sync"
    assert load_gunicorn_conf(monkeypatch, WEB_CONCURRENCY="3").workers == 3


def test_gunicorn_binds_locally_and_trusts_only_the_local_proxy(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf.bind == ["127.0.0.1:8000"]
    assert conf.forwarded_allow_ips == "127.0.0.1"
    assert conf.wsgi_app == "kunstvest:create_app()"
    assert load_gunicorn_conf(monkeypatch, KUNSTVEST_BIND="127.0.0.1:8100").bind == ["127.0.0.1:8100"]


def test_gunicorn_timeouts_let_a_slow_upload_finish(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf.timeout > SLOW_UPLOAD_SECONDS
    assert conf.graceful_timeout > SLOW_UPLOAD_SECONDS
    assert 0 < conf.keepalive < 75


def test_gunicorn_logs_each_request_with_its_time(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf.accesslog == "-"
    for atom in ("%(m)s", "%(U)s", "%(s)s"):
        assert atom in conf.access_log_format
    assert "%(M)s" in conf.access_log_format or "%(D)s" in conf.access_log_format


def test_gunicorn_control_socket_only_in_the_units_runtime_directory(monkeypatch, tmp_path):
    assert load_gunicorn_conf(monkeypatch).control_socket_disable is True
    conf = load_gunicorn_conf(monkeypatch, RUNTIME_DIRECTORY=str(tmp_path))
    assert conf.control_socket_disable is False and conf.control_socket == str(tmp_path / "gunicorn.ctl")


def test_the_pre_fork_hook_freezes_what_the_master_loaded(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    gc.unfreeze()
    loaded = ["an object the master made before forking"]
    assert any(tracked is loaded for tracked in gc.get_objects())
    try:
        conf.pre_fork(object(), object())
        assert gc.get_freeze_count() > 0
        assert not any(tracked is loaded for tracked in gc.get_objects())
    finally:
        gc.unfreeze()


def _check_config(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / ".venv" / "bin" / "gunicorn"), "--check-config", "-c", str(GUNICORN_CONF),
                           "kunstvest:create_app()"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_gunicorn_check_config_loads_the_app_in_production_config(tmp_path):
    checked = _check_config(production_env(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # It really builds the app: the example's empty SECRET_KEY is refused.
    refused = _check_config(production_env(tmp_path, SECRET_KEY=""))
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stdout + refused.stderr


def _verify_units(folder: Path) -> list[str]:
    """What `systemd-analyze verify` says about the units in `folder`, line by line."""
    units = sorted(path.name for path in folder.iterdir())
    verified = subprocess.run([SYSTEMD_ANALYZE, "verify", "--man=no", *units], cwd=folder, capture_output=True,
                              text=True, timeout=60)
    lines = (verified.stdout + verified.stderr).splitlines()
    # Only lines about our units count: a container without a running systemd may add notes of its own.
    return [line for line in lines if any(unit in line for unit in units)] + (
        [f"exit status {verified.returncode}"] if verified.returncode else [])


def _copy_units(folder: Path) -> None:
    """The units with ExecStart pointing at this checkout's virtualenv, which verify checks for executables."""
    folder.mkdir()
    for unit in UNITS:
        (folder / unit.name).write_text(unit.read_text().replace("/opt/kunstvest/.venv/bin/",
                                                                 f"{ROOT}/.venv/bin/"))


@pytest.mark.skipif(not Path(SYSTEMD_ANALYZE).exists(), reason="systemd-analyze is not installed")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    _copy_units(tmp_path / "units")
    assert _verify_units(tmp_path / "units") == []
    # The check can fail: a misspelt setting is reported.
    broken = tmp_path / "units" / "kunstvest-web.service"
    broken.write_text(broken.read_text().replace("ProtectSystem=strict", "ProtectSystem=strict\nProtectSistem=yes"))
    assert any("ProtectSistem" in line for line in _verify_units(tmp_path / "units"))


def _settings(unit: Path) -> list[tuple[str, str]]:
    return [tuple(line.split("=", 1)) for line in unit.read_text().splitlines()
            if "=" in line and not line.startswith("#")]


def test_every_service_runs_hardened_as_its_own_user_with_the_env_file():
    services = [unit for unit in UNITS if unit.suffix == ".service"]
    assert {unit.name for unit in services} == {"kunstvest-web.service", "kunstvest-outbox.service",
                                                "kunstvest-daily.service"}
    for unit in services:
        settings = _settings(unit)
        for setting in (("User", "kunstvest"), ("EnvironmentFile", "/etc/kunstvest/env"), ("NoNewPrivileges", "yes"),
                        ("ProtectSystem", "strict"), ("PrivateTmp", "yes")):
            assert setting in settings, (unit.name, setting)


def test_the_units_run_the_app_the_worker_and_every_daily_job(monkeypatch):
    web, outbox, daily = (dict(_settings(DEPLOY / "systemd" / f"kunstvest-{name}.service"))
                          for name in ("web", "outbox", "daily"))
    assert web["ExecStart"].endswith("gunicorn -c /opt/kunstvest/gunicorn.conf.py")
    assert int(web["TimeoutStopSec"]) > load_gunicorn_conf(monkeypatch).graceful_timeout
    assert web["ReadWritePaths"] == "/var/lib/kunstvest/uploads"
    assert outbox["ExecStart"].endswith("flask --app kunstvest outbox send --watch")
    jobs = [value.split("flask --app kunstvest ", 1)[1]
            for key, value in _settings(DEPLOY / "systemd" / "kunstvest-daily.service") if key == "ExecStart"]
    assert [job.split(" --")[0] for job in jobs] == ["backup", "orchestra expire-offers",
                                                      "applications remind-drafts", "orchestra anonymise"]
    assert daily["Type"] == "oneshot" and daily["ReadWritePaths"] == "/var/backups/kunstvest"
    timer = dict(_settings(DEPLOY / "systemd" / "kunstvest-daily.timer"))
    assert timer["Unit"] == "kunstvest-daily.service" and timer["Persistent"] == "true"


def _nginx_test(folder: Path, site: str) -> subprocess.CompletedProcess:
    """`nginx -t` of a main config in `folder` that includes `site`, with every path nginx writes inside `folder`."""
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(f"""pid {folder}/nginx.pid;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    include {folder}/site.conf;
}}
""")
    return subprocess.run([NGINX, "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c",
                           str(folder / "nginx.conf")], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (`make test` installs it with apt)")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for a test certificate")
def test_the_nginx_config_passes_nginx_t(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=kunstvest.example.no", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True, timeout=60)
    site = (NGINX_CONF.read_text()
            .replace("/etc/letsencrypt/live/kunstvest.example.no/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/letsencrypt/live/kunstvest.example.no/privkey.pem", str(tmp_path / "key.pem")))
    tested = _nginx_test(tmp_path, site)
    assert tested.returncode == 0, tested.stderr
    # The check can fail: a misspelt directive is refused.
    broken = _nginx_test(tmp_path, site.replace("client_max_body_size", "client_max_body_sise"))
    assert broken.returncode != 0 and "client_max_body_sise" in broken.stderr


def _directive(name: str) -> list[str]:
    return re.findall(rf"^[ \t]*{name}[ \t]+([^;{{\n]+);", NGINX_CONF.read_text(), flags=re.M)


def test_nginx_matches_the_app_and_gunicorn(monkeypatch):
    assert _directive("client_max_body_size") == [f"{Config.MAX_CONTENT_LENGTH // (1024 * 1024)}m"]
    assert _directive("proxy_read_timeout") == [f"{load_gunicorn_conf(monkeypatch).timeout}s"]
    # ProxyFix with PROXY_FIX_HOPS=1 reads X-Forwarded-For, -Proto and -Host (x_for, x_proto, x_host).
    headers = dict(value.split(None, 1) for value in _directive("proxy_set_header"))
    assert headers["X-Forwarded-For"] == "$remote_addr"
    assert headers["X-Forwarded-Proto"] == "$scheme" and headers["X-Forwarded-Host"] == "$host"
    assert _directive("proxy_pass") == ["http://kunstvest_app"]
    assert _directive("server") == load_gunicorn_conf(monkeypatch).bind
    assert "PROXY_FIX_HOPS=1" in (DEPLOY / "env.example").read_text().splitlines()
    assert _directive("alias") == ["/opt/kunstvest/static/"] and (ROOT / "static").is_dir()
    assert _directive("expires") == ["7d"]
