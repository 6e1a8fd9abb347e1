"""A section tutor takes attendance for their section on a phone: marks one member absent, saves, and the rows
are stored."""

from datetime import date

import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from kunstvest.extensions import db
from kunstvest.orchestra import events
from kunstvest.orchestra.models import Attendance, AttendanceStatus, EventKind, Section, StaffRole
from tests import factories
from tests.browser.axe import axe_check, log_in_at, visit

PHONE = {"width": 390, "height": 844}
EMAIL = "instruktor@example.org"
DAY = date(2017, 10, 14)


def _weekend(app) -> dict:
    """A rehearsal weekend with three first violins and a cellist; the tutor leads the first violins."""
    with app.app_context():
        orchestra_season = factories.make_orchestra_season()
        violin = db.session.scalar(sa.select(Section).where(Section.code == "violin_1"))
        violinists = []
        for name in ("Astrid", "Bjarne", "Cecilie"):
            child = factories.make_child(first_name=name)
            factories.make_enrolment(orchestra_season=orchestra_season, child=child, section_code="violin_1")
            violinists.append(child.id)
        cellist = factories.make_child(first_name="Dag", instrument="cello")
        factories.make_enrolment(orchestra_season=orchestra_season, child=cellist)
        weekend = events.save_event(orchestra_season=orchestra_season, kind=EventKind.REHEARSAL_WEEKEND,
                                    title="Helgesamling i Asker", starts_on=DAY, ends_on=date(2017, 10, 15),
                                    venue=factories.make_venue())
        tutor = factories.make_user(email=EMAIL, full_name="Ingrid Instruktør")
        events.add_staff(event=weekend, name=tutor.full_name, role=StaffRole.SECTION_TUTOR, user=tutor,
                         section=violin)
        db.session.commit()
        return {"event_id": weekend.id, "violinists": violinists, "cellist": cellist.id}


def _stored(app, event_id: int) -> dict[int, AttendanceStatus]:
    with app.app_context():
        rows = {row.child_id: row.status for row in db.session.scalars(
            sa.select(Attendance).where(Attendance.event_id == event_id, Attendance.day == DAY))}
        db.session.remove()
        return rows


def test_a_tutor_takes_attendance_for_their_section_on_a_phone(app, live_server, browser: Browser):
    weekend = _weekend(app)
    astrid, bjarne, cecilie = weekend["violinists"]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nb-NO")
    page = context.new_page()
    log_in_at(page, live_server.url, EMAIL, factories.PASSWORD)

    visit(page, f"{live_server.url}/orchestra/events/{weekend['event_id']}/attendance?day={DAY.isoformat()}")
    assert page.locator("html").get_attribute("lang") == "nb"
    expect(page.locator(".attendance-row")).to_have_count(3)
    expect(page.locator(f"#member-{weekend['cellist']}")).to_have_count(0)
    expect(page.locator(f"#status-{astrid}-present")).to_be_checked()

    page.locator(f"label[for=status-{bjarne}-absent]").click()
    expect(page.locator(f"#status-{bjarne}-absent")).to_be_checked()
    save = page.locator("#attendance-save")
    assert save.bounding_box()["height"] >= 44  # a thumb-sized target
    with page.expect_navigation():
        save.click()

    assert _stored(app, weekend["event_id"]) == {astrid: AttendanceStatus.PRESENT,
                                                 bjarne: AttendanceStatus.ABSENT,
                                                 cecilie: AttendanceStatus.PRESENT}
    expect(page.locator(f"#status-{bjarne}-absent")).to_be_checked()
    expect(page.locator(".flash-success")).to_have_count(1)
    axe_check(page)


def test_the_season_plan_pages_pass_axe(app, live_server, browser: Browser):
    from datetime import time, timedelta

    from kunstvest.auth.models import Role
    from kunstvest.budget.models import BudgetCategory
    from kunstvest.orchestra.models import SessionKind

    with app.app_context():
        today = events.today_in_oslo()
        orchestra_season = factories.make_orchestra_season(year=today.year, starts_on=today - timedelta(days=30),
                                                           ends_on=today + timedelta(days=300))
        guardian = factories.make_user(roles=[Role.GUARDIAN], email="forelder@example.org")
        factories.make_user(roles=[Role.ORCHESTRA_STAFF], email="stab@example.org")
        child = factories.make_child(guardians=[guardian], first_name="Astrid")
        factories.make_enrolment(orchestra_season=orchestra_season, child=child)
        factories.make_budget_line(project=orchestra_season.season.project, year=today.year,
                                   category=BudgetCategory.TUTOR_FEES)
        concert = events.save_event(orchestra_season=orchestra_season, kind=EventKind.CONCERT, title="Konsert",
                                    starts_on=today + timedelta(days=9), ends_on=today + timedelta(days=9),
                                    venue=factories.make_venue(), reply_deadline=today + timedelta(days=5),
                                    is_public=True)
        events.add_session(event=concert, kind=SessionKind.TUTTI, day=concert.starts_on,
                           starts=time(17), ends=time(19))
        db.session.commit()
        season_id, concert_id, child_id = orchestra_season.id, concert.id, child.id

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nb-NO")
    page = context.new_page()

    def log_in(email):
        context.clear_cookies()
        log_in_at(page, live_server.url, email, factories.PASSWORD)

    log_in("forelder@example.org")
    visit(page, f"{live_server.url}/orchestra/my/calendar")
    page.locator(f"#reply-{concert_id}-{child_id}-is_attending-0").check()
    with page.expect_navigation():
        page.locator(f"#event-{concert_id}-child-{child_id} [type=submit]").click()
    axe_check(page)
    visit(page, f"{live_server.url}/orchestra/my/calendar-link")
    with page.expect_navigation():
        page.locator("#create").click()
    axe_check(page)
    visit(page, f"{live_server.url}/orchestra/calendar")

    log_in("stab@example.org")
    for path in (f"/orchestra/staff/seasons/{season_id}/events", f"/orchestra/staff/events/{concert_id}",
                 f"/orchestra/staff/events/{concert_id}/edit", f"/orchestra/staff/events/{concert_id}/replies",
                 f"/orchestra/staff/seasons/{season_id}/attendance", f"/orchestra/staff/seasons/{season_id}/message",
                 f"/orchestra/events/{concert_id}/attendance"):
        visit(page, live_server.url + path)
