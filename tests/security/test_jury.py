"""The jury's phase and the application references: jurors see nothing before jurying, every juror and the secretariat
call an application by the same stable reference, a suggested conflict says enough without the name, and images
carry no upload time."""

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app

from kunstvest.applications import images, reviewing, services
from kunstvest.applications.models import Application, CallPhase, Discipline, Review
from kunstvest.auth.models import Role
from tests import factories

REFERENCE = re.compile(r"KRV-2017-\d{4}")


pytestmark = pytest.mark.usefixtures("english")


def _krv_call(**fields):
    """A 2017 call of the Kunst rett vest project, open now."""
    from kunstvest.reference.services import ensure_season

    call = factories.make_call(year=2017, **fields)
    call.season = ensure_season(project=factories.make_project(code="kunst-rett-vest", name="Kunst rett vest"),
                                year=2017)
    return call


def _with_stored_image(application):
    """The application's first work, with a real image on disk."""
    work = application.works[0]
    work.image = factories.make_image(stored=True)
    return work


def _urls(call, application, work) -> dict[str, str]:
    return {"list": f"/applications/jury/{call.id}",
            "page": f"/applications/jury/{call.id}/applications/{application.id}",
            "image": f"/applications/works/{work.id}/image/thumb.jpg"}


# --- the juror's phase ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("phase", [CallPhase.DRAFT, CallPhase.OPEN, CallPhase.CLOSED])
def test_before_jurying_a_juror_sees_no_list_page_image_or_count(client, db, login, phase):
    juror = login(Role.JURY)
    call = _krv_call(jurors=[juror])
    application = factories.make_application(call=call, works=2)
    work = _with_stored_image(application)
    call.phase = phase
    db.session.commit()

    for name, url in _urls(call, application, work).items():
        assert client.get(url).status_code == 404, name
    assert client.post(f"{_urls(call, application, work)['page']}/conflict",
                       data={"conflict-reason": "Min nevø"}).status_code == 404
    index = client.get("/applications/jury/").get_data(as_text=True)
    assert call.title in index and f'href="/applications/jury/{call.id}"' not in index
    assert "scored" not in index and "Verk 1" not in index
    assert "The jury phase is over" not in index
    assert not reviewing.may_read(application=application, juror=juror)
    assert reviewing.juror_order(call=call, juror=juror) == []


def test_an_open_call_tells_the_juror_when_jurying_opens(client, db, login):
    juror = login(Role.JURY)
    call = _krv_call(jurors=[juror], closes_at=datetime(2031, 3, 1, 11, 0, tzinfo=UTC))
    factories.make_application(call=call)
    db.session.commit()

    index = client.get("/applications/jury/").get_data(as_text=True)
    assert "Jurying opens when the call closes on March 1, 2031 at 12:00\u202fPM." in index

    # The deadline has passed: the call reads as closed.
    call.opens_at, call.closes_at = datetime(2017, 1, 1, tzinfo=UTC), datetime(2017, 3, 1, 11, 0, tzinfo=UTC)
    db.session.commit()
    index = client.get("/applications/jury/").get_data(as_text=True)
    assert "The call closed on March 1, 2017; jurying opens when the secretariat starts it." in index

    with client.session_transaction() as session:
        session["locale"] = "nb"
    index = client.get("/applications/jury/").get_data(as_text=True)
    assert "Utlysningen stengte 1. mars 2017" in index


def test_from_the_jury_phase_the_juror_reads_the_list_page_and_image(client, db, login):
    juror = login(Role.JURY)
    call = _krv_call(jurors=[juror])
    application = factories.make_application(call=call, works=2)
    work = _with_stored_image(application)
    call.phase = CallPhase.JURYING
    db.session.commit()

    for name, url in _urls(call, application, work).items():
        assert client.get(url).status_code == 200, name
    index = client.get("/applications/jury/").get_data(as_text=True)
    assert "0 of 1 scored" in index and f'href="/applications/jury/{call.id}"' in index


def test_scores_cannot_be_given_before_the_jury_phase(db):
    juror = factories.make_user(roles=[Role.JURY])
    call = _krv_call(jurors=[juror])
    application = factories.make_application(call=call)
    call.phase = CallPhase.CLOSED

    with pytest.raises(services.ApplicationError):
        reviewing.score_application(application=application, juror=juror,
                                    scores={criterion.id: 4 for criterion in call.criteria})
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_after_the_jury_phase_the_juror_reads_without_changing_scores_or_conflicts(client, db, login):
    juror = login(Role.JURY)
    call = _krv_call(jurors=[juror])
    application = factories.make_application(call=call, works=2)
    work = _with_stored_image(application)
    call.phase = CallPhase.JURYING
    reviewing.score_application(application=application, juror=juror,
                                scores={criterion.id: 5 for criterion in call.criteria})
    call.phase = CallPhase.DECIDING
    db.session.commit()
    urls = _urls(call, application, work)

    assert client.get(urls["image"]).status_code == 200
    listing = client.get(urls["list"]).get_data(as_text=True)
    assert "The jury phase is over; scores can no longer be changed." in listing
    page = client.get(urls["page"]).get_data(as_text=True)
    assert "The jury phase is over" in page and 'type="radio"' not in page and "/conflict" not in page
    response = client.post(f"{urls['page']}/conflict", data={"conflict-reason": "Min nevø"}, follow_redirects=True)
    assert "Conflicts of interest can be declared only while the jury is at work" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1
    assert "Jurying is over; the secretariat is deciding." in client.get("/applications/jury/").get_data(as_text=True)


# --- references -----------------------------------------------------------------------------------------------------

