"""The staff's admission pages and the guardian's answer to an offered place, through the test client."""

from datetime import date, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import OutboxMessage
from kunstvest.extensions import db
from kunstvest.orchestra import admission
from kunstvest.orchestra.models import (Child, ChildInstrument, Enrolment, EnrolmentStatus, Group, Guardianship,
                                        OrchestraSeason, Section)
from kunstvest.reference.services import ensure_season
from tests import factories
from tests.spreadsheets import FORMULA_TEXTS, assert_xlsx_keeps_text, download_name, xlsx_cells


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def season(db):
    orchestra_season = factories.make_orchestra_season(year=2017)
    db.session.commit()
    return orchestra_season


def _section(code: str) -> Section:
    return db.session.scalar(sa.select(Section).where(Section.code == code))


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _reload(enrolment: Enrolment) -> Enrolment:
    db.session.expire_all()
    return db.session.get(Enrolment, enrolment.id)


@pytest.mark.parametrize("role", [Role.ORCHESTRA_STAFF, Role.ADMIN])
def test_staff_and_admins_see_the_admission_pages(client, login, season, role):
    login(role)
    for page in ("applications", "waiting-list", "roster", "targets", "reregistration", "edit"):
        assert client.get(f"/orchestra/staff/seasons/{season.id}/{page}").status_code == 200, page
    assert "2017" in _page(client.get("/orchestra/staff/seasons"))
    assert client.get("/orchestra/staff/figures").status_code == 200


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.VOLUNTEER, Role.ARTIST])
def test_others_may_not_see_the_staff_pages(client, login, season, role):
    login(role)
    assert client.get(f"/orchestra/staff/seasons/{season.id}/roster").status_code == 403
    assert client.get(f"/orchestra/staff/seasons/{season.id}/roster.xlsx").status_code == 403


def test_staff_create_a_season_for_a_project_and_year(client, login, db):
    login(Role.ORCHESTRA_STAFF)
    project = factories.make_project(name="Ungdomssymfonikerne")
    db.session.commit()
    response = client.post("/orchestra/staff/seasons/new", data={
        "project_id": project.id, "year": 2019, "starts_on": "2019-09-01", "ends_on": "2020-06-20", "min_age": 8,
        "max_age": 18, "senior_from_age": 12, "is_registration_open": "y", "reregistration_deadline": "2020-04-15",
        "offer_days": 10})
    assert response.status_code == 302
    orchestra_season = db.session.scalar(sa.select(OrchestraSeason))
    assert (orchestra_season.year, orchestra_season.season.project_id) == (2019, project.id)
    assert orchestra_season.is_registration_open and orchestra_season.offer_days == 10

    again = client.post("/orchestra/staff/seasons/new", data={
        "project_id": project.id, "year": 2019, "starts_on": "2019-09-01", "ends_on": "2020-06-20", "min_age": 8,
        "max_age": 18, "senior_from_age": 12, "offer_days": 10})
    assert "already has a season" in _page(again)


def test_staff_set_targets_and_see_the_shortage(client, login, season):
    login(Role.ORCHESTRA_STAFF)
    viola = _section("viola")
    response = client.post(f"/orchestra/staff/seasons/{season.id}/targets",
                           data={f"section_{section.id}": 2 if section is viola else 0
                                 for section in admission.all_sections()})
    assert response.status_code == 302
    page = _page(client.get(f"/orchestra/staff/seasons/{season.id}/waiting-list"))
    assert "2 viola players wanted" in page


def test_the_applications_page_lists_open_enrolments_with_age_and_instrument(client, login, season):
    login(Role.ORCHESTRA_STAFF)
    factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.APPLIED, child=factories.make_child(
        first_name="Ingrid", instrument="horn", years_played=3, date_of_birth=date(2007, 1, 1)))
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(first_name="Medlem"))
    db.session.commit()
    page = _page(client.get(f"/orchestra/staff/seasons/{season.id}/applications"))
    assert "Ingrid" in page and "horn" in page and "Medlem" not in page
    assert "By age: junior" in page  # 10 on 1 September 2017


