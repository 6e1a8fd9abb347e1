"""Admission services: targets and shortages, the instrumentation-aware waiting list, offers and their expiry,
re-registration, groups by age, the roster, the figures and the anonymisation of former members."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kunstvest.budget.reports import audience_figures
from kunstvest.common.audit import AuditEvent
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import OutboxMessage
from kunstvest.common.spreadsheets import report_to_xlsx
from kunstvest.extensions import db
from kunstvest.orchestra import admission
from kunstvest.orchestra.cli import orchestra_cli
from kunstvest.orchestra.models import (Child, ChildInstrument, ConsentPurpose, ConsentRecord, ConsentText, Enrolment,
                                        EnrolmentStatus, Group, Guardianship, HealthInfo, Section)
from kunstvest.reference.services import ensure_season
from tests import factories

TODAY = date(2017, 6, 1)


def _section(code: str) -> Section:
    return db.session.scalar(sa.select(Section).where(Section.code == code))


def _wait(season, instrument: str, *, minutes_ago: int, **child_fields) -> Enrolment:
    """A child on the waiting list of an instrument, who applied `minutes_ago` minutes ago."""
    child = factories.make_child(instrument=instrument, **child_fields)
    return factories.make_enrolment(orchestra_season=season, child=child, status=EnrolmentStatus.WAITLISTED,
                                    applied_at=utcnow() - timedelta(minutes=minutes_ago))


def _mail_to(user) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)))


@pytest.fixture
def season(db):
    return factories.make_orchestra_season(year=2017, offer_days=14)


def test_group_follows_the_age_on_the_season_start(season):
    assert admission.group_for(orchestra_season=season, date_of_birth=date(2005, 9, 1)) == Group.SENIOR  # 12 that day
    assert admission.group_for(orchestra_season=season, date_of_birth=date(2005, 9, 2)) == Group.JUNIOR
    assert admission.age_on(date(2005, 9, 2), season.starts_on) == 11


def test_admit_derives_the_group_unless_the_staff_choose(season):
    young = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.APPLIED,
                                     child=factories.make_child(date_of_birth=date(2008, 1, 1)))
    admission.admit(enrolment=young, section=_section("violin_2"))
    assert (young.status, young.group, young.section.code) == (EnrolmentStatus.ADMITTED, Group.JUNIOR, "violin_2")

    chosen = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.APPLIED,
                                      child=factories.make_child(date_of_birth=date(2008, 1, 1)))
    admission.admit(enrolment=chosen, section=_section("viola"), group=Group.SENIOR)
    assert chosen.group == Group.SENIOR


def test_targets_and_shortages(season):
    admission.save_targets(orchestra_season=season, targets={_section("viola"): 3, _section("cello"): 1})
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(instrument="viola"))
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(instrument="cello"))
    offered = _wait(season, "viola", minutes_ago=5)
    admission.offer_place(enrolment=offered, section=_section("viola"), today=TODAY)

    by_section = {s.section.code: s for s in admission.shortages(orchestra_season=season)}

    viola = by_section["viola"]
    assert (viola.target, viola.admitted, viola.offered, viola.short_by) == (3, 1, 1, 1)
    assert by_section["cello"].short_by == 0
    assert "flute" not in by_section

    admission.save_targets(orchestra_season=season, targets={_section("cello"): 0})
    assert {t.section.code for t in season.targets} == {"viola"}


def test_a_new_season_starts_with_last_seasons_targets(season):
    admission.save_targets(orchestra_season=season, targets={_section("horn"): 4})
    next_year = admission.save_orchestra_season(
        season=ensure_season(project=season.season.project, year=2018), starts_on=date(2018, 9, 1),
        ends_on=date(2019, 6, 30), min_age=8, max_age=18, senior_from_age=12, is_registration_open=True,
        reregistration_deadline=date(2018, 5, 1), offer_days=14)
    assert {(t.section.code, t.target) for t in next_year.targets} == {("horn", 4)}


def test_offer_next_follows_the_instrumentation_not_the_order_of_arrival(season):
    admission.save_targets(orchestra_season=season, targets={_section("viola"): 1})
    violinist = _wait(season, "violin", minutes_ago=60)
    violist = _wait(season, "viola", minutes_ago=10)
    later_violist = _wait(season, "viola", minutes_ago=5)

    offered = admission.offer_next(orchestra_season=season, section=_section("viola"), today=TODAY)

    assert offered is violist
    assert (violist.status, violist.section.code) == (EnrolmentStatus.OFFERED, "viola")
    assert violist.offer_expires_on == TODAY + timedelta(days=14)
    assert violinist.status == later_violist.status == EnrolmentStatus.WAITLISTED
    assert admission.waiting_list(orchestra_season=season, instrument="viola") == [later_violist]
    # The one place is offered; there is no second.
    assert admission.offer_next(orchestra_season=season, section=_section("viola"), today=TODAY) is None


def test_an_offer_emails_every_guardian_with_the_accept_by_date(season):
    guardians = [factories.make_user(roles=["guardian"]), factories.make_user(roles=["guardian"])]
    enrolment = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.APPLIED,
                                         child=factories.make_child(guardians=guardians, instrument="flute"))
    admission.offer_place(enrolment=enrolment, section=_section("flute"), today=TODAY)

    for guardian in guardians:
        [message] = _mail_to(guardian)
        assert message.template == "orchestra_offer"
        assert f"/orchestra/offers/{enrolment.id}" in message.body_text
        assert "15.06.2017" in message.body_text  # bokmål, the guardian's language


def test_accepting_an_offer_admits_into_the_offered_section(season):
    enrolment = _wait(season, "cello", minutes_ago=1)
    admission.offer_place(enrolment=enrolment, section=_section("cello"), today=TODAY)
    assert admission.answer_offer(enrolment=enrolment, accept=True, today=TODAY + timedelta(days=14)) is None
    assert (enrolment.status, enrolment.section.code) == (EnrolmentStatus.ADMITTED, "cello")
    with pytest.raises(admission.AdmissionError, match="no longer open"):
        admission.answer_offer(enrolment=enrolment, accept=False, today=TODAY)


def test_an_offer_cannot_be_accepted_after_its_date(season):
    enrolment = _wait(season, "cello", minutes_ago=1)
    admission.offer_place(enrolment=enrolment, section=_section("cello"), today=TODAY)
    with pytest.raises(admission.AdmissionError, match="could be accepted until"):
        admission.answer_offer(enrolment=enrolment, accept=True, today=TODAY + timedelta(days=15))
    assert enrolment.status == EnrolmentStatus.OFFERED


def test_declining_offers_the_place_to_the_next_on_that_instrument(season):
    admission.save_targets(orchestra_season=season, targets={_section("oboe"): 1})
    first = _wait(season, "oboe", minutes_ago=30)
    _wait(season, "flute", minutes_ago=20)
    second = _wait(season, "oboe", minutes_ago=10)
    admission.offer_next(orchestra_season=season, section=_section("oboe"), today=TODAY)

    passed_on = admission.answer_offer(enrolment=first, accept=False, today=TODAY + timedelta(days=2))

    assert first.status == EnrolmentStatus.DECLINED
    assert passed_on is second and second.status == EnrolmentStatus.OFFERED
    assert second.offer_expires_on == TODAY + timedelta(days=16)
    assert [m.template for m in _mail_to(second.child.guardianships[0].user)] == ["orchestra_offer"]


def test_expired_offers_go_to_the_next_waiting(season):
    admission.save_targets(orchestra_season=season, targets={_section("horn"): 1})
    first = _wait(season, "horn", minutes_ago=30)
    second = _wait(season, "horn", minutes_ago=10)
    admission.offer_next(orchestra_season=season, section=_section("horn"), today=TODAY)

    assert admission.expire_offers(today=TODAY + timedelta(days=14)).expired == []  # the last day still counts
    outcome = admission.expire_offers(today=TODAY + timedelta(days=15))

    assert outcome.expired == [first] and first.status == EnrolmentStatus.EXPIRED
    assert outcome.offered == [second] and second.status == EnrolmentStatus.OFFERED
    assert _mail_to(second.child.guardianships[0].user)


def test_expire_offers_command(runner, db, season):
    admission.save_targets(orchestra_season=season, targets={_section("tuba"): 1})
    stale = _wait(season, "tuba", minutes_ago=30)
    admission.offer_place(enrolment=stale, section=_section("tuba"), today=date(2000, 1, 1))
    db.session.commit()

    result = runner.invoke(orchestra_cli, ["expire-offers", "--base-url", "https://kunstvest.example.org"])

    assert result.exit_code == 0, result.output
    assert "1 offers expired" in result.output
    db.session.expire_all()
    assert db.session.get(Enrolment, stale.id).status == EnrolmentStatus.EXPIRED


def test_staff_decisions_only_on_open_enrolments(season):
    member = factories.make_enrolment(orchestra_season=season)
    with pytest.raises(admission.AdmissionError, match="already admitted"):
        admission.put_on_waiting_list(enrolment=member)
    applied = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.APPLIED)
    admission.decline(enrolment=applied)
    assert applied.status == EnrolmentStatus.DECLINED
    assert db_audit_actions() >= {"orchestra.enrolment_declined"}


def db_audit_actions() -> set[str]:
    return set(db.session.scalars(sa.select(AuditEvent.action)))


# --- re-registration --------------------------------------------------------------------------------------------------

@pytest.fixture
def next_season(season):
    return factories.make_orchestra_season(season=ensure_season(project=season.season.project, year=2018),
                                           reregistration_deadline=date(2018, 5, 15))


def test_reregistration_offers_members_their_places_and_lists_those_too_old(season, next_season):
    guardian = factories.make_user(roles=["guardian"])
    staying = factories.make_enrolment(orchestra_season=season, section_code="violin_2", group=Group.JUNIOR,
                                       child=factories.make_child(guardians=[guardian], date_of_birth=date(2006, 6, 1)))
    too_old = factories.make_enrolment(orchestra_season=season,
                                       child=factories.make_child(date_of_birth=date(1999, 8, 1)))  # 19 in Sept 2018
    factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED)

    outcome = admission.open_reregistration(from_season=season, to_season=next_season)

    [offer] = outcome.offered
    assert offer.child is staying.child and offer.is_reregistered
    assert (offer.status, offer.section.code, offer.offer_expires_on) == (EnrolmentStatus.OFFERED, "violin_2",
                                                                          date(2018, 5, 15))
    assert offer.group == Group.SENIOR  # 12 on 1 September 2018
    assert outcome.aged_out == [too_old]
    assert [m.template for m in _mail_to(guardian)] == ["orchestra_reregister"]
    assert admission.aged_out(from_season=season, to_season=next_season) == [too_old]

    again = admission.open_reregistration(from_season=season, to_season=next_season)
    assert again.offered == [] and again.already_enrolled == 1


def test_an_unanswered_reregistration_expires_and_the_place_goes_to_the_waiting_list(season, next_season):
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(instrument="viola"))
    admission.save_targets(orchestra_season=next_season, targets={_section("viola"): 1})
    [offer] = admission.open_reregistration(from_season=season, to_season=next_season).offered
    waiting = _wait(next_season, "viola", minutes_ago=1)

    outcome = admission.expire_offers(today=date(2018, 5, 16))

    assert outcome.expired == [offer] and offer.status == EnrolmentStatus.EXPIRED
    assert outcome.offered == [waiting]


def test_reregistration_needs_a_deadline(season):
    later = factories.make_orchestra_season(season=ensure_season(project=season.season.project, year=2018))
    with pytest.raises(admission.AdmissionError, match="deadline"):
        admission.open_reregistration(from_season=season, to_season=later)


# --- roster -----------------------------------------------------------------------------------------------------------

def _consent(child, purpose: ConsentPurpose, version: int, is_given: bool) -> None:
    text = db.session.scalar(sa.select(ConsentText).where(ConsentText.purpose == purpose,
                                                          ConsentText.version == version))
    if text is None:
        text = ConsentText(purpose=purpose, version=version, text=f"{purpose} v{version}")
        db.session.add(text)
        db.session.flush()
    db.session.add(ConsentRecord(child_id=child.id, consent_text_id=text.id, is_given=is_given))
    db.session.flush()


def test_roster_in_score_order_with_guardians_and_consent(season):
    guardian = factories.make_user(roles=["guardian"], full_name="Kari Nordmann")
    guardian.phone = "+47 900 00 000"
    cellist = factories.make_enrolment(orchestra_season=season, child=factories.make_child(
        guardians=[guardian], instrument="cello", first_name="Ola", date_of_birth=date(2007, 3, 3)))
    flautist = factories.make_enrolment(orchestra_season=season, child=factories.make_child(instrument="flute"))
    factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED)
    for purpose in ConsentPurpose:
        _consent(cellist.child, purpose, 1, True)
    _consent(cellist.child, ConsentPurpose.PHOTOS_WEB, 1, False)  # withdrawn later
    for purpose in ConsentPurpose:
        _consent(flautist.child, purpose, 1, True)
    _consent(flautist.child, ConsentPurpose.TRAVEL, 2, True)  # only the flautist consented to the new travel text
    text = ConsentText(purpose=ConsentPurpose.PHOTOS_PRESS, version=2, text="new")
    db.session.add(text)
    db.session.flush()

    members = admission.roster(orchestra_season=season)

    assert [m.enrolment for m in members] == [flautist, cellist]  # flute comes before cello in the score
    cello = members[1]
    assert cello.age == 10 and cello.guardians[0].name == "Kari Nordmann"
    assert cello.guardians[0].phone == "+47 900 00 000"
    # A consent to an old version no longer counts.
    assert cello.consent == "no photos on web, no photos in press, no travel"
    assert members[0].consent == "no photos in press"


def _bulk_members(season, count: int) -> None:
    """`count` admitted members, each with a guardian, inserted in bulk."""
    municipality = factories.make_municipality()
    section_ids = list(db.session.scalars(sa.select(Section.id)))
    guardian = factories.make_user(roles=["guardian"])
    child_ids = db.session.scalars(sa.insert(Child).returning(Child.id), [
        {"first_name": f"Barn{n}", "last_name": "Bulk", "date_of_birth": date(2006, 1, 1 + n % 28),
         "municipality_id": municipality.id, "created_at": utcnow(), "updated_at": utcnow()}
        for n in range(count)]).all()
    db.session.execute(sa.insert(ChildInstrument), [{"child_id": i, "instrument": "violin", "years_played": 2}
                                                     for i in child_ids])
    db.session.execute(sa.insert(Guardianship), [{"child_id": i, "user_id": guardian.id, "created_at": utcnow()}
                                                  for i in child_ids])
    db.session.execute(sa.insert(Enrolment), [
        {"orchestra_season_id": season.id, "child_id": i, "status": EnrolmentStatus.ADMITTED, "instrument": "violin",
         "section_id": section_ids[n % len(section_ids)], "group": Group.SENIOR, "applied_at": utcnow(),
         "created_at": utcnow(), "updated_at": utcnow()} for n, i in enumerate(child_ids)])
    db.session.commit()


def test_roster_xlsx_holds_every_member(season):
    guardian = factories.make_user(roles=["guardian"], full_name="Per Hansen", email="per@example.org")
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(
        guardians=[guardian], instrument="viola", first_name="Sigrid", last_name="Berg"))
    _bulk_members(season, 5)

    report = admission.roster_report(orchestra_season=season, members=admission.roster(orchestra_season=season))
    sheet = load_workbook(BytesIO(report_to_xlsx(report))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    header_index = next(i for i, row in enumerate(rows) if row[0] == "Section")
    members = [row for row in rows[header_index + 1:] if row[0]]
    assert len(members) == 6
    sigrid = next(row for row in members if row[1] == "Sigrid")
    assert sigrid[:3] == ["Bratsj", "Sigrid", "Berg"] and sigrid[6] == "Per Hansen" and sigrid[7] == "per@example.org"


# --- figures ----------------------------------------------------------------------------------------------------------

def test_figures_by_age_band_section_and_municipality_per_season(season, next_season):
    home = factories.make_municipality(name="Asker")
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(
        instrument="viola", date_of_birth=date(2006, 1, 1), municipality=home))  # 11 on 1 Sept 2017
    factories.make_enrolment(orchestra_season=season, child=factories.make_child(
        instrument="viola", date_of_birth=date(2003, 1, 1), municipality=home))
    factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED)
    factories.make_enrolment(orchestra_season=next_season, child=factories.make_child(
        instrument="cello", date_of_birth=date(2003, 1, 1), municipality=home))

    this_year, next_year = admission.member_figures(orchestra_seasons=[season, next_season])

    assert (this_year.members, this_year.under_12, this_year.from_12) == (2, 1, 1)
    assert this_year.by_section == {"Bratsj": 2} and this_year.by_municipality == {"Asker": 2}
    assert (next_year.members, next_year.by_section) == (1, {"Cello": 1})
    report = admission.figures_report(figures=[this_year, next_year])
    assert report.tables[0].headers[1:] == ["2017", "2018"]
    assert report.tables[0].rows[1] == ["Under 12", 1, 0]
    assert dict(audience_figures(season.season.project, 2017)) == {
        "Orchestra members": 2, "Members under 12": 1, "Members aged 12–18": 1}


# --- anonymisation ----------------------------------------------------------------------------------------------------

def test_anonymise_command(runner, db, season):
    guardian = factories.make_user(roles=["guardian"])
    old_season = factories.make_orchestra_season(season=ensure_season(project=season.season.project,
                                                                                year=2010))
    former = factories.make_child(guardians=[guardian], first_name="Gammel", date_of_birth=date(1996, 7, 9),
                                  notes="asthma", teacher="Lærer", school="Skole")
    factories.make_enrolment(orchestra_season=old_season, child=former)
    db.session.add(HealthInfo(child_id=former.id, allergies="nuts"))
    left = factories.make_child(first_name="Sluttet", left_on=date(2011, 1, 10))
    factories.make_enrolment(orchestra_season=old_season, child=left, status=EnrolmentStatus.LEFT)
    member = factories.make_child(first_name="Aktiv")
    factories.make_enrolment(orchestra_season=old_season, child=member)
    factories.make_enrolment(orchestra_season=factories.make_orchestra_season(
        season=ensure_season(project=season.season.project, year=utcnow().year)), child=member)
    db.session.commit()

    result = runner.invoke(orchestra_cli, ["anonymise", "--years", "3"])

    assert result.exit_code == 0, result.output
    assert "2 former members anonymised" in result.output
    db.session.expire_all()
    former = db.session.get(Child, former.id)
    assert (former.first_name, former.last_name, former.notes, former.teacher, former.school) == ("—", "—", "", "",
                                                                                                   "")
    assert former.date_of_birth == date(1996, 1, 1) and former.anonymised_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HealthInfo)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Guardianship)
                             .where(Guardianship.child_id == former.id)) == 0
    assert db.session.get(Child, left.id).anonymised_at is not None
    assert db.session.get(Child, member.id).first_name == "Aktiv"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "orchestra.child_anonymised")) == 2

    assert "0 former members anonymised" in runner.invoke(orchestra_cli, ["anonymise"]).output


def test_anonymise_waits_the_given_years_from_the_day_a_member_left(db, season):
    child = factories.make_child(left_on=date(2015, 6, 1))
    spring_2015 = factories.make_orchestra_season(season=ensure_season(project=season.season.project, year=2014))
    factories.make_enrolment(orchestra_season=spring_2015, child=child)  # the season ended 30 June 2015
    assert admission.anonymise_former_members(years=3, today=date(2018, 5, 31)) == []
    assert admission.anonymise_former_members(years=3, today=date(2018, 6, 2)) == [child]
    assert isinstance(child.anonymised_at, datetime)
