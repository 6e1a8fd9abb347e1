"""Taking someone off an event's staff through the client: done and said, or refused and said, on the event page."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.auth.models import Role
from kunstvest.budget.models import BudgetCategory
from kunstvest.orchestra import events
from kunstvest.orchestra.models import EventKind, EventStaff, StaffRole
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _flashes(response) -> list[tuple[str, str]]:
    return [(kind, html.unescape(text)) for kind, text in
            re.findall(r'<p class="flash flash-(\w+)">\s*(.*?)\s*</p>', response.get_data(as_text=True), re.S)]


def test_staff_are_removed_unless_their_fee_is_booked(client, db, login):
    login(Role.ORCHESTRA_STAFF)
    orchestra_season = factories.make_orchestra_season()
    line = factories.make_budget_line(project=orchestra_season.season.project, year=2017,
                                      category=BudgetCategory.TUTOR_FEES)
    event = events.save_event(orchestra_season=orchestra_season, kind=EventKind.REHEARSAL_WEEKEND, title="Helg",
                              starts_on=date(2017, 10, 14), ends_on=date(2017, 10, 15),
                              venue=factories.make_venue())
    booked = events.add_staff(event=event, name="Vera Bratsj", role=StaffRole.SECTION_TUTOR, fee=Decimal("3500"),
                              budget_line=line)
    events.book_fees(event=event, booked_by=None)
    unbooked = events.add_staff(event=event, name="Otto Obo", role=StaffRole.SECTION_TUTOR, fee=Decimal("4000"),
                                budget_line=line)
    db.session.commit()
    event_url = f"/orchestra/staff/events/{event.id}"

    refused = client.post(f"/orchestra/staff/event-staff/{booked.id}/remove")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(event_url)
    assert _flashes(client.get(event_url)) == [("error", "Vera Bratsj's fee is booked already and stays on the "
                                                          "event.")]

    removed = client.post(f"/orchestra/staff/event-staff/{unbooked.id}/remove", follow_redirects=True)
    assert _flashes(removed) == [("success", "The person is taken off the staff.")]
    db.session.expire_all()
    assert list(db.session.scalars(sa.select(EventStaff.name))) == ["Vera Bratsj"]
