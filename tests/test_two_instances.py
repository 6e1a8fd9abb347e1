"""Two app instances, as on two machines behind one proxy: gunicorn with gunicorn.conf.py and the production config,
on one migrated PostgreSQL database and one S3 bucket (moto's server), each with a local upload folder of its own.

Sessions, CSRF tokens and login throttling hold whichever instance answers; a volunteer's taps sent to both are each
stored once; an image uploaded through one is served by both; two outbox workers send one mail per message.
"""

import io
import json
import os
import re
import secrets
import signal
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask import Flask

from kunstvest import create_app
from kunstvest.applications.images import image_key
from kunstvest.applications.models import ImageFile, Work
from kunstvest.ateliers import counting
from kunstvest.ateliers.models import VisitTap
from kunstvest.auth.models import LoginAttempt, Role
from kunstvest.common.outbox import OutboxMessage, OutboxStatus
from kunstvest.extensions import db as _db
from tests import factories
from tests.conftest import free_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="two instances share one PostgreSQL database, as in production; SQLite is one machine's database")

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DATABASE = "kunstvest_two_instances"
VOLUNTEER, ARTIST, FORGETFUL = "teller@example.org", "kunstner@example.org", "glemsk@example.org"


@dataclass
class Answer:
    """An HTTP answer: status, headers (Set-Cookie may come more than once) and body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Instance:
    """One gunicorn (its master and workers) on a port of its own."""

    name: str
    port: int
    process: subprocess.Popen
    log: Path
    upload_dir: Path

    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


class HiddenInputs(HTMLParser):
    """The name and value of every hidden <input> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