def _decide(client, enrolment, decision: str, **fields):
    prefix = f"enrolment-{enrolment.id}-"
    return client.post(f"/orchestra/staff/enrolments/{enrolment.id}/decide",
                       data={prefix + "decision": decision, **{prefix + key: value for key, value in fields.items()}})


def test_staff_admit_with_a_chosen_group_offer_waitlist_and_decline(client, login, season):
    login(Role.ORCHESTRA_STAFF)
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    admitted, offered, waiting, declined = (
        factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.APPLIED,
                                 child=factories.make_child(guardians=[guardian], instrument="violin"))
        for _ in range(4))
    db.session.commit()

    assert _decide(client, admitted, "admit", section_id=_section("violin_2").id, group="junior").status_code == 302
    _decide(client, offered, "offer", section_id=_section("violin_1").id, group="")
    _decide(client, waiting, "waitlist")
    _decide(client, declined, "decline")

    admitted = _reload(admitted)
    assert (admitted.status, admitted.section.code, admitted.group) == (EnrolmentStatus.ADMITTED, "violin_2",
                                                                        Group.JUNIOR)
    offered = _reload(offered)
    assert offered.status == EnrolmentStatus.OFFERED and offered.offer_expires_on is not None
    assert list(db.session.scalars(sa.select(OutboxMessage.template).where(OutboxMessage.recipient == guardian.email)
                                   .order_by(OutboxMessage.id))) == [
        "orchestra_admitted", "orchestra_offer", "orchestra_declined"]  # waitlisting mails nobody
    assert _reload(waiting).status == EnrolmentStatus.WAITLISTED
    assert _reload(declined).status == EnrolmentStatus.DECLINED


def test_admitting_needs_a_section(client, login, season):
    login(Role.ORCHESTRA_STAFF)
    enrolment = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.APPLIED)
    db.session.commit()
    response = _decide(client, enrolment, "admit", section_id=0)
    assert "Choose a section" in _page(client.get(response.headers["Location"]))
    assert _reload(enrolment).status == EnrolmentStatus.APPLIED


def test_offer_next_and_expire_from_the_waiting_list_page(client, login, season):
    login(Role.ORCHESTRA_STAFF)
    admission.save_targets(orchestra_season=season, targets={_section("viola"): 1})
    violinist = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED,
                                         child=factories.make_child(instrument="violin"),
                                         applied_at=utcnow() - timedelta(days=2))
    violist = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED,
                                       child=factories.make_child(instrument="viola"))
    db.session.commit()
    assert "Offer a place in Bratsj" in _page(client.get(f"/orchestra/staff/seasons/{season.id}/waiting-list"))

    client.post(f"/orchestra/staff/seasons/{season.id}/offer-next", data={"section_id": _section("viola").id})

    assert _reload(violist).status == EnrolmentStatus.OFFERED
    assert _reload(violinist).status == EnrolmentStatus.WAITLISTED
    response = client.post(f"/orchestra/staff/seasons/{season.id}/expire-offers")
    assert "0 offers expired" in _page(client.get(response.headers["Location"]))


def test_staff_open_reregistration(client, login, season):
    login(Role.ORCHESTRA_STAFF)
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(guardians=[guardian],
                                                                                 first_name="Blir"))
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(first_name="Gammel",
                                                                                 date_of_birth=date(1999, 1, 1)))
    next_season = factories.make_orchestra_season(
        season=ensure_season(project=season.season.project, year=2018), reregistration_deadline=date(2018, 5, 1))
    db.session.commit()
    url = f"/orchestra/staff/seasons/{next_season.id}/reregistration"
    assert "Gammel" in _page(client.get(url))  # listed as too old before anything is sent

    client.post(url)

    page = _page(client.get(url))
    assert "Blir" in page and "offered" in page
    assert db.session.scalar(sa.select(OutboxMessage.template).where(OutboxMessage.recipient == guardian.email)) \
        == "orchestra_reregister"


