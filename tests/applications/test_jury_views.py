"""The jury's pages through the test client: blind reading, conflicts, scoring, access, and flat query counts."""

import re

import pytest
import sqlalchemy as sa

from kunstvest.applications import reviewing, services
from kunstvest.applications.models import CallPhase, Conflict, Review
from kunstvest.applications.services import CriterionSpec
from kunstvest.auth.models import Role
from tests import factories

IMAGE_URL = re.compile(r"/applications/works/\d+/image/(thumb|medium|large)\.jpg")


pytestmark = pytest.mark.usefixtures("english")


def _call_with(db, jurors, *, applications: int = 1, phase=CallPhase.JURYING, **call_fields):
    """A call in `phase` with `jurors` and that many submitted applications, committed."""
    call = factories.make_call(jurors=jurors, **call_fields)
    made = [factories.make_application(call=call, works=2) for _ in range(applications)]
    call.phase = phase
    db.session.commit()
    return call, made


def _url(call, application=None) -> str:
    if application is None:
        return f"/applications/jury/{call.id}"
    return f"/applications/jury/{call.id}/applications/{application.id}"


def _scores(call, *values: int) -> dict[str, int]:
    return {f"criterion_{criterion.id}": value for criterion, value in zip(call.criteria, values)}


def _reviews(db, application) -> list[Review]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Review).where(Review.application_id == application.id)))


# --- blind reading ----------------------------------------------------------------------------------------------

def _secret_artist():
    user = factories.make_user(roles=[Role.ARTIST], email="ingrid.secret@kunst.example", full_name="Ingrid Hemmeligsen")
    return factories.make_artist(user=user, name="Ingrid Hemmeligsen",
                                 municipality=factories.make_municipality(name="Skjultvik"),
                                 cv="Separatutstilling på Galleri Lukket", education="Kunstakademiet i Bortenfor")


SECRETS = ("Hemmeligsen", "ingrid.secret", "Galleri Lukket", "Skjultvik", "Bortenfor")


def test_a_blind_jury_sees_no_trace_of_the_artist(client, db, login):
    juror = login(Role.JURY)
    call = factories.make_call(jurors=[juror], is_blind=True)
    application = factories.make_application(call=call, artist=_secret_artist(), works=2)
    call.phase = CallPhase.JURYING
    db.session.commit()

    for url in (_url(call), _url(call, application)):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert application.reference in html
        assert [secret for secret in SECRETS if secret in html] == []
        image_urls = re.findall(r'(?:src|href)="([^"]*/image/[^"]*)"', html)
        assert image_urls and all(IMAGE_URL.fullmatch(image_url) for image_url in image_urls)
    assert 'alt="Verk 1"' in html and "Verk 2" in html


def test_an_open_jury_sees_the_artist(client, db, login):
    juror = login(Role.JURY)
    call = factories.make_call(jurors=[juror], is_blind=False)
    application = factories.make_application(call=call, artist=_secret_artist())
    call.phase = CallPhase.JURYING
    db.session.commit()

    assert "Ingrid Hemmeligsen" in client.get(_url(call)).get_data(as_text=True)
    html = client.get(_url(call, application)).get_data(as_text=True)
    assert all(text in html for text in ("Ingrid Hemmeligsen", "Skjultvik", "Galleri Lukket", "Bortenfor"))
    assert "ingrid.secret" not in html


# --- conflicts of interest ----------------------------------------------------------------------------------------

def test_a_conflict_hides_the_application_until_a_suggestion_is_dismissed(client, db, login):
    juror = login(Role.JURY)
    factories.make_artist(user=juror, studio_collective="Atelier Nordvest")
    call = factories.make_call(jurors=[juror])
    colleague = factories.make_application(call=call, artist=factories.make_artist(studio_collective="Atelier Nordvest"))
    stranger = factories.make_application(call=call)
    call.phase = CallPhase.JURYING
    reviewing.suggest_conflicts(call=call)
    db.session.commit()
    conflict = reviewing.suggested_conflicts(call=call, juror=juror)[0]

    html = client.get(_url(call)).get_data(as_text=True)
    assert _url(call, colleague) not in html and _url(call, stranger) in html
    assert "Atelier Nordvest" in html and "Yes, I have a conflict" in html and "No conflict" in html
    assert client.get(_url(call, colleague)).status_code == 404

    response = client.post(f"{_url(call, stranger)}/conflict", data={"conflict-reason": "Min nevø"})
    assert response.location == _url(call)
    assert db.session.scalar(sa.select(Conflict.reason).where(Conflict.application_id == stranger.id)) == "Min nevø"
    assert client.get(_url(call, stranger)).status_code == 404
    assert _url(call, stranger) not in client.get(_url(call)).get_data(as_text=True)

    response = client.post(f"/applications/jury/conflicts/{conflict.id}", data={"is_conflict": "0"})
    assert response.location == _url(call)
    assert client.get(_url(call, colleague)).status_code == 200
    assert _url(call, colleague) in client.get(_url(call)).get_data(as_text=True)


