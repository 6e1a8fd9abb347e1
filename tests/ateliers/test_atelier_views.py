"""Open-atelier pages through the test client: weekends, proofing, publishing, the artist's atelier and the guide."""

import io
import json
import re
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from kunstvest.applications.models import Application, ApplicationStatus, ArtistProfile
from kunstvest.ateliers import services, views
from kunstvest.ateliers.models import Atelier, AtelierArtist, AtelierHours, OpenAteliers
from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.models import utcnow
from tests import factories

DAYS = [date(2017, 9, day) for day in (16, 17, 23, 24)]


pytestmark = pytest.mark.usefixtures("english")


def _page(response) -> str:
    return response.get_data(as_text=True)


# --- the secretariat --------------------------------------------------------------------------------------------------

def test_the_admin_sets_the_weekends_of_a_season(client, db, login):
    login(Role.ADMIN)
    project = factories.make_project(name="Kunst rett vest")
    db.session.commit()

    response = client.post("/ateliers/admin/weekends", data={
        "project_id": project.id, "year": 2017, "days-0": "2017-09-16", "days-1": "2017-09-17",
        "days-2": "2017-09-23", "days-3": "2017-09-24", "days-4": "", "days-5": "",
        "proofing_deadline": "2017-09-01"})

    assert response.status_code == 302 and response.headers["Location"].endswith("/ateliers/admin/2017")
    open_ateliers = db.session.scalar(sa.select(OpenAteliers))
    assert [day.day for day in open_ateliers.days] == DAYS
    assert open_ateliers.proofing_deadline == date(2017, 9, 1)
    assert open_ateliers.season.project_id == project.id
    edit = _page(client.get("/ateliers/admin/weekends?year=2017"))
    assert 'value="2017-09-23"' in edit and "Kunst rett vest" in edit


def test_a_deadline_after_the_first_day_is_shown_on_the_form(client, db, login):
    login(Role.ADMIN)
    project = factories.make_project()
    db.session.commit()
    response = client.post("/ateliers/admin/weekends", data={
        "project_id": project.id, "year": 2017, "days-0": "2017-09-16", "proofing_deadline": "2017-09-20"})
    assert response.status_code == 422
    assert "The proofing deadline must come before the first open day." in _page(response)


def test_the_admin_sees_who_has_not_approved(client, db, login, season):
    open_ateliers, applications = season
    approved, waiting = (factories.make_atelier(open_ateliers=open_ateliers, applications=[application])
                         for application in applications)
    approved.artists[0].approved_at = utcnow()
    db.session.commit()
    login(Role.ADMIN)

    page = _page(client.get("/ateliers/admin/2017"))

    listed = page.split("Not approved yet")[1].split("</ul>")[0]
    assert applications[1].artist.name in listed and applications[0].artist.name not in listed
    assert "1 / 2" in page


def test_publishing_is_refused_while_artists_have_not_approved_and_works_when_ticked(client, db, login, season):
    open_ateliers, applications = season
    factories.make_atelier(open_ateliers=open_ateliers, applications=applications)
    db.session.commit()
    admin = login(Role.ADMIN)

    refused = client.post("/ateliers/admin/2017/publish", follow_redirects=True)
    assert "2 artist(s) have not approved their entry" in _page(refused)
    db.session.expire_all()
    assert db.session.scalar(sa.select(OpenAteliers)).guide_published_at is None

    client.post("/ateliers/admin/2017/publish", data={"anyway": "y"})
    db.session.expire_all()
    assert db.session.scalar(sa.select(OpenAteliers)).guide_published_at is not None
    assert db.session.scalar(sa.select(Atelier.guide_number)) == 1
    assert db.session.scalar(sa.select(AuditEvent.actor_id).where(
        AuditEvent.action == "open_ateliers.guide_published")) == admin.id


# --- the artist -------------------------------------------------------------------------------------------------------

def test_an_artist_who_is_not_accepted_gets_a_clear_message(client, db, login, season, log_in_as):
    _, applications = season
    applications[0].status = ApplicationStatus.REJECTED
    db.session.commit()
    log_in_as(applications[0].artist.user)

    response = client.get("/ateliers/my")
    assert "Only artists accepted for this season can show in the open ateliers." in _page(response)
    assert 'name="address"' not in _page(response)
    refused = client.post("/ateliers/my", data={"address": "Storgata 1"})
    assert db.session.scalar(sa.select(sa.func.count(Atelier.id))) == 0 and refused.status_code == 200


