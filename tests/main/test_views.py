"""Front page, security headers, language choice, error pages and CSRF."""

import pytest

from kunstvest.auth.models import Role


def test_front_page_is_norwegian_by_default_with_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'<html lang="nb">' in response.data
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "base-uri 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_pages(client):
    html = client.get("/auth/register").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_language_choice_is_remembered_and_saved_on_the_account(client, login, db):
    user = login(Role.ARTIST)
    response = client.post("/language", data={"locale": "en", "next": "/dashboard"})
    assert response.status_code == 302 and response.location == "/dashboard"
    assert b'<html lang="en">' in client.get("/dashboard").data
    db.session.refresh(user)
    assert user.locale == "en"


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "evil"])
def test_language_switch_does_not_redirect_off_site(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.location == "/"


@pytest.mark.parametrize("locale, text", [("nb", "Fant ikke siden"), ("en", "Page not found")])
def test_404_page_in_both_languages(client, locale, text):
    client.post("/language", data={"locale": locale})
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_403_page_for_a_missing_role(client, login):
    login(Role.ARTIST)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Du har ikke tilgang" in response.get_data(as_text=True)


def test_oversized_request_gets_a_friendly_413_page(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/auth/login", data=b"x" * (limit + 1), content_type="application/octet-stream")
    assert response.status_code == 413
    assert "25 MB" in response.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_forms_are_protected_by_csrf(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/auth/login", data={"email": "a@example.org", "password": "x"})
        assert response.status_code == 400
        page = client.get("/auth/login").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_dashboard_shows_one_panel_per_role(client, login):
    login(Role.ADMIN, Role.JURY)
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'id="panel-admin"' in html and 'id="panel-jury"' in html
    assert 'id="panel-artist"' not in html


def test_navigation_shows_admin_links_only_to_admins(client, login):
    login(Role.VOLUNTEER)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "/admin/users" not in html and "/budget/" not in html


def test_the_jury_panel_counts_what_is_left_to_score_and_the_admin_panel_the_applications(client, login, db):
    from flask_babel import force_locale

    from kunstvest.applications import reviewing
    from kunstvest.applications.models import CallPhase
    from tests import factories

    juror = login(Role.JURY, Role.ADMIN)
    call = factories.make_call(jurors=[juror])
    applications = [factories.make_application(call=call) for _ in range(3)]
    call.phase = CallPhase.JURYING
    reviewing.score_application(application=applications[0], juror=juror,
                                scores={criterion.id: 5 for criterion in call.criteria})
    db.session.commit()
    with client.session_transaction() as session:
        session["locale"] = "en"
    with force_locale("en"):
        html = client.get("/dashboard").get_data(as_text=True)

    assert "<dt>Applications left for you to score</dt><dd>2</dd>" in html
    assert "<dt>Applications to the current call</dt><dd>3</dd>" in html
    assert 'href="/applications/jury/"' in html


def test_the_admin_panel_warns_when_next_years_host_is_not_settled(client, login, db):
    from datetime import date

    from flask_babel import force_locale

    from kunstvest.exhibitions.models import HostStatus
    from kunstvest.reference.services import ensure_season
    from tests import factories

    login(Role.ADMIN)
    project = factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")
    db.session.commit()
    next_year = date.today().year + 1
    with client.session_transaction() as session:
        session["locale"] = "en"
    with force_locale("en"):
        missing = client.get("/dashboard").get_data(as_text=True)
        exhibition = factories.make_exhibition(season=ensure_season(project=project, year=next_year),
                                               host_status=HostStatus.IN_TALKS)
        db.session.commit()
        in_talks = client.get("/dashboard").get_data(as_text=True)
        exhibition.host_status = HostStatus.CONFIRMED
        db.session.commit()
        settled = client.get("/dashboard").get_data(as_text=True)

    assert f"Kunst rett vest {next_year} has no host municipality yet" in missing
    assert f"The host of Kunst rett vest {next_year} is not confirmed" in in_talks
    assert "flash-warning" not in settled