def csrf_token(page: Answer) -> str:
    """The CSRF token of a page's form, or of the counter's data attribute."""
    parser = HiddenInputs()
    parser.feed(page.text)
    if token := parser.values.get("csrf_token"):
        return token
    return re.search(r'data-csrf-token="([^"]+)"', page.text).group(1)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, (filename, content, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Browser:
    """One person's cookies, sent to whichever instance answers (Secure is ignored: the test speaks plain HTTP)."""

    cookies: dict[str, str] = field(default_factory=dict)

    def send(self, instance: Instance, method: str, path: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Answer:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        answer = instance.request(method, path, body=body, headers={**(headers or {}), "Cookie": cookie})
        for name, value in answer.headers:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return answer

    def get(self, instance: Instance, path: str) -> Answer:
        return self.send(instance, "GET", path)

    def post_form(self, instance: Instance, path: str, fields: dict[str, str],
                  files: dict[str, tuple[str, bytes, str]] | None = None) -> Answer:
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.send(instance, "POST", path, body=body, headers={"Content-Type": content_type})

    def post_json(self, instance: Instance, path: str, payload: dict, token: str) -> Answer:
        return self.send(instance, "POST", path, body=json.dumps(payload).encode(), headers={
            "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token})

    def log_in(self, form_from: Instance, post_to: Instance, email: str,
               password: str = factories.PASSWORD) -> Answer:
        """Open the login form on one instance and send it to another."""
        token = csrf_token(self.get(form_from, "/auth/login"))
        return self.post_form(post_to, "/auth/login", {"email": email, "password": password, "csrf_token": token})


@dataclass
class Deployment:
    """The two instances, their environment, and an app and an S3 client to read what they stored."""

    a: Instance
    b: Instance
    env: dict[str, str]
    app: Flask
    s3: object
    bucket: str
    ids: dict[str, int]

    def scalar(self, statement):
        with self.app.app_context():
            return _db.session.scalar(statement)

    def one(self, statement) -> sa.Row:
        with self.app.app_context():
            return _db.session.execute(statement).one()


def _flask(env: dict[str, str], *args: str) -> subprocess.Popen:
    """`flask --app kunstvest ARGS` started in the background with `env`; its output is in .stdout."""
    return subprocess.Popen([str(BIN / "flask"), "--app", "kunstvest", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _start_gunicorn(name: str, env: dict[str, str], workdir: Path) -> Instance:
    """gunicorn -c gunicorn.conf.py with two sync workers on a free port and an upload folder of its own."""
    port, upload_dir, log = free_port(), workdir / f"uploads-{name}", workdir / f"gunicorn-{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "-w", "2",
             "--no-control-socket"], cwd=ROOT, env={**env, "UPLOAD_DIR": str(upload_dir)},
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    return Instance(name=name, port=port, process=process, log=log, upload_dir=upload_dir)


def _wait_until_healthy(instance: Instance, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(f"gunicorn {instance.name} exited:\n{instance.log_tail()}")
        try:
            if instance.request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn {instance.name} did not answer /healthz:\n{instance.log_tail()}")


def _stop(instance: Instance) -> None:
    if instance.process.poll() is None:
        os.killpg(instance.process.pid, signal.SIGTERM)
        try:
            instance.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(instance.process.pid, signal.SIGKILL)
            instance.process.wait()


def _seed(app) -> dict[str, int]:
    """A volunteer counting at an exhibition open today, an artist with a draft in an open call, and one more user."""
    with app.app_context():
        today = counting.today_in_oslo()
        volunteer = factories.make_user(roles=[Role.VOLUNTEER], email=VOLUNTEER)
        exhibition = factories.make_exhibition(year=today.year, opens_on=today - timedelta(days=1),
                                               closes_on=today + timedelta(days=1))
        location = factories.make_location(exhibition=exhibition, users=[volunteer])
        artist = factories.make_artist(user=factories.make_user(roles=[Role.ARTIST], email=ARTIST))
        application = factories.make_application(call=factories.make_call(year=today.year), artist=artist, works=0,
                                                 submit=False)
        factories.make_user(email=FORGETFUL)
        _db.session.commit()
        return {"location": location.id, "application": application.id}


@pytest.fixture(scope="module")
def deployment(s3_server) -> Iterator[Deployment]:
    """Two instances on a fresh migrated database and a fresh bucket; stopped and dropped afterwards."""
    import boto3

    test_url = sa.make_url(os.environ["TEST_DATABASE_URL"])
    url = test_url.set(database=DATABASE)
    admin = sa.create_engine(test_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    bucket = f"kunstvest-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing")
    s3.create_bucket(Bucket=bucket)
    # What the two machines share: the database, the bucket, the secret and the site's address (one proxy).
    env = {**os.environ, "KUNSTVEST_CONFIG": "production", "DATABASE_URL": url.render_as_string(hide_password=False),
           "SECRET_KEY": secrets.token_urlsafe(48), "PUBLIC_URL": "https://kunstvest.example.org",
           "STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_server, "S3_REGION": "us-east-1",
           "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing"}
    env.pop("ALLOW_SQLITE_IN_PRODUCTION", None)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"], STORAGE_BACKEND="local")
    with app.app_context():  # the command would otherwise run in the test database's context
        migrated = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert migrated.exit_code == 0, migrated.output
    with tempfile.TemporaryDirectory(prefix="kunstvest-two-") as workdir:
        instances = [_start_gunicorn(name, env, Path(workdir)) for name in ("a", "b")]
        try:
            ids = _seed(app)  # while the instances start
            for instance in instances:
                _wait_until_healthy(instance)
            yield Deployment(*instances, env=env, app=app, s3=s3, bucket=bucket, ids=ids)
        finally:
            for instance in instances:
                _stop(instance)
            with app.app_context():
                _db.engine.dispose()
            with admin.connect() as connection:
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            admin.dispose()


def test_a_volunteers_taps_sent_to_both_instances_are_each_stored_once(deployment):
    a, b = deployment.a, deployment.b
    location_id = deployment.ids["location"]
    phone = Browser()
    assert phone.log_in(a, a, VOLUNTEER).status == 302
    token = csrf_token(phone.get(a, f"/ateliers/count/{location_id}"))
    taps_path = f"/ateliers/count/{location_id}/taps"

    taps = [{"client_id": str(uuid.uuid4()), "visitors": 1, "tapped_at": datetime.now(timezone.utc).isoformat()}
            for _ in range(40)]
    answers = [phone.post_json((a, b)[number % 2], taps_path, {"taps": [tap]}, token)
               for number, tap in enumerate(taps)]
    sent_again = phone.post_json(b, taps_path, {"taps": taps[:3]}, token)  # a phone resending after a timeout

    assert [answer.status for answer in answers] == [200] * 40, answers[0].text[:500]
    assert sum(answer.json()["accepted"] for answer in answers) == 40
    assert sent_again.json() == {"accepted": 0, "duplicates": 3, "today_total": 40}
    assert deployment.scalar(sa.select(sa.func.count()).select_from(VisitTap)
                             .where(VisitTap.location_id == location_id)) == 40


def test_a_csrf_token_made_on_one_instance_is_accepted_on_the_other_and_a_forged_one_by_neither(deployment):
    a, b = deployment.a, deployment.b
    location_id = deployment.ids["location"]
    phone = Browser()
    phone.log_in(b, a, VOLUNTEER)
    token = csrf_token(phone.get(b, f"/ateliers/count/{location_id}"))
    tap = {"client_id": str(uuid.uuid4()), "visitors": 2, "tapped_at": datetime.now(timezone.utc).isoformat()}
    taps_path = f"/ateliers/count/{location_id}/taps"

    assert phone.post_json(a, taps_path, {"taps": [tap]}, token).json()["accepted"] == 1
    for instance in (a, b):
        assert phone.post_json(instance, taps_path, {"taps": [tap]}, "forged-" + token[7:]).status == 400
        assert Browser().post_json(instance, taps_path, {"taps": [tap]}, token).status == 400  # not without its session


def test_an_artist_logged_in_on_b_uploads_through_a_and_both_serve_the_image(deployment):
    from PIL import Image

    a, b = deployment.a, deployment.b
    artist = Browser()
    assert artist.log_in(b, b, ARTIST).status == 302
    token = csrf_token(artist.get(b, "/applications/my/works/new"))
    photo = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 90, 40)).save(photo, "JPEG")

    saved = artist.post_form(a, "/applications/my/works/new", {
        "csrf_token": token, "title": "Fjordlys", "year": "2024", "technique": "Olje på lerret", "width_cm": "60",
        "height_cm": "80", "price": ""}, files={"image": ("fjordlys.jpg", photo.getvalue(), "image/jpeg")})

    assert saved.status == 302, saved.text[:2000]
    work_id, sha256 = deployment.one(sa.select(Work.id, ImageFile.sha256).join(Work.image)
                                     .where(Work.application_id == deployment.ids["application"]))
    served = {instance.name: artist.get(instance, f"/applications/works/{work_id}/image/medium.jpg")
              for instance in (a, b)}
    assert [answer.status for answer in served.values()] == [200, 200]
    assert served["a"].body == served["b"].body and served["a"].body[:3] == b"\xff\xd8\xff"
    stored = deployment.s3.get_object(Bucket=deployment.bucket,
                                      Key=image_key(sha256=sha256, rendition="medium"))
    assert stored["Body"].read() == served["a"].body
    assert not any(path.is_file() for instance in (a, b) for path in instance.upload_dir.rglob("*")), \
        "nothing is written to an instance's own disk"


def test_login_failures_on_both_instances_count_together_towards_the_wait(deployment):
    a, b = deployment.a, deployment.b
    failures = [Browser().log_in(a, (a, b)[number % 2], FORGETFUL, password="feil passord")
                for number in range(5)]  # three on A, two on B: neither alone reaches the limit of five
    blocked = Browser().log_in(b, a, FORGETFUL)

    assert all(answer.status == 200 and "Feil e-post eller passord." in answer.text for answer in failures)
    assert blocked.status == 200 and "For mange mislykkede forsøk" in blocked.text
    assert deployment.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)
                             .where(LoginAttempt.email == FORGETFUL, LoginAttempt.succeeded.is_(True))) == 0


def test_two_outbox_workers_send_one_mail_per_message(deployment, smtp_sink):
    count = 60
    with deployment.app.app_context():
        _db.session.execute(sa.insert(OutboxMessage), [
            {"recipient": f"foresatt{number}@example.org", "subject": f"Melding {number}", "body_text": "Hei",
             "template": "test"} for number in range(count)])
        _db.session.commit()
    env = {**deployment.env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_sink.port)}

    workers = [_flask(env, "outbox", "send") for _ in range(2)]
    outputs = [worker.communicate(timeout=60)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    sent = [int(re.search(r"sent=(\d+)", output).group(1)) for output in outputs]
    assert sum(sent) == count, outputs
    assert Counter(message["To"] for message in smtp_sink.messages) == Counter(
        {f"foresatt{number}@example.org": 1 for number in range(count)})
    assert deployment.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status != OutboxStatus.SENT)) == 0
