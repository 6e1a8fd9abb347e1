"""Guardianship and children's health data: second-guardian invitations only for the invited account, withdrawn
invitations and removed guardians with mails to both, guardians' reads audited, the weekend leaders' reading window,
one staff entry per person, erasing a guardian without ghost rows, and emergency contacts without the consent."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.outbox import OutboxMessage
from kunstvest.common.personal_data import erase_user
from kunstvest.orchestra import admission, events, services
from kunstvest.orchestra.models import (ConsentPurpose, Enrolment, EnrolmentStatus, EventKind, EventStaff,
                                        GuardianInvitation, Guardianship, HealthInfo, OrchestraEvent, Reply,
                                        StaffRole)
from tests import factories


pytestmark = pytest.mark.usefixtures("english")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _mails(db, template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.recipient)))


def _health_reads(db, actor) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "orchestra.health_read",
                                                               AuditEvent.actor_id == actor.id)))


# --- the second guardian's invitation ---------------------------------------------------------------------------------

@pytest.fixture
def family(db):
    """A first guardian (reads English), a child with allergies and an invitation for far@example.org."""
    first = factories.make_user(roles=[Role.GUARDIAN], full_name="Mor Berg", email="mor@example.org", locale="en")
    child = factories.make_child(guardians=[first], first_name="Astrid", last_name="Berg")
    db.session.add(HealthInfo(child_id=child.id, allergies="Peanøtter", emergency_contacts="Mor 900 00 000"))
    invitation = services.invite_guardian(child=child, email="far@example.org", invited_by=first)
    db.session.commit()
    return first, child, invitation


def test_another_account_cannot_accept_a_mistyped_invitation(client, login, db, family):
    _first, child, invitation = family
    artist = login(Role.ARTIST, email="kunstner@example.org")

    response = client.get(f"/orchestra/invitations/{invitation.token}")
    page = _page(response)
    assert response.status_code == 403
    assert "f***@example.org" in page and "far@example.org" not in page
    assert "Astrid" not in page and "Peanøtter" not in page
    assert client.post(f"/orchestra/invitations/{invitation.token}").status_code == 403

    db.session.expire_all()
    assert services.child_of(user=artist, child_id=child.id) is None
    assert not artist.has_role(Role.GUARDIAN)
    assert services.open_invitation(token=invitation.token) is not None  # still there for the right person
    assert client.get(f"/orchestra/staff/children/{child.id}/health").status_code == 403


def test_the_service_refuses_another_or_an_unverified_account(db, family):
    _first, _child, invitation = family
    with pytest.raises(services.InvitationForAnotherAccount, match=r"f\*\*\*@example.org"):
        services.accept_invitation(invitation=invitation, user=factories.make_user(email="fat@example.org"))
    unverified = factories.make_user(email="far@example.org", verified=False)
    with pytest.raises(services.InvitationForAnotherAccount):
        services.accept_invitation(invitation=invitation, user=unverified)
    assert invitation.accepted_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Guardianship)) == 1


def test_the_invited_account_accepts_and_both_guardians_are_mailed_in_their_language(client, login, db, family):
    first, child, invitation = family
    second = login(None, email="far@example.org", full_name="Far Berg", locale="nb")
    assert "Invitation to follow Astrid" in _page(client.get(f"/orchestra/invitations/{invitation.token}"))
    assert client.post(f"/orchestra/invitations/{invitation.token}").status_code == 302

    db.session.expire_all()
    assert services.child_of(user=second, child_id=child.id) is not None
    mails = _mails(db, "orchestra_guardian_added")
    assert [mail.recipient for mail in mails] == ["far@example.org", "mor@example.org"]
    to_second, to_first = mails
    assert to_first.subject == "Far Berg is now a guardian of Astrid"
    assert "Far Berg (far@example.org) has accepted the invitation" in to_first.body_text
    assert to_second.subject == "Far Berg er nå foresatt for Astrid"  # the second guardian reads bokmål
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "orchestra.guardian_added", AuditEvent.actor_id == second.id)) == 1


def test_the_first_guardian_sees_and_withdraws_a_pending_invitation(client, login, db, family):
    first, child, invitation = family
    token = invitation.token
    with client.session_transaction() as session:
        session["_user_id"] = first.get_id()
    page = _page(client.get(f"/orchestra/children/{child.id}/edit"))
    assert "far@example.org (invited, not yet accepted)" in page
    assert f"/orchestra/children/{child.id}/invitations/{invitation.id}/withdraw" in page

    response = client.post(f"/orchestra/children/{child.id}/invitations/{invitation.id}/withdraw")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuardianInvitation)) == 0
    assert "(invited, not yet accepted)" not in _page(client.get(f"/orchestra/children/{child.id}/edit"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "orchestra.guardian_invitation_withdrawn")) == 1

    login(None, email="far@example.org")
    assert client.get(f"/orchestra/invitations/{token}").status_code == 404


def test_an_address_already_invited_is_not_invited_twice(db, family):
    first, child, _invitation = family
    with pytest.raises(services.RegistrationError, match="already invited"):
        services.invite_guardian(child=child, email="FAR@example.org", invited_by=first)


def _two_guardians(db):
    first = factories.make_user(roles=[Role.GUARDIAN], full_name="Mor Berg", email="mor@example.org")
    child = factories.make_child(guardians=[first], first_name="Astrid")
    db.session.flush()
    second = factories.make_user(roles=[Role.GUARDIAN], full_name="Far Berg", email="far@example.org")
    db.session.add(Guardianship(child_id=child.id, user_id=second.id,
                                created_at=child.guardianships[0].created_at + timedelta(minutes=1)))
    db.session.commit()
    return first, second, child


def test_the_first_guardian_removes_the_second_after_confirming_and_both_are_mailed(client, db):
    first, second, child = _two_guardians(db)
    with client.session_transaction() as session:
        session["_user_id"] = first.get_id()
    edit = _page(client.get(f"/orchestra/children/{child.id}/edit"))
    assert f"/orchestra/children/{child.id}/guardians/{second.id}/remove" in edit
    confirm = client.get(f"/orchestra/children/{child.id}/guardians/{second.id}/remove")
    assert confirm.status_code == 200 and "Remove Far Berg as guardian of Astrid?" in _page(confirm)
    assert db.session.get(Guardianship, (child.id, second.id)) is not None  # the GET changed nothing

    assert client.post(f"/orchestra/children/{child.id}/guardians/{second.id}/remove").status_code == 302
    db.session.expire_all()
    assert services.guardians_of(child=child) == [first]
    assert [mail.recipient for mail in _mails(db, "orchestra_guardian_removed")] == ["far@example.org",
                                                                                    "mor@example.org"]
    with client.session_transaction() as session:
        session["_user_id"] = second.get_id()
    assert client.get(f"/orchestra/children/{child.id}/health").status_code == 404


def test_the_second_guardian_cannot_remove_the_first_nor_invite(client, db):
    first, second, child = _two_guardians(db)
    with client.session_transaction() as session:
        session["_user_id"] = second.get_id()
    assert client.get(f"/orchestra/children/{child.id}/guardians/{first.id}/remove").status_code == 403
    client.post(f"/orchestra/children/{child.id}/guardians/{first.id}/remove")
    assert len(services.guardians_of(child=child)) == 2
    with pytest.raises(services.RegistrationError, match="Only the guardian who registered"):
        services.invite_guardian(child=child, email="tante@example.org", invited_by=second)
    with pytest.raises(services.RegistrationError, match="cannot remove yourself"):
        services.remove_guardian(child=child, guardian=first, removed_by=first)


# --- guardians' reads are audited -------------------------------------------------------------------------------------

def _consent_to_health(child, guardian) -> None:
    staff = factories.make_user(roles=[Role.ORCHESTRA_STAFF])
    text = services.publish_consent_text(purpose=ConsentPurpose.HEALTH_INFO, text="Helse.", actor=staff)
    services.record_consent(child=child, consent_text=text, is_given=True, by=guardian)


def test_a_guardians_read_of_health_information_is_audited(client, login, db):
    guardian = login(Role.GUARDIAN)
    child = factories.make_child(guardians=[guardian])
    _consent_to_health(child, guardian)
    db.session.add(HealthInfo(child_id=child.id, allergies="Egg", emergency_contacts="Far 911"))
    db.session.commit()

    assert "Egg" in _page(client.get(f"/orchestra/children/{child.id}/health"))
    reads = _health_reads(db, guardian)
    assert len(reads) == 1
    assert reads[0].object_id == str(child.id) and reads[0].details == {"child_id": child.id, "as": "guardian"}


# --- the weekend leaders' window --------------------------------------------------------------------------------------

WEEKEND_START, WEEKEND_END = date(2017, 9, 16), date(2017, 9, 17)


@pytest.fixture
def weekend(db):
    """A rehearsal weekend with a leader, a member taking part, a member who declined and one not admitted, and
    a concert in October with its own leader."""
    season = factories.make_orchestra_season(year=2017)
    weekend = OrchestraEvent(orchestra_season=season, kind=EventKind.REHEARSAL_WEEKEND, title="Helg 1",
                             starts_on=WEEKEND_START, ends_on=WEEKEND_END)
    concert = OrchestraEvent(orchestra_season=season, kind=EventKind.CONCERT, title="Konsert",
                             starts_on=date(2017, 10, 21), ends_on=date(2017, 10, 21))
    leader, concert_leader = factories.make_user(), factories.make_user()
    weekend.staff = [EventStaff(user_id=leader.id, name="Leder", role=StaffRole.TOUR_LEADER, is_leader=True)]
    concert.staff = [EventStaff(user_id=concert_leader.id, name="Leder 2", role=StaffRole.CONDUCTOR,
                                is_leader=True)]
    db.session.add_all([weekend, concert])
    taking_part = factories.make_enrolment(orchestra_season=season).child
    declined = factories.make_enrolment(orchestra_season=season).child
    applied = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.APPLIED).child
    db.session.flush()
    db.session.add(Reply(event_id=weekend.id, child_id=declined.id, is_attending=False))
    db.session.flush()
    return weekend, leader, concert_leader, taking_part, declined, applied


@pytest.mark.parametrize(("today", "allowed"), [
    (WEEKEND_START - timedelta(days=8), False),
    (WEEKEND_START - timedelta(days=7), True),
    (WEEKEND_START - timedelta(days=6), True),
    (WEEKEND_START, True),
    (WEEKEND_END, True),
    (WEEKEND_END + timedelta(days=1), False),
])
def test_a_leader_reads_only_from_a_week_before_until_the_end(weekend, today, allowed):
    _event, leader, _other, taking_part, _declined, _applied = weekend
    assert services.can_read_health(user=leader, child=taking_part, today=today) is allowed


def test_a_leader_reads_only_the_children_taking_part(weekend):
    _event, leader, _other, taking_part, declined, applied = weekend
    assert services.can_read_health(user=leader, child=taking_part, today=WEEKEND_START)
    assert not services.can_read_health(user=leader, child=declined, today=WEEKEND_START)
    assert not services.can_read_health(user=leader, child=applied, today=WEEKEND_START)


def test_another_events_leader_cannot_read_during_this_event(weekend):
    _event, _leader, concert_leader, taking_part, _declined, _applied = weekend
    assert not services.can_read_health(user=concert_leader, child=taking_part, today=WEEKEND_START)
    with pytest.raises(PermissionError):
        services.read_health_info(child=taking_part, reader=concert_leader, today=WEEKEND_START)


def test_the_leader_reads_through_the_event_page_within_the_window_and_is_audited(client, db):
    today = events.today_in_oslo()
    season = factories.make_orchestra_season(year=today.year, starts_on=today - timedelta(days=60),
                                             ends_on=today + timedelta(days=200))
    soon = OrchestraEvent(orchestra_season=season, kind=EventKind.REHEARSAL_WEEKEND, title="Snart",
                          starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=4))
    later = OrchestraEvent(orchestra_season=season, kind=EventKind.REHEARSAL_WEEKEND, title="Senere",
                           starts_on=today + timedelta(days=8), ends_on=today + timedelta(days=9))
    leader = factories.make_user()
    soon.staff = [EventStaff(user_id=leader.id, name="Leder", role=StaffRole.TOUR_LEADER, is_leader=True)]
    later.staff = [EventStaff(user_id=leader.id, name="Leder", role=StaffRole.TOUR_LEADER, is_leader=True)]
    db.session.add_all([soon, later])
    child = factories.make_enrolment(orchestra_season=season).child
    db.session.add(HealthInfo(child_id=child.id, allergies="Skalldyr", emergency_contacts="Mor"))
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = leader.get_id()

    listing = _page(client.get(f"/orchestra/events/{soon.id}/health"))
    assert child.name in listing and f"/orchestra/staff/children/{child.id}/health" in listing
    assert "Skalldyr" in _page(client.get(f"/orchestra/staff/children/{child.id}/health"))
    assert len(_health_reads(db, leader)) == 1
    assert client.get(f"/orchestra/events/{later.id}/health").status_code == 404  # 8 days ahead: not yet


# --- one staff entry per person ---------------------------------------------------------------------------------------

def test_the_same_person_is_not_added_twice_to_an_events_staff(db, weekend):
    event, leader, *_rest = weekend
    with pytest.raises(events.AlreadyOnStaff, match="already on the staff"):
        events.add_staff(event=event, name="Another name", role=StaffRole.COMPANION, user=leader)
    events.add_staff(event=event, name="Kari Tutor", role=StaffRole.SECTION_TUTOR)
    with pytest.raises(events.AlreadyOnStaff):
        events.add_staff(event=event, name=" kari tutor ", role=StaffRole.TEACHER)
    assert len(event.staff) == 2


def test_the_database_refuses_an_account_twice_on_one_event(db, weekend):
    event, leader, *_rest = weekend
    db.session.add(EventStaff(event_id=event.id, user_id=leader.id, name="Igjen", role=StaffRole.COMPANION))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_the_staff_form_shows_the_duplicate_on_the_email_field(client, login, db, weekend):
    event, leader, *_rest = weekend
    db.session.commit()
    login(Role.ORCHESTRA_STAFF)
    response = client.post(f"/orchestra/staff/events/{event.id}/staff", data={
        "staff-name": "Leder", "staff-email": leader.email, "staff-role": "companion", "staff-section_id": "0",
        "staff-budget_line_id": "0"})
    page = _page(response)
    assert response.status_code == 400
    assert 'id="staff-email-error"' in page and "is already on the staff of this event" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventStaff)
                             .where(EventStaff.event_id == event.id)) == 1


# --- erasing a guardian -----------------------------------------------------------------------------------------------

@pytest.fixture
def erasure_setting(db):
    """A guardian alone with Astrid (member last season and this one, applied for next) and sharing Brage with
    another guardian; seasons around today."""
    today = events.today_in_oslo()
    past = factories.make_orchestra_season(year=today.year - 1, starts_on=today - timedelta(days=500),
                                           ends_on=today - timedelta(days=200))
    current = factories.make_orchestra_season(year=today.year, starts_on=today - timedelta(days=100),
                                              ends_on=today + timedelta(days=100))
    upcoming = factories.make_orchestra_season(year=today.year + 1, starts_on=today + timedelta(days=150),
                                               ends_on=today + timedelta(days=400))
    alone = factories.make_user(roles=[Role.GUARDIAN], full_name="Mor Alene")
    other = factories.make_user(roles=[Role.GUARDIAN], full_name="Far Berg")
    astrid = factories.make_child(guardians=[alone], first_name="Astrid", last_name="Alene")
    brage = factories.make_child(guardians=[alone, other], first_name="Brage", last_name="Berg")
    factories.make_enrolment(orchestra_season=past, child=astrid)
    factories.make_enrolment(orchestra_season=current, child=astrid)
    factories.make_enrolment(orchestra_season=upcoming, child=astrid, status=EnrolmentStatus.APPLIED)
    factories.make_enrolment(orchestra_season=current, child=brage)
    db.session.commit()
    return alone, astrid, brage, past, current, upcoming


def test_the_confirmation_page_says_what_happens_to_each_child(client, login, db, erasure_setting):
    alone, astrid, brage, *_seasons = erasure_setting
    login(Role.ADMIN)
    page = _page(client.get(f"/admin/users/{alone.id}/erase"))
    assert "Astrid Alene has no other guardian" in page
    assert "1 open application or offer is withdrawn." in page
    assert "The membership of 1 season not yet over ends." in page
    assert "Brage Berg stays registered with the other guardian: Far Berg." in page
    db.session.expire_all()
    assert db.session.get(type(alone), alone.id).erased_at is None  # asking erased nothing

    assert client.post(f"/admin/users/{alone.id}/erase").status_code == 302
    db.session.expire_all()
    assert db.session.get(type(alone), alone.id).erased_at is not None


def test_erasing_the_last_guardian_leaves_no_ghost_rows(db, erasure_setting):
    alone, astrid, brage, past, current, upcoming = erasure_setting
    erase_user(user=alone, erased_by=factories.make_user(roles=[Role.ADMIN]))
    db.session.commit()
    db.session.expire_all()

    assert astrid.anonymised_at is not None and astrid.left_on == events.today_in_oslo()
    assert admission.applications(orchestra_season=upcoming) == []
    assert admission.waiting_lists(orchestra_season=upcoming) == {}
    assert [member.child for member in admission.roster(orchestra_season=current)] == [brage]
    assert [member.child for member in admission.roster(orchestra_season=past)] == []
    assert [enrolment.child for enrolment in events.admitted_members(orchestra_season_id=current.id)] == [brage]
    statuses = dict(db.session.execute(sa.select(Enrolment.orchestra_season_id, Enrolment.status)
                                       .where(Enrolment.child_id == astrid.id)).all())
    assert statuses == {past.id: EnrolmentStatus.ADMITTED, current.id: EnrolmentStatus.LEFT,
                        upcoming.id: EnrolmentStatus.DECLINED}
    # Last season's figures still count the member, by year of birth and municipality.
    assert admission.member_figures(orchestra_seasons=[past])[0].members == 1
    assert brage.anonymised_at is None and services.guardians_of(child=brage)[0].full_name == "Far Berg"


# --- emergency contacts without the consent ---------------------------------------------------------------------------

def test_emergency_contacts_are_stored_without_the_health_consent(db):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = factories.make_child(guardians=[guardian])
    health = services.save_health_info(child=child, allergies="", medical="", emergency_contacts="Mor 900 00 000")
    assert health.emergency_contacts == "Mor 900 00 000"
    db.session.commit()
    with pytest.raises(services.ConsentError, match="emergency contacts can be saved without it"):
        services.save_health_info(child=child, allergies="Nøtter", medical="", emergency_contacts="Mor")
    db.session.rollback()

    _consent_to_health(child, guardian)
    services.save_health_info(child=child, allergies="Nøtter", medical="Astma", emergency_contacts="Far 911")
    stored = services.health_info_of(child=child)
    assert (stored.allergies, stored.medical, stored.emergency_contacts) == ("Nøtter", "Astma", "Far 911")