# --- roster -----------------------------------------------------------------------------------------------------------

def _bulk_members(season, count: int) -> None:
    """`count` admitted members across the sections, each with two guardians, inserted in bulk."""
    municipalities = [factories.make_municipality() for _ in range(3)]
    section_ids = list(db.session.scalars(sa.select(Section.id)))
    guardians = [factories.make_user(roles=[Role.GUARDIAN]) for _ in range(2)]
    now = utcnow()
    child_ids = db.session.scalars(sa.insert(Child).returning(Child.id), [
        {"first_name": f"Barn{n}", "last_name": "Bulk", "date_of_birth": date(2004 + n % 8, 1 + n % 12, 1),
         "municipality_id": municipalities[n % 3].id, "created_at": now, "updated_at": now}
        for n in range(count)]).all()
    db.session.execute(sa.insert(ChildInstrument), [{"child_id": i, "instrument": "violin", "years_played": 2}
                                                     for i in child_ids])
    db.session.execute(sa.insert(Guardianship), [{"child_id": i, "user_id": guardian.id, "created_at": now}
                                                  for i in child_ids for guardian in guardians])
    db.session.execute(sa.insert(Enrolment), [
        {"orchestra_season_id": season.id, "child_id": i, "status": EnrolmentStatus.ADMITTED, "instrument": "violin",
         "section_id": section_ids[n % len(section_ids)], "group": Group.SENIOR, "applied_at": now,
         "created_at": now, "updated_at": now} for n, i in enumerate(child_ids)])
    db.session.commit()


def _queries_for(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_roster_and_export_run_as_many_queries_for_200_members_as_for_20(client, login, season, count_queries):
    login(Role.ORCHESTRA_STAFF)
    _bulk_members(season, 20)
    page, export = (f"/orchestra/staff/seasons/{season.id}/roster", f"/orchestra/staff/seasons/{season.id}/roster.xlsx")
    small = (_queries_for(client, count_queries, page), _queries_for(client, count_queries, export))
    assert "20 members" in _page(client.get(page))

    _bulk_members(season, 180)

    assert (_queries_for(client, count_queries, page), _queries_for(client, count_queries, export)) == small
    assert "200 members" in _page(client.get(page))


def test_roster_page_shows_sections_guardians_and_the_xlsx_download(client, login, season):
    login(Role.ORCHESTRA_STAFF)
    guardian = factories.make_user(roles=[Role.GUARDIAN], full_name="Kari Nordmann", email="kari@example.org")
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(
        guardians=[guardian], instrument="cello", first_name="Ola", last_name="Nordmann"))
    db.session.commit()

    page = _page(client.get(f"/orchestra/staff/seasons/{season.id}/roster"))
    assert "Cello (1)" in page and "Kari Nordmann" in page and "mailto:kari@example.org" in page
    assert "no photos on web" in page

    response = client.get(f"/orchestra/staff/seasons/{season.id}/roster.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    values = [cell.value for row in load_workbook(BytesIO(response.data)).active.iter_rows() for cell in row]
    assert {"Ola", "Nordmann", "Cello", "kari@example.org"} <= set(values)


def test_the_roster_export_keeps_formula_like_names_as_text_and_is_named_in_norwegian(client, login, season):
    login(Role.ORCHESTRA_STAFF)
    for text in FORMULA_TEXTS:
        factories.make_enrolment(orchestra_season=season, child=factories.make_child(first_name=text))
    db.session.commit()
    url = f"/orchestra/staff/seasons/{season.id}/roster.xlsx"

    english = client.get(url)
    with client.session_transaction() as session:
        session["locale"] = "nb"
    norwegian = client.get(url)

    assert_xlsx_keeps_text(english.data)
    assert sorted(cell.value for cell in xlsx_cells(english.data) if isinstance(cell.value, int)) == [12] * 6
    assert download_name(english) == "roster-2017.xlsx"
    assert download_name(norwegian) == "medlemsliste-2017.xlsx"
    assert load_workbook(BytesIO(norwegian.data)).active.title == "Medlemsliste"


def test_figures_page_shows_seasons_side_by_side(client, login, season):
    login(Role.ADMIN)
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(date_of_birth=date(2008, 1, 1)))
    factories.make_orchestra_season(season=ensure_season(project=season.season.project, year=2018))
    db.session.commit()
    page = _page(client.get("/orchestra/staff/figures"))
    assert page.index("2017") < page.index("2018")
    assert "Under 12" in page and "Members by municipality" in page


