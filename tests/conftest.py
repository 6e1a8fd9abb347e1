"""Shared fixtures: app, db, client, runner, login(role=…), count_queries and a real SMTP sink.

The suite runs on the database in TEST_DATABASE_URL (PostgreSQL in `make test-postgres`), else on a SQLite file.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_babel import force_locale

from kunstvest import create_app
from kunstvest.auth.models import Role
from kunstvest.extensions import db as _db
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


SQLITE_DIR = Path(tempfile.gettempdir()) / f"kunstvest-test-{os.getpid()}"


def _database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{SQLITE_DIR}/test.sqlite"


def pytest_report_header(config):
    return f"kunstvest database: {sa.make_url(_database_url()).get_backend_name()}"


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Without it, requests would share the test's app context: its `g` (Flask-Login's cached user, the
    Babel locale) and its database session would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app():
    """The application in testing mode on a fresh schema."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_database_url(), SERVER_NAME="kunstvest.test",
                     UPLOAD_DIR=str(SQLITE_DIR / "uploads"))
    app.test_client_class = IsolatedClient
    SQLITE_DIR.mkdir(exist_ok=True)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()
    shutil.rmtree(SQLITE_DIR, ignore_errors=True)


_SEQUENCES: list[str] = []


def _empty_all_tables() -> None:
    """Delete every row, children first; on PostgreSQL restart the id sequences too, as a new database would.

    DELETE and setval take a third of the time of TRUNCATE … RESTART IDENTITY on the few rows a test leaves, which
    is half a minute over the PostgreSQL run.
    """
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    if _db.engine.dialect.name == "postgresql":
        if not _SEQUENCES:
            _SEQUENCES.extend(_db.session.scalars(sa.text(
                "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) "
                "FROM information_schema.sequences WHERE sequence_schema = current_schema()")))
        if _SEQUENCES:
            _db.session.execute(sa.text("SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in _SEQUENCES)))
    _db.session.commit()


@pytest.fixture(autouse=True)
def db(app):
    """The database session inside an app context; every table and the upload folder are emptied after the test."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _empty_all_tables()
        _db.session.remove()
    shutil.rmtree(app.config["UPLOAD_DIR"], ignore_errors=True)


@pytest.fixture
def empty_database_url(app, tmp_path):
    """The address of a brand-new empty database beside the test database: a SQLite file, or a PostgreSQL database
    on the same server, dropped afterwards."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"kunstvest_empty_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def client(app):
    """A test client (CSRF is off in TestingConfig; a few tests turn it on)."""
    return app.test_client()


@pytest.fixture
def english(client, db):
    """The client's pages and the services' messages in English, so that a test reads the source texts
    (the translations are checked in tests/test_i18n.py). A module asks for it with
    `pytestmark = pytest.mark.usefixtures("english")`."""
    with client.session_transaction() as session:
        session["locale"] = "en"
    with force_locale("en"):
        yield


@pytest.fixture
def english_request(app, client, db):
    """As `english`, inside a request context of its own, for services that read the request (url_for, the user)."""
    with client.session_transaction() as session:
        session["locale"] = "en"
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def demo_loaded_twice(runner, db):
    """`flask demo load` run twice; returns the first run's output and every table's row count after each run."""
    outputs, counts = [], []
    for _ in range(2):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
        counts.append({table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                       for table in db.metadata.sorted_tables})
    return outputs[0], counts[0], counts[1]


@pytest.fixture
def runner(app):
    """A CLI runner for `flask …` commands."""
    return app.test_cli_runner()


@pytest.fixture
def log_in_as(client):
    """Log the test client in as an existing user, as Flask-Login would after the login form."""

    def log_in(user) -> None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    return log_in


@pytest.fixture
def login(db, log_in_as):
    """Log the test client in as a new user holding `role` (or several roles); returns the user."""

    def log_in(role: Role | str | None = None, *roles: Role | str, **user_fields):
        wanted = [r for r in (role, *roles) if r is not None]
        user = factories.make_user(roles=wanted, **user_fields)
        db.session.commit()
        log_in_as(user)
        return user

    return log_in


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db):
    """Context manager that counts the SQL statements run inside it: `with count_queries() as counter:`."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CollectingHandler:
    """aiosmtpd handler that keeps every delivered message."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 OK"


class SmtpSink:
    """A real SMTP server on localhost that the app's mail extension is pointed at; can be stopped and restarted."""

    def __init__(self, port: int):
        self.port = port
        self.handler = CollectingHandler()
        self.controller: Controller | None = None

    @property
    def messages(self):
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_sink(app):
    """Point Flask-Mail at a running aiosmtpd sink for this test; restore suppression afterwards."""
    sink = SmtpSink(free_port())
    sink.start()
    state = app.extensions["mail"]
    saved = (state.server, state.port, state.suppress, state.use_tls, state.use_ssl)
    state.server, state.port, state.suppress, state.use_tls, state.use_ssl = "127.0.0.1", sink.port, False, False, False
    yield sink
    sink.stop()
    state.server, state.port, state.suppress, state.use_tls, state.use_ssl = saved


@pytest.fixture
def live_server(app, smtp_sink):
    """The app served over HTTP on a free local port, in a thread, with mail going to the SMTP sink."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    public_url = app.config["PUBLIC_URL"]
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"  # the links in mail
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.smtp_sink = smtp_sink
    yield server
    server.shutdown()
    app.config["SERVER_NAME"] = "kunstvest.test"
    app.config["PUBLIC_URL"] = public_url


@pytest.fixture(scope="session")
def s3_server():
    """moto's stand-alone S3 server on a free localhost port for the whole session; returns its endpoint URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"moto's S3 server did not start on port {port}")
            time.sleep(0.1)
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
