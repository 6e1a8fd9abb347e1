"""The demo's actuals and the domains' bookings count each amount once: every booking action the demo offers, clicked
twice through its confirmation, leaves the reported results; and a demo loaded by the old code is mended by loading."""

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from kunstvest.auth.models import User
from kunstvest.budget import reports
from kunstvest.budget.models import BudgetLine, Transaction
from kunstvest.budget.services import budget_lines_with_actuals, project_by_code, record_actual, totals
from kunstvest.common.audit import AuditEvent
from kunstvest.demo import foundation
from kunstvest.exhibitions.models import Funding
from kunstvest.orchestra.models import OrchestraEvent, OrchestraSeason
from kunstvest.reference.models import Season

REPORTED = {("kunst-rett-vest", 2017): Decimal("-223707"), ("kunst-rett-vest", 2016): Decimal("-289794"),
            ("ungdomssymfonikerne", 2017): Decimal("7086")}
NOTHING_CHANGED_FEES = "All fees were already booked; nothing changed."
NOTHING_CHANGED_FUNDING = "The funding is saved. It was booked already as received; the booking is unchanged."


class _Forms(HTMLParser):
    """The forms of a page as a browser would post them: action, id and the value of every named field."""

    def __init__(self, page: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "id": attrs.get("id"), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name") and (attrs.get("type") != "checkbox" or "checked" in attrs):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.forms[-1]["fields"]):
            self.forms[-1]["fields"][self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def with_field(self, name: str) -> dict | None:
        return next((form for form in self.forms if name in form["fields"]), None)

    def by_id(self, form_id: str) -> dict | None:
        return next((form for form in self.forms if form["id"] == form_id), None)


def _page(response) -> str:
    return response.get_data(as_text=True)


def _flashes(response) -> list[str]:
    return [re.sub(r"\s+", " ", message).strip()
            for message in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', _page(response), re.S)]


def _log_in_as(client, db, email: str) -> None:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"], session["locale"] = user.get_id(), True, "en"


def _reported_results(app) -> dict[tuple[str, int], Decimal]:
    """The actual result of each reported project year, as the budget-vs-actual report gives it."""
    results = {}
    with app.test_request_context(), force_locale("en"):
        for code, year in REPORTED:
            report = reports.budget_vs_actual(project=project_by_code(code), year=year)
            [result_table] = [table for table in report.tables if len(table.headers) == 4 and not table.footer]
            results[code, year] = result_table.rows[0][2]
            assert totals(budget_lines_with_actuals(year=year, project=project_by_code(code))).result_actual == (
                results[code, year]), "the report and the budget services agree"
    return results


def _counts(db) -> tuple[int, int, Decimal]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)),
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
            db.session.scalar(sa.select(sa.func.sum(Transaction.amount))))


def _book_every_event_twice(client, season_ids: list[int]) -> list[str]:
    """As the orchestra's staff: every event of every season, «Mark as held and book the fees», confirmed, twice."""
    flashes, event_ids = [], []
    for season_id in season_ids:
        plan = _page(client.get(f"/orchestra/staff/seasons/{season_id}/events"))
        event_ids += [event_id for event_id in re.findall(r'/orchestra/staff/events/(\d+)"', plan)
                      if event_id not in event_ids]
    for event_id in event_ids:
        url = f"/orchestra/staff/events/{event_id}/book-fees"
        if url not in _page(client.get(f"/orchestra/staff/events/{event_id}")):
            continue
        for _ in range(2):
            forms = _Forms(_page(client.get(url)))
            # Without a confirm button (everything booked) this is the click of a page opened before the first one.
            form = forms.by_id("confirm-booking") or {"fields": {"csrf_token": forms.with_field("csrf_token")[
                "fields"]["csrf_token"]}}
            response = client.post(url, data=form["fields"], follow_redirects=True)
            flashes += [f"event {event_id}: {message}" for message in _flashes(response)]
    return flashes