# --- the guardian's answer --------------------------------------------------------------------------------------------

@pytest.fixture
def offered(season):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    enrolment = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED,
                                         child=factories.make_child(guardians=[guardian], instrument="flute"))
    admission.offer_place(enrolment=enrolment, section=_section("flute"), today=admission.today_in_oslo())
    db.session.commit()
    return enrolment, guardian


def _log_in_as(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def test_a_guardian_accepts_the_offer(client, offered):
    enrolment, guardian = offered
    _log_in_as(client, guardian)
    assert "Accept the place" in _page(client.get(f"/orchestra/offers/{enrolment.id}"))

    response = client.post(f"/orchestra/offers/{enrolment.id}/answer", data={"answer": "accept"})

    assert response.status_code == 302
    assert "has a place in Fløyte" in _page(client.get(response.headers["Location"]))
    assert _reload(enrolment).status == EnrolmentStatus.ADMITTED


def test_a_guardian_declines_and_the_place_goes_to_the_next(client, season, offered):
    enrolment, guardian = offered
    admission.save_targets(orchestra_season=season, targets={_section("flute"): 1})
    next_child = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED,
                                          child=factories.make_child(instrument="flute"))
    db.session.commit()
    _log_in_as(client, guardian)
    decline_url = f"/orchestra/offers/{enrolment.id}/decline"
    assert f'href="{decline_url}"' in _page(client.get(f"/orchestra/offers/{enrolment.id}"))

    # The old decline button's answer, and the confirmation page, only ask: nothing is declined yet.
    asked = client.post(f"/orchestra/offers/{enrolment.id}/answer", data={"answer": "decline"})
    assert asked.headers["Location"].endswith(decline_url)
    page = _page(client.get(decline_url))
    assert f"Decline the place for {enrolment.child.first_name}?" in page
    assert "The place can go at once to the next child on the waiting list." in page
    assert f'href="/orchestra/offers/{enrolment.id}"' in page  # the way back keeps the offer
    assert _reload(enrolment).status == EnrolmentStatus.OFFERED
    assert _reload(next_child).status == EnrolmentStatus.WAITLISTED

    declined = client.post(decline_url, follow_redirects=True)

    assert f"You have declined the place for {enrolment.child.first_name}." in _page(declined)
    assert _reload(enrolment).status == EnrolmentStatus.DECLINED
    assert _reload(next_child).status == EnrolmentStatus.OFFERED
    assert client.get(decline_url).status_code == 302  # an answered offer has nothing left to decline


def test_another_guardian_gets_404_for_the_offer(client, login, offered):
    enrolment, _ = offered
    login(Role.GUARDIAN)
    assert client.get(f"/orchestra/offers/{enrolment.id}").status_code == 404
    assert client.post(f"/orchestra/offers/{enrolment.id}/answer", data={"answer": "accept"}).status_code == 404
    assert client.post("/orchestra/offers/999999/answer", data={"answer": "accept"}).status_code == 404
    assert client.get(f"/orchestra/offers/{enrolment.id}/decline").status_code == 404
    assert client.post(f"/orchestra/offers/{enrolment.id}/decline").status_code == 404
    assert _reload(enrolment).status == EnrolmentStatus.OFFERED


def test_staff_without_the_guardian_role_cannot_answer(client, login, offered):
    enrolment, _ = offered
    login(Role.ORCHESTRA_STAFF)
    assert client.post(f"/orchestra/offers/{enrolment.id}/answer", data={"answer": "accept"}).status_code == 403
