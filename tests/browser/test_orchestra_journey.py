"""The orchestra from registration to the first weekend, in Norwegian: a guardian registers two children with
consent; the staff offer one a place and put the other on the waiting list; the offer arrives by email (through
the SMTP sink), the guardian accepts and sees the next weekend; attendance is taken on a phone."""

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from kunstvest.auth.models import Role
from kunstvest.common.outbox import send_due_messages
from kunstvest.extensions import db
from kunstvest.orchestra import events
from kunstvest.orchestra.models import (Attendance, AttendanceStatus, Child, Enrolment, EnrolmentStatus, EventKind,
                                        OrchestraSeason)
from tests import factories
from tests.browser.axe import axe_check, visit
from tests.browser.test_orchestra_registration import PHONE, _consent, _log_in_on_a_phone, _register, _setting

OFFER_LINK = re.compile(r"https?://\S+/orchestra/offers/\d+")


def _next_weekend(app) -> int:
    """A rehearsal weekend a week from now in the open season, with its reply deadline still ahead."""
    with app.app_context():
        orchestra_season = db.session.scalar(sa.select(OrchestraSeason))
        saturday = events.today_in_oslo() + timedelta(days=7)
        # The registration setting fixes the season's start in 2017 (the child's age counts from it); it runs on
        # until after next weekend, since an event lies within its season.
        orchestra_season.ends_on = saturday + timedelta(days=30)
        weekend = events.save_event(orchestra_season=orchestra_season, kind=EventKind.REHEARSAL_WEEKEND,
                                    title="Helgesamling i Lier", starts_on=saturday,
                                    ends_on=saturday + timedelta(days=1), place="Lier kulturskole",
                                    reply_deadline=saturday - timedelta(days=2))
        db.session.commit()
        return weekend.id


def _decide(page, child_name: str, decision: str, section_code: str | None = None) -> None:
    row = page.locator("main tr", has_text=child_name)
    if section_code:
        row.locator("select[name$=section_id]").select_option(label=_section_name(section_code))
    with page.expect_navigation():
        row.locator(f"button[value={decision}]").click()
    axe_check(page)
    expect(page.locator(".flash-success")).to_be_visible()


def _section_name(code: str) -> str:
    return {"viola": "Bratsj", "horn": "Horn"}[code]


def _offer_link(app, sink, email: str) -> str:
    """Run the outbox worker and return the link in the offer mailed to `email`."""
    with app.app_context():
        send_due_messages()
    bodies = [message.get_body(preferencelist=("plain",)).get_content()
              for message in sink.messages if email in message["To"]]
    links = [match.group(0) for body in bodies for match in OFFER_LINK.finditer(body)]
    assert len(links) == 1, bodies
    return links[0]


def test_from_registration_to_the_first_weekend(browser: Browser, live_server, app):
    setting = _setting(app)
    weekend_id = _next_weekend(app)
    with app.app_context():
        factories.make_user(roles=[Role.ORCHESTRA_STAFF], email="stab@example.org", full_name="Eirik Stab")
        db.session.commit()
    base = live_server.url

    guardian = _log_in_on_a_phone(browser, base, "forelder@example.org")
    visit(guardian, base + "/orchestra/")
    expect(guardian.locator("html")).to_have_attribute("lang", "nb")
    _register(guardian, first_name="Astrid", born="2006-03-14", instrument="viola",
              municipality_id=setting["municipality_id"])
    _consent(guardian, {"photos_web": "yes", "photos_press": "no", "health_info": "yes", "travel": "yes"})
    _register(guardian, first_name="Brage", born="2008-11-02", instrument="horn",
              municipality_id=setting["municipality_id"])
    _consent(guardian, {"photos_web": "no", "photos_press": "no", "health_info": "no", "travel": "yes"})

    # The staff offer Astrid a place among the violas and put Brage on the waiting list.
    staff = _log_in_on_a_phone(browser, base, "stab@example.org")
    with app.app_context():
        season_id = db.session.scalar(sa.select(OrchestraSeason.id))
    visit(staff, f"{base}/orchestra/staff/seasons/{season_id}/applications")
    _decide(staff, "Astrid Berg", "offer", "viola")
    _decide(staff, "Brage Berg", "waitlist")

    # The offer arrives by email; the guardian follows its link and accepts.
    link = _offer_link(app, live_server.smtp_sink, "forelder@example.org")
    visit(guardian, link)
    with guardian.expect_navigation():
        guardian.locator("main button[value=accept]").click()
    axe_check(guardian)
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Child.first_name, Enrolment.status).join(Enrolment.child)).all())
        assert statuses == {"Astrid": EnrolmentStatus.ADMITTED, "Brage": EnrolmentStatus.WAITLISTED}
        astrid_id = db.session.scalar(sa.select(Child.id).where(Child.first_name == "Astrid"))

    # The guardian sees the coming weekend for Astrid (and nothing for Brage, who is not a member yet).
    visit(guardian, base + "/orchestra/my/calendar")
    expect(guardian.locator(f"#event-{weekend_id}-child-{astrid_id}")).to_contain_text("Helgesamling i Lier")
    expect(guardian.locator(".calendar-entry")).to_have_count(1)

    # On the day, attendance is taken on a phone.
    visit(staff, f"{base}/orchestra/events/{weekend_id}/attendance?section=all")
    staff.check(f"input[name=status-{astrid_id}][value=present]")
    with staff.expect_navigation():
        staff.locator("#attendance-save").click()
    axe_check(staff)
    with app.app_context():
        assert db.session.scalars(sa.select(Attendance.status).where(
            Attendance.event_id == weekend_id, Attendance.child_id == astrid_id)).all() == [AttendanceStatus.PRESENT]
    assert PHONE["width"] == guardian.viewport_size["width"] == staff.viewport_size["width"]
