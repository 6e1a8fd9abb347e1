"""Account pages through the test client: register, verify, log in, throttling, data export, erasure request."""

import json

import sqlalchemy as sa

from kunstvest.auth.models import Role, User
from kunstvest.common.outbox import OutboxMessage
from tests import factories


def _link(db, recipient: str, path: str) -> str:
    body = db.session.scalars(sa.select(OutboxMessage.body_text).where(OutboxMessage.recipient == recipient)
                              .order_by(OutboxMessage.id.desc())).first()
    return "/" + path + body.split("/" + path, 1)[1].split()[0]


def test_register_verify_and_log_in(client, db):
    response = client.post("/auth/register", data={
        "full_name": "Ola Kunstner", "email": "ola@example.org", "password": "malerier og keramikk",
        "password_again": "malerier og keramikk", "role": "artist"})
    assert response.status_code == 200
    assert "ola@example.org" in response.get_data(as_text=True)
    login_data = {"email": "ola@example.org", "password": "malerier og keramikk"}
    assert client.post("/auth/login", data=login_data).status_code == 200  # not verified yet
    response = client.get(_link(db, "ola@example.org", "auth/verify/"))
    assert response.location == "/auth/login"
    response = client.post("/auth/login", data=login_data)
    assert response.location == "/dashboard"
    assert "Ola Kunstner" in client.get("/dashboard").get_data(as_text=True)


def test_register_shows_errors_and_keeps_the_input(client):
    response = client.post("/auth/register", data={
        "full_name": "Kari", "email": "kari@example.org", "password": "short", "password_again": "other",
        "role": "artist"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html and 'aria-describedby="password-hint password-error"' in html
    assert 'value="kari@example.org"' in html


def test_login_redirects_to_a_local_next_only(client, db):
    factories.make_user(email="n@example.org")
    db.session.commit()
    data = {"email": "n@example.org", "password": factories.PASSWORD}
    assert client.post("/auth/login?next=/auth/account", data=data).location == "/auth/account"
    client.post("/auth/logout")
    assert client.post("/auth/login?next=https://evil.example/", data=data).location == "/dashboard"


def test_sixth_attempt_is_refused_with_a_clear_message(client, db):
    factories.make_user(email="t@example.org")
    db.session.commit()
    for _ in range(5):
        client.post("/auth/login", data={"email": "t@example.org", "password": "wrong"})
    response = client.post("/auth/login", data={"email": "t@example.org", "password": factories.PASSWORD})
    assert "For mange mislykkede forsøk" in response.get_data(as_text=True)


def test_remember_me_cookie_lasts_at_most_30_days(client, db):
    factories.make_user(email="r@example.org")
    db.session.commit()
    response = client.post("/auth/login", data={"email": "r@example.org", "password": factories.PASSWORD,
                                                "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_reset_through_the_pages(client, db):
    factories.make_user(email="p@example.org")
    db.session.commit()
    client.post("/auth/reset", data={"email": "p@example.org"})
    link = _link(db, "p@example.org", "auth/reset/")
    response = client.post(link, data={"password": "et helt nytt passord", "password_again": "et helt nytt passord"})
    assert response.location == "/auth/login"
    again = client.post(link, data={"password": "enda et nytt passord", "password_again": "enda et nytt passord"})
    assert again.location == "/auth/reset"
    assert client.post("/auth/login", data={"email": "p@example.org",
                                            "password": "et helt nytt passord"}).location == "/dashboard"


def test_personal_data_export_and_erasure_request(client, login, db):
    user = login(Role.GUARDIAN, email="g@example.org", full_name="Guro Foresatt")
    response = client.get("/auth/account/export")
    assert response.headers["Content-Disposition"].startswith("attachment")
    exported = json.loads(response.data)
    assert exported["account"]["email"] == "g@example.org"
    assert exported["account"]["roles"] == ["guardian"]
    client.post("/auth/account/delete")
    db.session.expire_all()
    assert db.session.get(User, user.id).deletion_requested_at is not None


def test_changing_password_logs_out_other_sessions(app, client, login, db):
    user = login(Role.ARTIST)
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert other_device.get("/dashboard").status_code == 200
    client.post("/auth/account/password", data={"current_password": factories.PASSWORD,
                                                 "password": "a new long password",
                                                 "password_again": "a new long password"})
    assert client.get("/dashboard").status_code == 200
    assert other_device.get("/dashboard").status_code == 302
