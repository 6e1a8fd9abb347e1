"""Registration services: the age rule, children and guardians, second guardians, versioned consent, health
information and personal data."""

from datetime import date

import pytest
import sqlalchemy as sa

from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.outbox import OutboxMessage
from kunstvest.common.personal_data import erase_user, export_personal_data
from kunstvest.orchestra import services
from kunstvest.orchestra.models import (ConsentPurpose, ConsentRecord, Enrolment, EnrolmentStatus, EventKind,
                                        EventStaff, GuardianInvitation, Guardianship, HealthInfo, Level,
                                        OrchestraEvent, StaffRole)
from kunstvest.orchestra.services import ConsentAnswer
from tests import factories

START = date(2017, 9, 1)


def _details(**changes) -> services.ChildDetails:
    fields = dict(first_name="Astrid", last_name="Berg", date_of_birth=date(2006, 3, 14),
                  instruments=[("viola", 3)], level=Level.INTERMEDIATE, teacher="Kari Lærer", school="Lier skole",
                  culture_school="Lier kulturskole", municipality=None, notes="Hentes av bestefar.")
    return services.ChildDetails(**(fields | changes))


@pytest.fixture
def season(db):
    """The 2017 season (starting 1 September), open for registration."""
    return factories.make_orchestra_season(starts_on=START, is_registration_open=True)


# --- the age rule -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("date_of_birth", "accepted"), [
    (date(2009, 9, 1), True),  # 8 on the start date
    (date(2009, 9, 2), False),  # turns 8 the day after the start
    (date(2010, 1, 1), False),  # 7
    (date(1999, 9, 1), True),  # 18 on the start date
    (date(1998, 9, 2), True),  # turns 19 the day after the start
    (date(1998, 9, 1), False),  # 19
])
def test_age_is_counted_on_the_season_start(season, date_of_birth, accepted):
    if accepted:
        services.check_age(date_of_birth=date_of_birth, orchestra_season=season)
    else:
        with pytest.raises(services.RegistrationError) as refused:
            services.check_age(date_of_birth=date_of_birth, orchestra_season=season)
        message = str(refused.value)
        assert "8 to 18" in message and "September 1, 2017" in message


def test_the_age_limits_come_from_the_season(db):
    season = factories.make_orchestra_season(starts_on=START, min_age=10, max_age=16)
    with pytest.raises(services.RegistrationError, match="10 to 16"):
        services.check_age(date_of_birth=date(2008, 1, 1), orchestra_season=season)


def test_registering_refuses_a_child_too_young(season):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    with pytest.raises(services.RegistrationError):
        services.register_child(guardian=guardian, orchestra_season=season,
                                details=_details(date_of_birth=date(2010, 5, 5)))


# --- children ---------------------------------------------------------------------------------------------------------

def test_registering_makes_the_child_the_guardianship_and_an_application(season):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    municipality = factories.make_municipality(name="Lier")
    child = services.register_child(guardian=guardian, orchestra_season=season, details=_details(
        municipality=municipality, instruments=[("viola", 3), ("piano", 1)]))
    second = services.register_child(guardian=guardian, orchestra_season=season,
                                     details=_details(first_name="Brage", instruments=[("horn", 2)]))

    assert [(i.instrument, i.years_played) for i in child.instruments] == [("viola", 3), ("piano", 1)]
    assert child.municipality == municipality and child.level == Level.INTERMEDIATE
    enrolment = services.enrolments_of(children=[child])[child.id][0]
    assert (enrolment.status, enrolment.instrument, enrolment.orchestra_season) == (
        EnrolmentStatus.APPLIED, "viola", season)
    assert services.children_of(user=guardian) == [child, second]


def test_registration_must_be_open_and_instruments_distinct(season):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    with pytest.raises(services.RegistrationError, match="differ"):
        services.register_child(guardian=guardian, orchestra_season=season,
                                details=_details(instruments=[("viola", 3), ("viola", 1)]))
    season.is_registration_open = False
    with pytest.raises(services.RegistrationError, match="closed"):
        services.register_child(guardian=guardian, orchestra_season=season, details=_details())


