"""Reusable benchmark pieces: database setup, a gunicorn server, a logged-in session and a stdlib load generator."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import runpy
import secrets
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
USER_AGENT = "kunstvest-bench/1"
DEMO_ADMIN_EMAIL = "sekretariat@example.org"
DEMO_PASSWORD = "kunstvest-demo"
APP_SPEC = "kunstvest:create_app()"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"


class BenchError(RuntimeError):
    """The benchmark cannot go on; the message says why."""


def load_arguments(description: str, *, clients: int = 8) -> argparse.ArgumentParser:
    """A parser with the options every load benchmark has: --seconds per endpoint and --clients."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per endpoint (default 10)")
    parser.add_argument("--clients", type=int, default=clients, help=f"concurrent clients (default {clients})")
    return parser


def configured_workers() -> int:
    """The worker count gunicorn.conf.py gives on this machine (2 × cores + 1, or WEB_CONCURRENCY)."""
    return runpy.run_path(str(GUNICORN_CONF))["workers"]


def target(name: str, value: float | None, goal: float | None, unit: str) -> dict:
    """One line of a results file's `targets` list, which bench/run.py reads; a ratio must reach `goal`, any
    other unit (ms, MB) stay at or below it. Without a goal the figure is shown but never fails the run."""
    if goal is None:
        return {"name": name, "value": value, "target": None, "unit": unit, "met": None}
    met = value is not None and (value >= goal if unit == "ratio" else value <= goal)
    return {"name": name, "value": value, "target": goal, "unit": unit, "met": met}


def database_url_from_env() -> str:
    """TEST_DATABASE_URL as exported by scripts/with-test-postgres; PostgreSQL only."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise BenchError("TEST_DATABASE_URL is not a PostgreSQL URL; run under scripts/with-test-postgres.")
    return url


def flask_command(database_url: str, *args: str) -> str:
    """Run `flask --app kunstvest ARGS` in development config against `database_url`; returns its output."""
    env = {**os.environ, "DATABASE_URL": database_url, "KUNSTVEST_CONFIG": "development"}
    completed = subprocess.run([str(BIN / "flask"), "--app", "kunstvest", *args], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    if completed.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} failed ({completed.returncode}):\n"
                         f"{completed.stdout}{completed.stderr}")
    return completed.stdout


def migrate_and_load_demo(database_url: str) -> None:
    """Bring the schema to the newest revision and load the demo season."""
    flask_command(database_url, "db", "upgrade")
    flask_command(database_url, "demo", "load")


def development_app(database_url: str) -> Flask:
    """The app in development config on `database_url`, for seeding from this process."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["KUNSTVEST_CONFIG"] = "development"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from kunstvest import create_app

    return create_app("development")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def random_secret(length: int = 48) -> str:
    """A random alphanumeric secret of `length` characters."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass
class Server:
    """A gunicorn process started by start_gunicorn()."""

    process: subprocess.Popen
    port: int
    log_path: Path
    app_spec: str
    host: str = HOST
    access_log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of gunicorn's output."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no gunicorn log)"


def start_gunicorn(database_url: str, *, workers: int | None = 2,
                   extra_env: dict[str, str] | None = None) -> Server:
    """Start gunicorn with the repository's gunicorn.conf.py on a free local port, production config, on `database_url`.

    `workers` overrides the configuration's worker count; None keeps it (from the cores, or WEB_CONCURRENCY).
    The error log goes to `log_path`, the access log (with each request's time) to `access_log_path`.
    """
    port = free_port()
    secret = random_secret(48)
    env = {**os.environ, "DATABASE_URL": database_url, "KUNSTVEST_CONFIG": "production", **(extra_env or {})}
    env.pop("ALLOW_SQLITE_IN_PRODUCTION", None)
    app_spec = APP_SPEC
    env["SECRET_KEY"] = secret
    env.setdefault("PUBLIC_URL", f"http://{HOST}:{port}")
    log_file = tempfile.NamedTemporaryFile(prefix="kunstvest-gunicorn-", suffix=".log", delete=False)
    access_file = tempfile.NamedTemporaryFile(prefix="kunstvest-gunicorn-", suffix=".access.log", delete=False)
    command = [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "-b", f"{HOST}:{port}", "--no-control-socket",
               *(["-w", str(workers)] if workers is not None else []), app_spec]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=access_file, stderr=log_file,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    log_file.close()
    access_file.close()
    return Server(process=process, port=port, log_path=Path(log_file.name), app_spec=app_spec,
                  access_log_path=Path(access_file.name))


def stop_gunicorn(server: Server, timeout: float = 10.0) -> None:
    """Stop gunicorn gracefully, killing its process group if it does not exit within `timeout`."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=timeout)
    server.log_path.unlink(missing_ok=True)
    if server.access_log_path is not None:
        server.access_log_path.unlink(missing_ok=True)


def wait_for_health(server: Server, path: str = "/healthz", timeout: float = 20.0) -> None:
    """Poll `path` until it answers 200; raise BenchError if it does not within `timeout` or gunicorn exits."""
    deadline = time.monotonic() + timeout
    last_problem = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.process.returncode} before {path} answered")
        try:
            status, _, _ = request(server, "GET", path, timeout=2.0)
            if status == 200:
                return
            last_problem = f"status {status}"
        except OSError as error:
            last_problem = repr(error)
        time.sleep(0.1)
    raise BenchError(f"{path} did not answer 200 within {timeout:.0f} s ({last_problem})")


