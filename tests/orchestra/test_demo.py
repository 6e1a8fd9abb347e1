"""The demo orchestra: the 2017 season of the annual report, next year's season open for registration with its
waiting list and weekends, and a second load adds nothing."""

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from kunstvest.demo import foundation, orchestra
from kunstvest.demo.days import DemoDay
from kunstvest.extensions import db as _db
from kunstvest.orchestra.models import (Attendance, AttendanceStatus, ConsentPurpose, ConsentRecord, ConsentText,
                                        Enrolment, EnrolmentStatus, EventKind, EventStaff, Group, HealthInfo,
                                        OrchestraEvent, OrchestraSeason, Reply, SessionKind, StaffRole)
from kunstvest.orchestra.services import check_age, registration_season
from kunstvest.reference.models import Season


def _season(year: int) -> OrchestraSeason:
    return _db.session.scalar(sa.select(OrchestraSeason).join(Season).where(Season.year == year))


def _enrolments(year: int, status: EnrolmentStatus = EnrolmentStatus.ADMITTED) -> list[Enrolment]:
    return list(_db.session.scalars(sa.select(Enrolment).where(
        Enrolment.orchestra_season_id == _season(year).id, Enrolment.status == status)))


def _age_on(born, day) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pytest.fixture
def demo(db, count_queries):
    """The foundation, then this module's loader; returns how many SQL statements the loader ran."""
    foundation.load()
    db.session.commit()
    with count_queries() as statements:
        orchestra.load()
        db.session.commit()
    return statements.count


def test_the_second_load_adds_nothing(demo_loaded_twice):
    _, first, second = demo_loaded_twice
    assert second == first
    assert first["orchestra_children"] == 52 + 52 + 1 + len(orchestra.APPLICANTS_NEXT)


def test_2017_has_52_members_29_aged_12_to_18_and_23_under_12(demo):
    # Rows go in by the batch: about 2 200 statements for some 110 children with their enrolments, consents and a
    # season's attendance, where one statement per row would be many times that. (Speed is bench's business.)
    assert demo < 3_000
    season = _season(2017)
    members = _enrolments(2017)
    ages = [_age_on(enrolment.child.date_of_birth, season.starts_on) for enrolment in members]
    assert len(members) == 52
    assert sum(12 <= age <= 18 for age in ages) == 29 and sum(8 <= age < 12 for age in ages) == 23
    assert all((enrolment.group == Group.SENIOR) == (age >= 12) for enrolment, age in zip(members, ages))
    assert len({enrolment.child.municipality.name for enrolment in members}) >= 6
    assert all(guardianship.user.email.endswith("@example.org")
               for enrolment in members for guardianship in enrolment.child.guardianships)


def test_some_sections_are_short_of_their_target(demo):
    season = _season(2017)
    players = Counter(enrolment.section.code for enrolment in _enrolments(2017))
    short = {target.section.code: target.target - players[target.section.code]
             for target in season.targets if players[target.section.code] < target.target}
    assert short.get("viola") == 2 and "bassoon" in short
    assert sum(target.target for target in season.targets) < len(_enrolments(2017))


def test_seven_weekends_and_two_concerts_with_schedule_tutors_replies_and_attendance(demo):
    events = list(_db.session.scalars(sa.select(OrchestraEvent).where(
        OrchestraEvent.orchestra_season_id == _season(2017).id).order_by(OrchestraEvent.starts_on)))
    kinds = Counter(event.kind for event in events)
    assert kinds == {EventKind.REHEARSAL_WEEKEND: 7, EventKind.CONCERT: 2}
    assert sum(event.is_public for event in events if event.kind == EventKind.CONCERT) == 1
    weekends = [event for event in events if event.kind == EventKind.REHEARSAL_WEEKEND]
    assert all(event.starts_on.weekday() == 5 and (event.ends_on - event.starts_on).days == 1 for event in weekends)
    assert len({event.place or event.venue.municipality.name for event in weekends}) == 7
    for event in weekends:
        kinds_of_sessions = Counter(session.kind for session in event.sessions)
        assert kinds_of_sessions[SessionKind.TUTTI] >= 2 and kinds_of_sessions[SessionKind.SECTIONAL] >= 4
        tutors = [staff for staff in event.staff if staff.role == StaffRole.SECTION_TUTOR]
        assert len(tutors) == 4 and all(tutor.fee and tutor.budget_line_id for tutor in tutors)
        assert [staff.user.email for staff in event.staff if staff.is_leader] == ["orkester@example.org"]

    replies = Counter((reply.event_id, reply.is_attending) for reply in _db.session.scalars(sa.select(Reply)))
    assert all(replies[(event.id, False)] >= 1 for event in weekends)
    concert = next(event for event in events if event.kind == EventKind.CONCERT)
    assert 0 < replies[(concert.id, True)] + replies[(concert.id, False)] < 52

    statuses = Counter(_db.session.scalars(sa.select(Attendance.status)))
    assert statuses[AttendanceStatus.PRESENT] > 10 * (statuses[AttendanceStatus.LATE]
                                                        + statuses[AttendanceStatus.ABSENT]) / 2
    assert statuses[AttendanceStatus.LATE] and statuses[AttendanceStatus.ABSENT]
    # The juniors play on Sundays only: one row each, the seniors two, per weekend.
    assert sum(statuses.values()) == 7 * (29 * 2 + 23)
    fee_staff = _db.session.scalars(sa.select(EventStaff).where(EventStaff.fee.is_not(None))).all()
    assert {staff.budget_line_id for staff in fee_staff} != {None}