def test_updating_changes_instruments_and_an_unhandled_application(season):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = services.register_child(guardian=guardian, orchestra_season=season,
                                    details=_details(instruments=[("viola", 3), ("violin", 5)]))
    services.update_child(child=child, details=_details(first_name="Åse", instruments=[("violin", 6), ("viola", 3)]))
    factories.db.session.expire_all()

    assert child.first_name == "Åse"
    assert [(i.instrument, i.years_played) for i in child.instruments] == [("violin", 6), ("viola", 3)]
    applied_for = factories.db.session.scalar(sa.select(Enrolment.instrument).where(Enrolment.child_id == child.id))
    assert applied_for == "violin"
    with pytest.raises(services.RegistrationError):
        services.update_child(child=child, details=_details(date_of_birth=date(2012, 1, 1)))


def test_a_guardian_finds_only_their_own_children(season):
    ours, theirs = factories.make_user(roles=[Role.GUARDIAN]), factories.make_user(roles=[Role.GUARDIAN])
    child = factories.make_child(guardians=[ours])
    assert services.child_of(user=ours, child_id=child.id) == child
    assert services.child_of(user=theirs, child_id=child.id) is None
    assert services.children_of(user=theirs) == []


# --- a second guardian ------------------------------------------------------------------------------------------------

def test_a_second_guardian_is_invited_by_email_and_accepts_once(db):
    first = factories.make_user(roles=[Role.GUARDIAN], full_name="Mor Berg")
    child = factories.make_child(guardians=[first], first_name="Astrid")
    invitation = services.invite_guardian(child=child, email="Far@Example.org", invited_by=first)

    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.recipient == "far@example.org" and mail.template == "orchestra_invitation"
    assert f"/orchestra/invitations/{invitation.token}" in mail.body_text and "Mor Berg" in mail.body_text
    assert len(invitation.token) >= 40

    second = factories.make_user(roles=[], email="far@example.org")
    assert services.open_invitation(token=invitation.token) == invitation
    services.accept_invitation(invitation=invitation, user=second)

    assert second.has_role(Role.GUARDIAN)
    assert services.child_of(user=second, child_id=child.id) == child
    assert services.open_invitation(token=invitation.token) is None
    with pytest.raises(services.RegistrationError):
        services.accept_invitation(invitation=invitation, user=factories.make_user())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Guardianship)) == 2


def test_an_existing_guardian_is_not_invited_again(db):
    guardian = factories.make_user(roles=[Role.GUARDIAN], email="mor@example.org")
    child = factories.make_child(guardians=[guardian])
    with pytest.raises(services.RegistrationError, match="already"):
        services.invite_guardian(child=child, email="mor@example.org", invited_by=guardian)


# --- consent ----------------------------------------------------------------------------------------------------------

@pytest.fixture
def staff(db):
    """A member of the orchestra's staff."""
    return factories.make_user(roles=[Role.ORCHESTRA_STAFF])


def test_publishing_numbers_the_versions_and_is_audited(staff):
    first = services.publish_consent_text(purpose=ConsentPurpose.PHOTOS_WEB, text="Bilder på nett.", actor=staff)
    second = services.publish_consent_text(purpose=ConsentPurpose.PHOTOS_WEB, text="Bilder på nett, ny.", actor=staff)
    press = services.publish_consent_text(purpose=ConsentPurpose.PHOTOS_PRESS, text="Bilder i avis.", actor=staff)

    assert (first.version, second.version, press.version) == (1, 2, 1)
    assert services.current_texts() == {ConsentPurpose.PHOTOS_WEB: second, ConsentPurpose.PHOTOS_PRESS: press}
    audited = factories.db.session.scalars(sa.select(AuditEvent.action)).all()
    assert audited.count("orchestra.consent_text_published") == 3


def test_a_new_version_makes_the_old_consent_not_count(staff):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child, other = factories.make_child(guardians=[guardian]), factories.make_child(guardians=[guardian])
    old = services.publish_consent_text(purpose=ConsentPurpose.PHOTOS_WEB, text="v1", actor=staff)
    services.record_consent(child=child, consent_text=old, is_given=True, by=guardian)
    assert services.consent_summary(children=[child, other]) == {
        child.id: {ConsentPurpose.PHOTOS_WEB: True, ConsentPurpose.PHOTOS_PRESS: None,
                   ConsentPurpose.HEALTH_INFO: None, ConsentPurpose.TRAVEL: None},
        other.id: dict.fromkeys(ConsentPurpose)}

    new = services.publish_consent_text(purpose=ConsentPurpose.PHOTOS_WEB, text="v2", actor=staff)
    assert services.consent_state(children=[child])[child.id][ConsentPurpose.PHOTOS_WEB] == ConsentAnswer.NOT_ANSWERED
    assert "no photos on web" in services.consent_labels(children=[child])[child.id]
    with pytest.raises(services.ConsentError):
        services.record_consent(child=child, consent_text=old, is_given=True, by=guardian)

    services.record_consent(child=child, consent_text=new, is_given=True, by=guardian)
    assert services.consent_summary(children=[child])[child.id][ConsentPurpose.PHOTOS_WEB] is True
    assert "no photos on web" not in services.consent_labels(children=[child])[child.id]