def test_only_the_conflicts_own_juror_can_answer_it(client, db, login):
    juror = factories.make_user(roles=[Role.JURY])
    factories.make_artist(user=juror, studio_collective="Atelier Nordvest")
    call = factories.make_call(jurors=[juror])
    factories.make_application(call=call, artist=factories.make_artist(studio_collective="Atelier Nordvest"))
    call.phase = CallPhase.JURYING
    reviewing.suggest_conflicts(call=call)
    conflict = reviewing.suggested_conflicts(call=call, juror=juror)[0]
    db.session.commit()
    other = login(Role.JURY)
    services.assign_juror(call=call, juror=other, actor=None)
    db.session.commit()

    assert client.post(f"/applications/jury/conflicts/{conflict.id}", data={"is_conflict": "0"}).status_code == 404


# --- scoring ------------------------------------------------------------------------------------------------------

def test_scores_are_stored_revised_and_counted(client, db, login):
    juror = login(Role.JURY)
    call, (first, second) = _call_with(db, [juror], applications=2)
    order = reviewing.juror_order(call=call, juror=juror)
    scored, following = (first, second) if order[0] == first.id else (second, first)

    response = client.post(_url(call, scored), data={**_scores(call, 5, 3), "comment": "Sterk"})
    assert response.location == _url(call, following)
    response = client.post(_url(call, scored), data=_scores(call, 6, 2))
    assert response.location == _url(call, following)

    (review,) = _reviews(db, scored)
    assert sorted(score.value for score in review.scores) == [2, 6]
    assert "1 of 2 scored" in client.get(_url(call)).get_data(as_text=True)
    assert "1 of 2 scored" in client.get("/applications/jury/").get_data(as_text=True)
    response = client.post(_url(call, following), data=_scores(call, 4, 4))
    assert response.location == _url(call)


def test_a_score_out_of_range_is_refused_with_a_clear_message(client, db, login):
    juror = login(Role.JURY)
    call, (application,) = _call_with(db, [juror])

    response = client.post(_url(call, application), data=_scores(call, 9, 3))
    assert response.status_code == 200
    assert "Artistic quality is scored from 1 to 7." in response.get_data(as_text=True)
    assert _reviews(db, application) == []
    response = client.post(_url(call, application), data=_scores(call, 4))
    assert "Choose a score." in response.get_data(as_text=True)
    assert _reviews(db, application) == []


def test_the_other_jurors_scores_show_only_after_ones_own(client, db, login):
    juror = login(Role.JURY)
    other = factories.make_user(roles=[Role.JURY], full_name="Per Medjury")
    call, (application,) = _call_with(db, [juror, other])
    quality, fit = call.criteria
    reviewing.score_application(application=application, juror=other, scores={quality.id: 6, fit.id: 7},
                                comment="Modig fargebruk")
    db.session.commit()

    html = client.get(_url(call, application)).get_data(as_text=True)
    assert "Modig fargebruk" not in html and "Per Medjury" not in html
    client.post(_url(call, application), data=_scores(call, 3, 3))
    html = client.get(_url(call, application)).get_data(as_text=True)
    assert "Modig fargebruk" in html and "Per Medjury" in html and "6.33" in html


def test_scores_are_read_only_once_the_jury_phase_is_over(client, db, login):
    juror = login(Role.JURY)
    call, (application,) = _call_with(db, [juror], phase=CallPhase.DECIDING)

    response = client.post(_url(call, application), data=_scores(call, 5, 5), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Scores can be given or changed only while the jury is at work." in html
    assert 'type="radio"' not in html
    assert _reviews(db, application) == []


# --- access -------------------------------------------------------------------------------------------------------

def test_a_juror_not_on_the_jury_is_refused(client, db, login):
    call, (application,) = _call_with(db, [factories.make_user(roles=[Role.JURY])])
    assert client.get(_url(call)).status_code == 302
    login(Role.JURY)
    assert client.get(_url(call)).status_code == 403
    assert client.get(_url(call, application)).status_code == 403
    assert client.post(f"{_url(call, application)}/conflict").status_code == 403


def test_other_roles_are_refused(client, db, login):
    call, (application,) = _call_with(db, [factories.make_user(roles=[Role.JURY])])
    login(Role.ARTIST, Role.ADMIN)
    assert client.get("/applications/jury/").status_code == 403
    assert client.get(_url(call, application)).status_code == 403


# --- query counts -------------------------------------------------------------------------------------------------

def _queries(client, count_queries, url: str) -> int:
    client.get(url)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("blind", [True, False])
def test_the_jury_pages_run_as_many_queries_for_500_applications_as_for_20(client, db, login, count_queries, blind):
    juror = login(Role.JURY)
    others = [factories.make_user(roles=[Role.JURY]) for _ in range(2)]
    criteria = [CriterionSpec(f"Criterion {number}") for number in range(4)]
    call, (application,) = _call_with(db, [juror, *others], criteria=criteria, is_blind=blind)
    factories.make_scored_applications(call=call, count=19)
    for scorer in (juror, *others):
        reviewing.score_application(application=application, juror=scorer,
                                    scores={criterion.id: 4 for criterion in call.criteria})
    db.session.commit()

    small = {url: _queries(client, count_queries, url) for url in (_url(call, application), _url(call))}
    factories.make_scored_applications(call=call, count=480)
    db.session.commit()
    large = {url: _queries(client, count_queries, url) for url in (_url(call, application), _url(call))}
    assert len(reviewing.juror_order(call=call, juror=juror)) == 500
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1500
    assert large == small