def test_submission_gives_a_random_reference_from_the_project_and_year(db):
    call = _krv_call()
    draft = factories.make_application(call=call, submit=False)
    submitted = [factories.make_application(call=call) for _ in range(12)]

    assert draft.reference is None
    references = [application.reference for application in submitted]
    assert all(REFERENCE.fullmatch(reference) for reference in references)
    assert len(set(references)) == len(references)
    # Random, not the order of submission (twelve in a row would come out sorted once in 479 million draws).
    assert references != sorted(references)


def test_references_widen_once_a_call_has_used_half_of_them(db, monkeypatch):
    monkeypatch.setattr(services, "REFERENCE_DIGITS", 1)
    call = _krv_call()
    references = services.free_references(call=call, count=8)

    assert len(set(references)) == 8
    assert all(re.fullmatch(r"KRV-2017-\d{2}", reference) for reference in references)


def test_a_reference_taken_a_moment_ago_is_drawn_again(db, monkeypatch):
    call = _krv_call()
    first = factories.make_application(call=call)
    second = factories.make_application(call=call, submit=False)
    draws = iter([[first.reference], ["KRV-2017-4242"]])
    monkeypatch.setattr(services, "free_references", lambda *, call, count: next(draws))

    assert services.submit_application(application=second) is True
    assert second.reference == "KRV-2017-4242" and second.status == "submitted"


def _act_as(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True


def _references_on(client, url: str) -> list[str]:
    return sorted(REFERENCE.findall(client.get(url).get_data(as_text=True)))


def test_every_juror_and_the_secretariat_see_the_same_reference_and_a_conflict_changes_none(client, db):
    first, second = (factories.make_user(roles=[Role.JURY]) for _ in range(2))
    admin = factories.make_user(roles=[Role.ADMIN])
    call = _krv_call(jurors=[first, second])
    applications = [factories.make_application(call=call) for _ in range(4)]
    call.phase = CallPhase.JURYING
    db.session.commit()
    references = {application.id: application.reference for application in applications}
    conflicted, kept = applications[0], applications[1]
    listing = f"/applications/jury/{call.id}"

    _act_as(client, second)
    assert _references_on(client, listing) == sorted(references.values())
    # Following the redirect shows the flash, which names the reference, before the list is read.
    client.post(f"{listing}/applications/{conflicted.id}/conflict", data={"conflict-reason": "Nevø"},
                follow_redirects=True)
    assert _references_on(client, listing) == sorted(references[a.id] for a in applications[1:])
    page = client.get(f"{listing}/applications/{kept.id}").get_data(as_text=True)
    assert f"Application {references[kept.id]}" in page

    _act_as(client, first)
    assert _references_on(client, listing) == sorted(references.values())
    page = client.get(f"{listing}/applications/{kept.id}").get_data(as_text=True)
    assert f"Application {references[kept.id]}" in page

    _act_as(client, admin)
    db.session.expire_all()
    assert {a.id: a.reference for a in db.session.scalars(sa.select(Application))} == references
    assert _references_on(client, f"/applications/admin/calls/{call.id}/ranking") == sorted(references.values())
    assert references[kept.id] in client.get(f"/applications/admin/applications/{kept.id}").get_data(as_text=True)


# --- suggested conflicts ------------------------------------------------------------------------------------------

def test_a_suggested_conflict_shows_the_reason_municipality_and_discipline_but_not_the_name(client, db, login):
    juror = login(Role.JURY, full_name="Kari Hemmeligsen")
    factories.make_artist(user=juror, postcode="3050", discipline=Discipline.VISUAL_ART)
    call = _krv_call(jurors=[juror])
    artist_user = factories.make_user(roles=[Role.ARTIST], email="torolv.h@kunst.example",
                                      full_name="Torolv Hemmeligsen")
    artist = factories.make_artist(user=artist_user, name="Torolv Hemmeligsen", postcode="3050",
                                   municipality=factories.make_municipality(name="Skjultvik"),
                                   discipline=Discipline.CRAFT, cv="Galleri Lukket")
    application = factories.make_application(call=call, artist=artist, works=2)
    call.phase = CallPhase.JURYING
    reviewing.suggest_conflicts(call=call)
    db.session.commit()

    html = client.get(f"/applications/jury/{call.id}").get_data(as_text=True)
    assert "The applicant has your surname and postcode (same family?)." in html
    assert "Skjultvik" in html and "Craft" in html and application.reference in html and "Verk 2" in html
    assert "Torolv" not in html and "torolv.h" not in html and "Galleri Lukket" not in html


# --- images -----------------------------------------------------------------------------------------------------------

def test_an_image_has_no_upload_time_and_still_caches_by_etag(client, db, login):
    owner = login(Role.ARTIST)
    application = factories.make_application(call=_krv_call(), artist=factories.make_artist(user=owner),
                                             submit=False)
    work = _with_stored_image(application)
    db.session.commit()
    path = Path(current_app.config["UPLOAD_DIR"]) / images.image_key(sha256=work.image.sha256, rendition="thumb")
    os.utime(path, (1_500_000_000, 1_500_000_000))  # 14 July 2017, 02:40 UTC
    url = f"/applications/works/{work.id}/image/thumb.jpg"

    response = client.get(url)
    assert response.status_code == 200 and response.data == path.read_bytes()
    assert "Last-Modified" not in response.headers
    etag = response.headers["ETag"]
    assert etag and "1500000000" not in etag
    assert "1500000000" not in str(response.headers)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # Without a Last-Modified there is nothing to probe the upload time with.
    for moment in ("Fri, 14 Jul 2017 02:41:00 GMT", "Thu, 13 Jul 2017 00:00:00 GMT"):
        assert client.get(url, headers={"If-Modified-Since": moment}).status_code == 200
    partial = client.get(url, headers={"Range": "bytes=0-9"})
    assert partial.status_code == 206 and partial.data == path.read_bytes()[:10]