@contextmanager
def running_gunicorn(database_url: str, *, workers: int | None = 2,
                     extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """A healthy gunicorn for the `with` block; prints its log tail if the block fails, and always stops it."""
    server = start_gunicorn(database_url, workers=workers, extra_env=extra_env)
    try:
        wait_for_health(server)
        yield server
    except BaseException:
        print(f"gunicorn log (tail):\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        stop_gunicorn(server)


def request(server: Server, method: str, path: str, *, body: bytes | None = None,
            headers: dict[str, str] | None = None,
            timeout: float = 10.0) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request on a fresh connection: status, headers and body."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


class HiddenInputs(HTMLParser):
    """Collects the name and value of every hidden <input> in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


def hidden_inputs(html: bytes) -> dict[str, str]:
    """The hidden form fields of an HTML page, by name."""
    parser = HiddenInputs()
    parser.feed(html.decode("utf-8", errors="replace"))
    return parser.values


def merge_cookies(jar: dict[str, str], headers: list[tuple[str, str]]) -> None:
    """Update `jar` from Set-Cookie headers, ignoring Secure so cookies work over plain http."""
    for name, value in headers:
        if name.lower() == "set-cookie":
            for morsel in SimpleCookie(value).values():
                jar[morsel.key] = morsel.value


def cookie_header(jar: dict[str, str]) -> str:
    """A Cookie header value for every cookie in `jar`."""
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def login_session(server: Server, email: str = DEMO_ADMIN_EMAIL, password: str = DEMO_PASSWORD) -> str:
    """Log in through the form with its CSRF token; returns the Cookie header value of the logged-in session."""
    jar: dict[str, str] = {}
    status, headers, body = request(server, "GET", "/auth/login")
    if status != 200:
        raise BenchError(f"GET /auth/login answered {status}")
    merge_cookies(jar, headers)
    token = hidden_inputs(body).get("csrf_token")
    if not token:
        raise BenchError("GET /auth/login has no csrf_token input")
    form = urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    status, headers, body = request(server, "POST", "/auth/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)})
    merge_cookies(jar, headers)
    if status != 302 or "session" not in jar:
        shown = re.findall(r'class="error[^"]*"[^>]*>(.*?)<', body.decode(errors="replace"), flags=re.S)
        raise BenchError(f"POST /auth/login as {email} answered {status}, not a redirect with a session cookie: "
                         f"{' '.join(text.strip() for text in shown) or 'no error shown'}")
    return cookie_header(jar)


@dataclass
class LoadResult:
    """What one run_load() measured; latencies are of answered requests, errors include failed connections."""

    name: str
    path: str
    clients: int
    elapsed: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    response_bytes: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.statuses.get("exception", 0)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)

    @property
    def mean_bytes(self) -> float:
        return self.response_bytes / len(self.latencies_ms) if self.latencies_ms else 0.0

    def as_dict(self) -> dict:
        """The figures as plain JSON-ready values."""
        return {"path": self.path, "clients": self.clients, "seconds": round(self.elapsed, 3),
                "requests": self.requests, "errors": self.errors,
                "requests_per_second": round(self.requests_per_second, 1),
                "p50_ms": round(self.p50_ms, 2), "p95_ms": round(self.p95_ms, 2),
                "mean_response_bytes": round(self.mean_bytes),
                "statuses": {str(status): count for status, count in sorted(self.statuses.items(), key=str)}}


@dataclass
class ClientTally:
    """One client thread's own counts, merged after the run so the threads share no lock."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    response_bytes: int = 0


def _client_loop(server: Server, path: str, headers: dict[str, str], deadline: float, tally: ClientTally,
                 timeout: float) -> None:
    """Send GET `path` back to back on one keep-alive connection until `deadline` (reconnecting when closed)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                tally.errors += 1
                tally.statuses["exception"] += 1
                connection.close()
                time.sleep(0.01)
                continue
            tally.latencies_ms.append((time.perf_counter() - began) * 1000)
            tally.statuses[response.status] += 1
            tally.response_bytes += len(body)
            if response.status != 200:
                tally.errors += 1
    finally:
        connection.close()


def run_load(server: Server, path: str, *, seconds: float, clients: int, headers: dict[str, str] | None = None,
             name: str | None = None, timeout: float = 30.0) -> LoadResult:
    """GET `path` from `clients` threads for `seconds`; every non-200 answer or failed request is an error."""
    request_headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/json", **(headers or {})}
    tallies = [ClientTally() for _ in range(clients)]
    began = time.perf_counter()
    deadline = began + seconds
    threads = [threading.Thread(target=_client_loop, daemon=True,
                                args=(server, path, request_headers, deadline, tally, timeout))
               for tally in tallies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 5)
    elapsed = time.perf_counter() - began
    result = LoadResult(name=name or path, path=path, clients=clients, elapsed=elapsed)
    for tally in tallies:
        result.latencies_ms.extend(tally.latencies_ms)
        result.errors += tally.errors
        result.statuses.update(tally.statuses)
        result.response_bytes += tally.response_bytes
    return result


def percentile(values: list[float], percent: float) -> float:
    """The `percent` percentile of `values` by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    lower = int(rank)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (rank - lower)


def ratios(result: LoadResult, baseline: LoadResult) -> dict[str, float | None]:
    """p50, p95 and throughput of `result` divided by those of `baseline` (None where the baseline is zero)."""
    def divided(numerator: float, denominator: float) -> float | None:
        return float(f"{numerator / denominator:.3g}") if denominator else None

    return {"p50": divided(result.p50_ms, baseline.p50_ms), "p95": divided(result.p95_ms, baseline.p95_ms),
            "throughput": divided(result.requests_per_second, baseline.requests_per_second)}


def format_ratio(value: float | None) -> str:
    """A ratio as «x1.23», or «n/a»."""
    return "n/a" if value is None else f"x{value:#.3g}"


def print_table(results: list[LoadResult]) -> None:
    """Print one row per load result: requests, errors, req/s, p50, p95 and mean response size."""
    header = ("endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "bytes/resp")
    rows = [(result.name, str(result.requests), str(result.errors), f"{result.requests_per_second:.1f}",
             f"{result.p50_ms:.1f}", f"{result.p95_ms:.1f}", f"{result.mean_bytes:.0f}")
            for result in results]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) if column == 0 else cell.rjust(width)
                         for column, (cell, width) in enumerate(zip(cells, widths)))

    print(line(header))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print(line(row))


def write_results(name: str, figures: dict) -> Path:
    """Write `figures` as JSON to bench/results/NAME.json; returns the path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    return path