def _atelier_form(municipality_id, **overrides) -> dict:
    data = {"name": "", "address": "Strandveien 3", "postcode": "3060", "city": "Svelvik",
            "municipality_id": municipality_id, "latitude": "59.6042", "longitude": "10.4106",
            "accessibility": "Two steps at the door.", "description": "",
            **{f"hours_{day.isoformat()}_opens": "11:00" for day in DAYS[:2]},
            **{f"hours_{day.isoformat()}_closes": "17:00" for day in DAYS[:2]}}
    data.update(overrides)
    return data


def test_an_accepted_artist_registers_proofreads_approves_and_a_change_asks_again(client, db, season, log_in_as):
    open_ateliers, applications = season
    municipality = factories.make_municipality(name="Svelvik")
    db.session.commit()
    log_in_as(applications[0].artist.user)

    response = client.post("/ateliers/my", data=_atelier_form(municipality.id))
    assert response.status_code == 302
    page = _page(client.get("/ateliers/my"))
    entry = page.split("Your entry in the guide")[1]
    for expected in ("Strandveien 3, 3060 Svelvik", applications[0].artist.name, "Two steps at the door.",
                     "Saturday 16 September", "11:00–17:00", "Saturday 23 September", "Closed", "Not approved yet."):
        assert expected in entry

    client.post("/ateliers/my/approve")
    assert "You approved this entry" in _page(client.get("/ateliers/my"))

    client.post("/ateliers/my", data=_atelier_form(municipality.id, accessibility="Step-free."))
    db.session.expire_all()
    assert db.session.scalar(sa.select(AtelierArtist.approved_at)) is None
    assert db.session.scalar(sa.select(Atelier.accessibility)) == "Step-free."


def test_bad_hours_are_shown_on_the_form(client, db, season, log_in_as):
    _, applications = season
    municipality = factories.make_municipality()
    db.session.commit()
    log_in_as(applications[0].artist.user)
    response = client.post("/ateliers/my", data=_atelier_form(
        municipality.id, **{f"hours_{DAYS[0].isoformat()}_closes": "10:00"}))
    assert response.status_code == 422 and "must close after it opens" in _page(response)


def test_a_second_artist_joins_the_shared_atelier(client, db, season, log_in_as):
    open_ateliers, applications = season
    atelier = factories.make_atelier(open_ateliers=open_ateliers, applications=[applications[0]],
                                     address="Felles atelier 1")
    atelier.artists[0].approved_at = utcnow()
    db.session.commit()
    log_in_as(applications[1].artist.user)

    assert "Felles atelier 1" in _page(client.get("/ateliers/my")).split("Or join a shared atelier")[1]
    client.post("/ateliers/my/join", data={"atelier_id": atelier.id})

    db.session.expire_all()
    assert [(m.application_id, m.approved_at) for m in db.session.get(Atelier, atelier.id).artists] == [
        (applications[0].id, None), (applications[1].id, None)]


# --- the guide --------------------------------------------------------------------------------------------------------

def _guide_season(db, *, published=True):
    """Three ateliers in Asker (two) and Lier (one), numbered and (by default) published."""
    applications = factories.make_accepted_applications(count=3)
    open_ateliers = factories.make_open_ateliers(season=applications[0].call.season)
    asker, lier = factories.make_municipality(name="Asker"), factories.make_municipality(name="Lier")
    for application, municipality, address in zip(applications, (lier, asker, asker),
                                                   ("Lierbyen 5", "Vollenveien 9", "Arnestad 4")):
        factories.make_atelier(open_ateliers=open_ateliers, applications=[application], municipality=municipality,
                               address=address, latitude=59.8, longitude=10.4)
    if published:
        services.publish_guide(open_ateliers=open_ateliers, actor=None, anyway=True)
    db.session.commit()
    return open_ateliers, applications, asker, lier


def _numbers_and_addresses(page: str) -> list[tuple[str, str]]:
    return re.findall(r'class="guide-number">(\d+)<.*?class="atelier-address">([^,<]+)', page, re.S)


def test_the_published_guide_lists_numbered_ateliers_by_municipality_with_a_map(client, db):
    _, applications, _, _ = _guide_season(db)

    page = _page(client.get("/ateliers/2017/guide"))

    assert _numbers_and_addresses(page) == [("1", "Arnestad 4"), ("2", "Vollenveien 9"), ("3", "Lierbyen 5")]
    assert page.index(">Asker</h2>") < page.index(">Lier</h2>")
    assert all(application.artist.name in page for application in applications)
    markers = json.loads(re.search(r'data-markers="([^"]*)"', page).group(1).replace("&#34;", '"'))
    assert [marker["number"] for marker in markers] == [1, 2, 3]
    assert "/ateliers/2017/guide.pdf" in page and "js/guide-map.js" in page