def test_withdrawal_is_recorded_with_who_and_when(staff):
    guardian, second = factories.make_user(roles=[Role.GUARDIAN]), factories.make_user(roles=[Role.GUARDIAN])
    child = factories.make_child(guardians=[guardian, second])
    text = services.publish_consent_text(purpose=ConsentPurpose.TRAVEL, text="Reise.", actor=staff)
    services.record_consent(child=child, consent_text=text, is_given=True, by=guardian)
    services.record_consent(child=child, consent_text=text, is_given=False, by=second)

    assert services.consent_state(children=[child])[child.id][ConsentPurpose.TRAVEL] == ConsentAnswer.WITHDRAWN
    records = factories.db.session.scalars(sa.select(ConsentRecord).order_by(ConsentRecord.id)).all()
    assert [(r.is_given, r.recorded_by_id) for r in records] == [(True, guardian.id), (False, second.id)]
    assert all(r.recorded_at is not None and r.consent_text_id == text.id for r in records)
    assert services.consent_labels(children=[child])[child.id].count("no travel") == 1


def test_record_consents_records_only_changes(staff):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = factories.make_child(guardians=[guardian])
    for purpose in ConsentPurpose:
        services.publish_consent_text(purpose=purpose, text=f"Tekst {purpose}", actor=staff)
    answers = {purpose: True for purpose in ConsentPurpose}
    assert services.record_consents(child=child, answers=answers, by=guardian) == 4
    assert services.record_consents(child=child, answers=answers | {ConsentPurpose.TRAVEL: False}, by=guardian) == 1
    assert services.consent_labels(children=[child])[child.id] == "no travel"


def test_consent_state_for_many_children_is_one_query(staff, count_queries):
    text = services.publish_consent_text(purpose=ConsentPurpose.PHOTOS_WEB, text="v1", actor=staff)
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    children = [factories.make_child(guardians=[guardian]) for _ in range(12)]
    for child in children[::2]:
        services.record_consent(child=child, consent_text=text, is_given=True, by=guardian)
    factories.db.session.flush()
    with count_queries() as few:
        services.consent_summary(children=children[:2])
    with count_queries() as many:
        summary = services.consent_summary(children=children)
    assert few.count == many.count == 1
    assert [summary[c.id][ConsentPurpose.PHOTOS_WEB] for c in children[:3]] == [True, None, True]


# --- health information -----------------------------------------------------------------------------------------------

def _health_setting(staff):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = factories.make_child(guardians=[guardian])
    text = services.publish_consent_text(purpose=ConsentPurpose.HEALTH_INFO, text="Helse.", actor=staff)
    return guardian, child, text


def test_health_info_needs_the_current_consent(staff):
    guardian, child, text = _health_setting(staff)
    with pytest.raises(services.ConsentError):
        services.save_health_info(child=child, allergies="Nøtter", medical="", emergency_contacts="Mor 900 00 000")
    services.record_consent(child=child, consent_text=text, is_given=True, by=guardian)
    services.save_health_info(child=child, allergies="Nøtter", medical="Astma", emergency_contacts="Mor 900 00 000")
    assert services.health_info_of(child=child).allergies == "Nøtter"

    services.record_consent(child=child, consent_text=text, is_given=False, by=guardian)
    health = services.health_info_of(child=child)
    assert (health.allergies, health.medical, health.emergency_contacts) == ("", "", "Mor 900 00 000")