def _receive_every_funding_twice(client) -> list[str]:
    """As the secretariat: every exhibition's host contribution offer and every funding's «received», twice."""
    flashes = []
    hosts = _page(client.get("/exhibitions/admin/?project=kunst-rett-vest"))
    for exhibition_id in dict.fromkeys(re.findall(r'/exhibitions/admin/(\d+)"', hosts)):
        page = _page(client.get(f"/exhibitions/admin/{exhibition_id}"))
        offer = next((form for form in _Forms(page).forms if form["action"].endswith("/funding/host-contribution")),
                     None)
        for _ in range(2 if offer else 0):
            flashes += _flashes(client.post(offer["action"], data=offer["fields"], follow_redirects=True))
        page = _page(client.get(f"/exhibitions/admin/{exhibition_id}"))
        for edit in dict.fromkeys(re.findall(r'href="(/exhibitions/admin/funding/\d+/edit)"', page)):
            for _ in range(2):
                form = _Forms(_page(client.get(edit))).with_field("received_on")
                assert form["fields"]["received_on"], f"{edit}: the demo's funding is received"
                response = client.post(edit, data=form["fields"])
                if response.status_code == 200:
                    confirm = _Forms(_page(response)).by_id("confirm-booking")
                    response = client.post(edit, data=confirm["fields"])
                assert response.status_code == 302, edit
                flashes += [f"{edit}: {message}" for message in _flashes(client.get(response.headers["Location"]))]
    return flashes


@pytest.fixture
def csrf(app):
    """Forms checked for their CSRF token, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_every_booking_the_demo_offers_clicked_twice_keeps_the_reported_results(app, client, db, runner, csrf):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert _reported_results(app) == REPORTED
    before = _counts(db)
    # The 2017 season's events have been held; next year's lie ahead and offer no booking.
    held = db.session.scalars(sa.select(OrchestraEvent).join(OrchestraSeason).join(Season)
                              .where(Season.year == 2017)).all()
    fundings = db.session.scalars(sa.select(Funding)).all()

    _log_in_as(client, db, "orkester@example.org")
    fee_flashes = _book_every_event_twice(client, db.session.scalars(sa.select(OrchestraSeason.id)).all())
    _log_in_as(client, db, "sekretariat@example.org")
    funding_flashes = _receive_every_funding_twice(client)

    with_fees = [event for event in held if any(staff.fee for staff in event.staff)]
    assert len(with_fees) == 9 and len(fee_flashes) == 2 * len(with_fees)
    assert {message.split(": ", 1)[1] for message in fee_flashes} == {NOTHING_CHANGED_FEES}
    assert len(fundings) == 2 and len(funding_flashes) == 2 * len(fundings)
    assert {message.split(": ", 1)[1] for message in funding_flashes} == {NOTHING_CHANGED_FUNDING}
    db.session.expire_all()
    assert _counts(db) == before, "no booking and no audit entry was added"
    assert _reported_results(app) == REPORTED


def test_loading_the_demo_again_mends_one_whose_instalments_hold_the_fees(app, db, runner):
    """A demo loaded by the old code booked every line in full instalments, and someone booked one weekend's fees."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    fee_line = db.session.scalar(sa.select(BudgetLine).where(BudgetLine.name == "Dirigent og gruppeinstruktører"))
    first_weekend = min(db.session.scalars(sa.select(OrchestraEvent)), key=lambda event: event.starts_on)
    kept = {f"orchestra-fee:{staff.id}" for staff in first_weekend.staff}
    db.session.execute(sa.delete(Transaction).where(Transaction.source_ref.like("orchestra-fee:%"),
                                                    Transaction.source_ref.not_in(kept)))
    number = list(foundation.ACTUALS["ungdomssymfonikerne", 2017]).index(fee_line.name) + 1
    for part, amount in enumerate(("108833.33", "108833.33", "108833.34"), start=1):
        record_actual(line=fee_line, amount=amount, booked_on=date(2017, 4, 20), text="old",
                      source_ref=f"demo:ungdomssymfonikerne:2017:{number}:{part}")
    db.session.commit()
    assert _reported_results(app)["ungdomssymfonikerne", 2017] == Decimal("-23914.00"), "the double count"

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert _reported_results(app) == REPORTED
    booked = db.session.execute(sa.select(sa.func.count(), sa.func.sum(Transaction.amount)).where(
        Transaction.source_ref.like("orchestra-fee:%"))).one()
    assert booked == (37, Decimal("229000.00")), "every held event's fees are booked through the orchestra"
    after = _counts(db)
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert _counts(db) == after, "loading again adds nothing"