def test_the_municipality_filter_keeps_one_municipality(client, db):
    _, _, asker, lier = _guide_season(db)

    page = _page(client.get(f"/ateliers/2017/guide?municipality={lier.id}"))

    assert _numbers_and_addresses(page) == [("3", "Lierbyen 5")]
    assert f'<option selected value="{lier.id}">' in page or f'value="{lier.id}" selected' in page


def test_the_open_now_filter_uses_the_time_in_oslo(client, db, monkeypatch):
    open_ateliers, _, _, _ = _guide_season(db)
    late = db.session.scalar(sa.select(Atelier).where(Atelier.address == "Lierbyen 5"))
    db.session.execute(sa.update(AtelierHours).where(AtelierHours.atelier_id == late.id).values(
        opens=time(16), closes=time(20)))
    db.session.commit()
    # 17:30 in Oslo on Saturday 16 September 2017: only the atelier open 16–20 is open.
    monkeypatch.setattr(views, "utcnow", lambda: datetime(2017, 9, 16, 15, 30, tzinfo=UTC))

    assert _numbers_and_addresses(_page(client.get("/ateliers/2017/guide?open_now=y"))) == [("3", "Lierbyen 5")]
    assert len(_numbers_and_addresses(_page(client.get("/ateliers/2017/guide")))) == 3


def test_before_publication_the_public_gets_a_notice_and_admins_a_preview(client, db, login):
    _guide_season(db, published=False)

    notice = client.get("/ateliers/2017/guide")
    assert notice.status_code == 200 and "published soon" in _page(notice)
    assert "Vollenveien 9" not in _page(notice)
    assert client.get("/ateliers/2017/guide.pdf").status_code == 404

    login(Role.ADMIN)
    preview = _page(client.get("/ateliers/2017/guide"))
    assert "Preview for the secretariat" in preview and "Vollenveien 9" in preview


def test_a_year_without_open_ateliers_is_not_found(client, db):
    assert client.get("/ateliers/2031/guide").status_code == 404
    assert client.get("/ateliers/2031/guide.pdf").status_code == 404


def test_the_pdf_guide_has_the_numbers_addresses_and_artists(client, db):
    _, applications, _, _ = _guide_season(db)

    response = client.get("/ateliers/2017/guide.pdf")

    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("1", "Arnestad 4", "3", "Lierbyen 5", *(a.artist.name for a in applications)):
        assert expected in text
    assert text.index("Arnestad 4") < text.index("Vollenveien 9") < text.index("Lierbyen 5")


def _grow(db, open_ateliers, count: int) -> None:
    """Add `count` ateliers with two accepted artists each and hours on every day, in bulk."""
    call_id = db.session.scalar(sa.select(Application.call_id))
    municipalities = [factories.make_municipality() for _ in range(5)]
    artists = [ArtistProfile(name=f"Bulk Artist {n}", municipality_id=municipalities[n % 5].id)
               for n in range(count * 2)]
    db.session.add_all(artists)
    db.session.flush()
    applications = [Application(call_id=call_id, artist_id=artist.id, status=ApplicationStatus.ACCEPTED)
                    for artist in artists]
    ateliers = [Atelier(open_ateliers_id=open_ateliers.id, address=f"Bulkveien {n}", postcode="3000",
                        city="Drammen", municipality_id=municipalities[n % 5].id, latitude=59.7, longitude=10.2)
                for n in range(count)]
    db.session.add_all(applications + ateliers)
    db.session.flush()
    db.session.add_all(AtelierArtist(atelier_id=ateliers[n // 2].id, application_id=application.id)
                       for n, application in enumerate(applications))
    db.session.add_all(AtelierHours(atelier_id=atelier.id, day=day, opens=time(11), closes=time(17))
                       for atelier in ateliers for day in DAYS)
    db.session.commit()


def test_the_guide_runs_as_many_queries_for_150_ateliers_as_for_10(client, db, count_queries):
    open_ateliers, _, _, _ = _guide_season(db)
    _grow(db, open_ateliers, 7)
    db.session.expire_all()
    with count_queries() as small:
        small_page = client.get("/ateliers/2017/guide")
    _grow(db, open_ateliers, 140)
    db.session.expire_all()
    with count_queries() as large:
        large_page = client.get("/ateliers/2017/guide")

    assert _page(small_page).count('class="atelier-entry"') == 10
    assert _page(large_page).count('class="atelier-entry"') == 150
    assert "Bulk Artist 279" in _page(large_page)
    assert large.count == small.count, large.statements