def test_staff_and_the_season_leaders_read_health_info_audited(staff):
    guardian, child, text = _health_setting(staff)
    season = factories.make_orchestra_season(starts_on=START)
    factories.make_enrolment(orchestra_season=season, child=child)
    event = OrchestraEvent(orchestra_season=season, kind=EventKind.REHEARSAL_WEEKEND, title="Helg 1",
                           starts_on=date(2017, 9, 16), ends_on=date(2017, 9, 17))
    leader, tutor = factories.make_user(), factories.make_user()
    event.staff = [EventStaff(user_id=leader.id, name="Leder", role=StaffRole.TOUR_LEADER, is_leader=True),
                   EventStaff(user_id=tutor.id, name="Tutor", role=StaffRole.SECTION_TUTOR, is_leader=False)]
    factories.db.session.add(event)
    factories.db.session.add(HealthInfo(child_id=child.id, allergies="Egg", emergency_contacts="Far"))
    factories.db.session.flush()

    during = date(2017, 9, 15)
    for reader in (staff, factories.make_user(roles=[Role.ADMIN]), leader):
        assert services.read_health_info(child=child, reader=reader, today=during).allergies == "Egg"
    for refused in (tutor, guardian, *(factories.make_user(roles=[role])
                                       for role in (Role.VOLUNTEER, Role.ARTIST, Role.JURY))):
        with pytest.raises(PermissionError):
            services.read_health_info(child=child, reader=refused, today=during)
    assert factories.db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "orchestra.health_read", AuditEvent.object_id == str(child.id),
        AuditEvent.actor_id.in_([staff.id, leader.id]))) == 2
    assert factories.db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "orchestra.health_read")) == 3  # the refused reads left no trace of a read


def test_a_leader_of_another_season_cannot_read(staff):
    _guardian, child, _text = _health_setting(staff)
    factories.make_enrolment(orchestra_season=factories.make_orchestra_season(starts_on=START), child=child)
    other_season = factories.make_orchestra_season(year=2018)
    leader = factories.make_user()
    factories.db.session.add(OrchestraEvent(
        orchestra_season=other_season, kind=EventKind.CONCERT, title="Konsert", starts_on=date(2018, 10, 1),
        ends_on=date(2018, 10, 1), staff=[EventStaff(user_id=leader.id, name="L", role=StaffRole.CONDUCTOR,
                                                     is_leader=True)]))
    factories.db.session.flush()
    assert not services.can_read_health(user=leader, child=child, today=date(2018, 10, 1))


# --- personal data ----------------------------------------------------------------------------------------------------

def test_export_holds_children_instruments_enrolments_consents_and_health(season, staff):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = services.register_child(guardian=guardian, orchestra_season=season,
                                    details=_details(instruments=[("viola", 3), ("piano", 1)]))
    text = services.publish_consent_text(purpose=ConsentPurpose.HEALTH_INFO, text="Helse.", actor=staff)
    services.record_consent(child=child, consent_text=text, is_given=True, by=guardian)
    services.save_health_info(child=child, allergies="Nøtter", medical="", emergency_contacts="Far 911")

    exported = export_personal_data(user=guardian)["orchestra"]["children"][0]
    assert exported["first_name"] == "Astrid" and exported["date_of_birth"] == "2006-03-14"
    assert [i["instrument"] for i in exported["instruments"]] == ["viola", "piano"]
    assert exported["enrolments"][0]["status"] == "applied" and exported["enrolments"][0]["season"] == 2017
    assert exported["consents"][0] == {"purpose": "health_info", "version": 1, "is_given": True,
                                       "recorded_at": exported["consents"][0]["recorded_at"]}
    assert exported["health"]["allergies"] == "Nøtter"
    assert export_personal_data(user=staff)["orchestra"] is None


def test_erasure_anonymises_a_child_only_when_no_guardian_is_left(db, staff):
    admin = factories.make_user(roles=[Role.ADMIN])
    alone = factories.make_user(roles=[Role.GUARDIAN])
    other = factories.make_user(roles=[Role.GUARDIAN])
    own_child = factories.make_child(guardians=[alone], first_name="Astrid", notes="Hentes kl. 16")
    shared_child = factories.make_child(guardians=[alone, other], first_name="Brage")
    db.session.add(HealthInfo(child_id=own_child.id, allergies="Egg", medical="Astma", emergency_contacts="Far"))
    db.session.add(GuardianInvitation(child_id=own_child.id, email="x@example.org", token="t" * 40))
    db.session.flush()

    erase_user(user=alone, erased_by=admin)
    db.session.flush()
    db.session.expire_all()

    assert (own_child.first_name, own_child.last_name, own_child.notes) == ("—", "—", "")
    assert own_child.anonymised_at is not None and own_child.date_of_birth is not None
    health = services.health_info_of(child=own_child)
    assert (health.allergies, health.medical, health.emergency_contacts) == ("", "", "")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuardianInvitation)) == 0
    assert shared_child.first_name == "Brage" and shared_child.anonymised_at is None
    assert [g.user_id for g in shared_child.guardianships] == [other.id]
    assert services.children_of(user=alone) == []