def test_consent_versions_health_and_the_demo_family(demo):
    texts = {(text.purpose, text.version) for text in _db.session.scalars(sa.select(ConsentText))}
    assert texts == {(purpose, 1) for purpose in ConsentPurpose} | {(ConsentPurpose.PHOTOS_WEB, 2)}
    records = _db.session.scalars(sa.select(ConsentRecord)).all()
    photos_web = [record for record in records if record.consent_text.purpose == ConsentPurpose.PHOTOS_WEB]
    on_v1 = {record.child_id for record in photos_web if record.consent_text.version == 1 and record.is_given}
    on_v2 = {record.child_id for record in photos_web if record.consent_text.version == 2}
    assert on_v1 - on_v2, "some guardians have not answered the new photo text"
    assert any(not record.is_given for record in records)
    assert _db.session.scalar(sa.select(sa.func.count(HealthInfo.id))) == 2 * len(orchestra.HEALTH)  # 2017, next year

    children = {f"{guardianship.child.first_name}": guardianship.child.id
                for guardianship in _demo_guardianships()}
    assert set(children) == {"Emil", "Ida"}
    members = {enrolment.child_id for enrolment in _enrolments(2017)}
    next_year = DemoDay.of().next_year
    waiting = _enrolments(next_year, EnrolmentStatus.WAITLISTED)
    assert children["Emil"] in members
    assert {(enrolment.child_id, enrolment.instrument) for enrolment in waiting} >= {(children["Ida"], "viola")}
    assert {enrolment.instrument for enrolment in waiting} == {"viola", "violin"}
    assert _season(next_year).is_registration_open and not _season(2017).is_registration_open


def test_next_year_is_open_to_children_aged_8_to_18_today_and_has_weekends_ahead(demo):
    day = DemoDay.of()
    season = _season(day.next_year)
    assert registration_season() == season
    assert (season.starts_on, season.ends_on) == (date(day.next_year, 1, 1), date(day.next_year, 12, 31))
    nine_today = day.today.replace(year=day.today.year - 9, day=min(day.today.day, 28))
    check_age(date_of_birth=nine_today, orchestra_season=season)  # raises when the child is out of range
    members = _enrolments(day.next_year)
    assert len(members) == 52
    assert all(8 <= _age_on(enrolment.child.date_of_birth, season.starts_on) <= 18 for enrolment in members)
    assert all(enrolment.decided_at <= day.now for enrolment in members)
    events = _db.session.scalars(sa.select(OrchestraEvent).where(OrchestraEvent.orchestra_season_id == season.id)
                                 .order_by(OrchestraEvent.starts_on)).all()
    weekends = [event for event in events if event.kind == EventKind.REHEARSAL_WEEKEND]
    assert len(weekends) == 7 and all(event.starts_on.weekday() == 5 and event.starts_on > day.today
                                      for event in weekends)
    assert all(event.starts_on.year == event.reply_deadline.year == day.next_year for event in events)
    assert any(event.kind == EventKind.CONCERT and event.is_public for event in events)


def _demo_guardianships():
    from kunstvest.auth.models import User
    from kunstvest.orchestra.models import Guardianship

    return _db.session.scalars(sa.select(Guardianship).join(User).where(User.email == "foresatt@example.org")).all()
