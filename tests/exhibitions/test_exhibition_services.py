"""The exhibition's services: hosts warning, exhibition and hours, funding booked once, placement, PDFs, catalogue."""

import io
from datetime import date, time
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from kunstvest.applications.models import CallPhase
from kunstvest.budget.models import BudgetCategory, Transaction
from kunstvest.budget.services import BookingChange, budget_lines_with_actuals
from kunstvest.common.audit import AuditEvent
from kunstvest.common.formatting import money
from kunstvest.exhibitions import documents, services
from kunstvest.exhibitions.models import HostStatus, Placement
from kunstvest.reference.services import ensure_season
from tests import factories

TODAY = date(2017, 10, 2)


def kunst_rett_vest():
    """The Kunst rett vest project, with the demo's code."""
    return factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")


def exhibition_with_works(db, *, count: int = 2, year: int = 2017, project=None):
    """A season's exhibition and an open call of the same season with `count` accepted, published works."""
    project = project or kunst_rett_vest()
    season = ensure_season(project=project, year=year)
    exhibition = factories.make_exhibition(season=season)
    call = factories.make_call(year=year)
    call.season = season
    db.session.flush()
    applications = factories.make_accepted_applications(call=call, count=count)
    return exhibition, call, [application.chosen_work for application in applications]


def pdf_text(body: bytes) -> str:
    """The text of every page, with runs of whitespace (also non-breaking) made one space."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return " ".join(text.split())


def spaced(text: str) -> str:
    return " ".join(text.split())


# --- hosts ------------------------------------------------------------------------------------------------------------

def test_no_host_warning_when_next_years_host_is_confirmed(db):
    project = kunst_rett_vest()
    factories.make_exhibition(season=ensure_season(project=project, year=2018), host_status=HostStatus.CONFIRMED)

    assert services.host_warnings(project=project, today=TODAY) == []


def test_host_warning_when_next_year_has_no_exhibition(db):
    project = kunst_rett_vest()
    factories.make_exhibition(season=ensure_season(project=project, year=2017))

    warnings = services.host_warnings(project=project, today=TODAY)

    assert [(warning.year, warning.exhibition) for warning in warnings] == [(2018, None)]
    assert "2018" in str(warnings[0].message)


def test_host_warning_when_next_years_host_is_only_in_talks(db):
    project = kunst_rett_vest()
    drammen = factories.make_municipality(name="Drammen")
    planned = factories.make_exhibition(season=ensure_season(project=project, year=2018), host=drammen,
                                        host_status=HostStatus.IN_TALKS)

    warnings = services.host_warnings(project=project, today=TODAY)

    assert [(warning.year, warning.exhibition) for warning in warnings] == [(2018, planned)]
    assert "Drammen" in str(warnings[0].message)


def test_next_year_follows_todays_date(db):
    project = kunst_rett_vest()
    factories.make_exhibition(season=ensure_season(project=project, year=2018))

    assert services.host_warnings(project=project, today=date(2017, 12, 31)) == []
    assert [warning.year for warning in services.host_warnings(project=project, today=date(2018, 1, 1))] == [2019]


def test_hosts_overview_is_the_projects_exhibitions_newest_first(db):
    project = kunst_rett_vest()
    years = [2016, 2018, 2017]
    for year in years:
        factories.make_exhibition(season=ensure_season(project=project, year=year))
    factories.make_exhibition(year=2019)  # another project's

    assert [exhibition.year for exhibition in services.hosts_overview(project=project)] == [2018, 2017, 2016]


# --- the exhibition ---------------------------------------------------------------------------------------------------

def test_a_new_exhibition_gets_its_hours_and_an_audited_host(db):
    admin = factories.make_user(roles=["admin"])
    season = ensure_season(project=kunst_rett_vest(), year=2018)
    drammen = factories.make_municipality(name="Drammen")

    exhibition = services.save_exhibition(
        season=season, title="Kunst rett vest 2018", host_municipality=drammen, host_status=HostStatus.CONFIRMED,
        host_contribution=Decimal("500000"), venue=factories.make_venue(municipality=drammen),
        opens_on=date(2018, 9, 6), closes_on=date(2018, 9, 23),
        opening_hours={5: (time(11), time(17)), 6: (time(12), time(16))}, actor=admin)

    assert [(row.weekday, row.opens, row.closes) for row in exhibition.opening_hours] == [
        (5, time(11), time(17)), (6, time(12), time(16))]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exhibition.host_changed"))
    assert event.actor_id == admin.id and event.object_id == str(exhibition.id)
    assert event.details["after"] == {"municipality": "Drammen", "status": "confirmed", "contribution": "500000.00"}
    assert event.details["before"] is None


def test_only_a_change_of_host_is_audited(db):
    exhibition = factories.make_exhibition(year=2018, host_status=HostStatus.IN_TALKS)
    arguments = dict(exhibition=exhibition, season=exhibition.season, title=exhibition.title,
                     host_municipality=exhibition.host_municipality, venue=exhibition.venue,
                     opens_on=exhibition.opens_on, closes_on=exhibition.closes_on)

    services.save_exhibition(**arguments, host_status=HostStatus.IN_TALKS, opening_hours={2: (time(10), time(15))})
    services.save_exhibition(**arguments, host_status=HostStatus.CONFIRMED, opening_hours={2: (time(10), time(15))})

    events = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "exhibition.host_changed")))
    assert [(event.details["before"]["status"], event.details["after"]["status"]) for event in events] == [
        ("in_talks", "confirmed")]
    assert [row.weekday for row in exhibition.opening_hours] == [2]


@pytest.mark.parametrize("change, message", [
    ({"host_status": HostStatus.CONFIRMED, "host_municipality": None}, "host municipality"),
    ({"opens_on": date(2018, 9, 10), "closes_on": date(2018, 9, 1)}, "close before it opens"),
    ({"opening_hours": {3: (time(17), time(12))}}, "close after it opens"),
])
def test_broken_exhibition_rules_are_refused(db, change, message):
    season = ensure_season(project=kunst_rett_vest(), year=2018)

    with pytest.raises(services.ExhibitionError, match=message):
        services.save_exhibition(**{"season": season, "title": "Kunst rett vest 2018", **change})


def test_a_season_has_one_exhibition(db):
    exhibition = factories.make_exhibition(year=2018)

    with pytest.raises(services.ExhibitionError, match="already has an exhibition"):
        services.save_exhibition(season=exhibition.season, title="Again")


# --- funding ----------------------------------------------------------------------------------------------------------

def test_received_funding_is_booked_once_however_often_it_is_saved(db):
    project = kunst_rett_vest()
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017))
    line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.ARTS_COUNCIL,
                                      funder="Norsk kulturråd", amount="200000")
    saved = services.save_funding(exhibition=exhibition, funder="Norsk kulturråd", amount=Decimal("150000"),
                                  budget_line=line)
    funding = saved.funding
    assert saved.booking is None and db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 0

    changes = [services.receive_funding(funding=funding, received_on=date(2017, 5, 2)).change,
               services.receive_funding(funding=funding, received_on=date(2017, 5, 3)).change,
               services.receive_funding(funding=funding, received_on=date(2017, 5, 3)).change,
               services.save_funding(exhibition=exhibition, funding=funding, funder="Norsk kulturråd",
                                     amount=Decimal("175000"), budget_line=line,
                                     received_on=date(2017, 5, 3)).booking.change]

    assert changes == [BookingChange.CREATED, BookingChange.CHANGED, BookingChange.UNCHANGED, BookingChange.CHANGED]
    bookings = list(db.session.scalars(sa.select(Transaction)))
    assert [(booking.source_ref, booking.amount, booking.booked_on) for booking in bookings] == [
        (f"exhibition-funding:{funding.id}", Decimal("175000.00"), date(2017, 5, 3))]
    figures = {figure.line.id: figure for figure in budget_lines_with_actuals(year=2017, project=project)}
    assert figures[line.id].actual == Decimal("175000.00")


def test_the_planned_booking_of_funding_is_what_saving_it_does(db):
    project = kunst_rett_vest()
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017))
    line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.FOUNDATION)
    received = date(2017, 6, 1)

    assert services.planned_funding_booking(funding=None, amount="1000", budget_line=line, received_on=None) is None
    assert services.planned_funding_booking(funding=None, amount="1000", budget_line=line,
                                            received_on=received).change == BookingChange.CREATED
    funding = services.save_funding(exhibition=exhibition, funder="Stiftelsen", amount=Decimal("1000"),
                                    budget_line=line, received_on=received).funding
    planned = [services.planned_funding_booking(funding=funding, amount=amount, budget_line=line, received_on=day)
               for amount, day in (("1000", received), ("1200", received), ("1000", date(2017, 6, 2)))]

    assert [plan.change for plan in planned] == [BookingChange.UNCHANGED, BookingChange.CHANGED,
                                                 BookingChange.CHANGED]
    assert {plan.transaction.amount for plan in planned} == {Decimal("1000.00")}, "planning changes nothing"


def test_received_funding_cannot_be_unreceived(db):
    project = kunst_rett_vest()
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017))
    line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.FOUNDATION)
    funding = services.save_funding(exhibition=exhibition, funder="Stiftelsen", amount=Decimal("1000"),
                                    budget_line=line, received_on=date(2017, 6, 1)).funding

    with pytest.raises(services.ExhibitionError, match="stays booked"):
        services.save_funding(exhibition=exhibition, funding=funding, funder="Stiftelsen", amount=Decimal("1000"),
                              budget_line=line, received_on=None)


@pytest.mark.parametrize("line_of", ["other project", "other year", "expense"])
def test_funding_goes_on_an_income_line_of_the_seasons_budget(db, line_of):
    project = kunst_rett_vest()
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017))
    line = {
        "other project": lambda: factories.make_budget_line(year=2017, category=BudgetCategory.FOUNDATION),
        "other year": lambda: factories.make_budget_line(project=project, year=2016,
                                                         category=BudgetCategory.FOUNDATION),
        "expense": lambda: factories.make_budget_line(project=project, year=2017, category=BudgetCategory.VENUE),
    }[line_of]()

    with pytest.raises(services.ExhibitionError, match="income line"):
        services.save_funding(exhibition=exhibition, funder="Someone", amount=Decimal("1000"), budget_line=line)
    assert services.income_lines(season=exhibition.season) == []


def test_the_host_contribution_is_offered_once_on_the_host_line(db):
    project = kunst_rett_vest()
    svelvik = factories.make_municipality(name="Svelvik")
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017), host=svelvik,
                                           host_contribution=Decimal("200000"))
    factories.make_budget_line(project=project, year=2017, category=BudgetCategory.ARTS_COUNCIL)
    host_line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.HOST_MUNICIPALITY,
                                           name="Vertskapsbidrag Svelvik kommune", funder="Svelvik kommune")

    assert services.host_contribution_offer(exhibition=exhibition) == host_line
    funding = services.add_host_contribution(exhibition=exhibition)

    assert (funding.funder, funding.amount, funding.budget_line) == ("Svelvik kommune", Decimal("200000.00"),
                                                                     host_line)
    assert services.host_contribution_offer(exhibition=exhibition) is None
    with pytest.raises(services.ExhibitionError):
        services.add_host_contribution(exhibition=exhibition)


def test_no_host_contribution_offer_without_an_amount(db):
    project = kunst_rett_vest()
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017))
    factories.make_budget_line(project=project, year=2017, category=BudgetCategory.HOST_MUNICIPALITY)

    assert services.host_contribution_offer(exhibition=exhibition) is None


# --- works and placement ----------------------------------------------------------------------------------------------

def test_the_exhibitions_works_are_the_chosen_works_of_its_seasons_call(db):
    exhibition, _, works = exhibition_with_works(db, count=3)
    factories.make_accepted_applications(count=2)  # another season's call

    entries = services.exhibition_entries(exhibition=exhibition)

    assert {entry.chosen.id for entry in entries} == {chosen.id for chosen in works}
    assert [entry.artist_name for entry in entries] == sorted(entry.artist_name for entry in entries)


def test_placements_are_saved_and_label_numbers_are_unique_within_the_exhibition(db):
    exhibition, _, (first, second) = exhibition_with_works(db, count=2)
    services.save_placements(exhibition=exhibition, rows=[
        services.PlacementSpec(first.id, "Hall A", "North", 1), services.PlacementSpec(second.id, "Hall B", "", 2)])
    db.session.commit()

    with pytest.raises(services.DuplicateLabelNumber, match="Label number 1") as refused:
        services.save_placements(exhibition=exhibition, rows=[services.PlacementSpec(second.id, "Hall B", "", 1)])

    assert refused.value.chosen_work_ids == {first.id, second.id}
    db.session.rollback()
    placements = {p.chosen_work_id: (p.room, p.wall, p.label_number) for p in db.session.scalars(sa.select(Placement))}
    assert placements == {first.id: ("Hall A", "North", 1), second.id: ("Hall B", "", 2)}


def test_label_numbers_can_be_swapped_in_one_save(db):
    exhibition, _, (first, second) = exhibition_with_works(db, count=2)
    services.save_placements(exhibition=exhibition, rows=[services.PlacementSpec(first.id, label_number=1),
                                                          services.PlacementSpec(second.id, label_number=2)])

    services.save_placements(exhibition=exhibition, rows=[services.PlacementSpec(first.id, label_number=2),
                                                          services.PlacementSpec(second.id, label_number=1)])

    entries = services.by_label_number(services.exhibition_entries(exhibition=exhibition))
    assert [entry.chosen.id for entry in entries] == [second.id, first.id]


def test_the_same_label_number_may_be_used_in_another_exhibition(db):
    project = kunst_rett_vest()
    this_year, _, (work,) = exhibition_with_works(db, count=1, project=project)
    next_year, _, (other,) = exhibition_with_works(db, count=1, year=2018, project=project)
    services.save_placements(exhibition=this_year, rows=[services.PlacementSpec(work.id, label_number=7)])

    services.save_placements(exhibition=next_year, rows=[services.PlacementSpec(other.id, label_number=7)])

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 2


def test_a_work_of_another_exhibition_cannot_be_placed(db):
    exhibition, _, _ = exhibition_with_works(db, count=1)
    (stranger,) = factories.make_accepted_applications(count=1)

    with pytest.raises(services.ExhibitionError, match="not in this exhibition"):
        services.save_placements(exhibition=exhibition,
                                 rows=[services.PlacementSpec(stranger.chosen_work.id, label_number=1)])


# --- printed documents ------------------------------------------------------------------------------------------------

def _labelled_exhibition(db):
    exhibition, _, (first, second) = exhibition_with_works(db, count=2)
    first.title, first.technique, first.year, first.price = "Fjordlys", "Olje på lerret", 2016, Decimal("14500")
    second.title, second.technique, second.year, second.is_for_sale = "Leirkar", "Steintøy, glasert", 2017, False
    services.save_placements(exhibition=exhibition, rows=[services.PlacementSpec(first.id, label_number=12),
                                                          services.PlacementSpec(second.id, label_number=3)])
    return exhibition, first, second


def test_wall_labels_pdf_holds_every_field_of_every_label(db):
    exhibition, first, second = _labelled_exhibition(db)

    text = pdf_text(documents.wall_labels_pdf(exhibition=exhibition,
                                              entries=services.exhibition_entries(exhibition=exhibition)))

    for chosen, number in ((first, "12"), (second, "3")):
        for field in (chosen.application.artist.name, chosen.title, chosen.technique, str(chosen.year), number):
            assert field in text
    assert spaced(money(Decimal("14500"))) in text
    assert spaced(documents.price_text(second)) in text  # «Not for sale» in the PDF's language


def test_price_list_pdf_is_in_label_number_order_with_every_column(db):
    exhibition, first, second = _labelled_exhibition(db)

    text = pdf_text(documents.price_list_pdf(exhibition=exhibition,
                                             entries=services.exhibition_entries(exhibition=exhibition)))

    for chosen in (first, second):
        for field in (chosen.application.artist.name, chosen.title, chosen.technique):
            assert field in text
    assert spaced(money(Decimal("14500"))) in text
    assert text.index("Leirkar") < text.index("Fjordlys")  # label 3 before label 12


# --- the catalogue ----------------------------------------------------------------------------------------------------

def test_the_catalogue_shows_works_only_once_the_results_are_published(db):
    exhibition, call, works = exhibition_with_works(db, count=2)
    call.phase = CallPhase.DECIDING
    db.session.flush()
    assert services.catalogue_works(exhibition=exhibition) == []

    call.phase = CallPhase.PUBLISHED
    db.session.flush()
    assert {chosen.id for chosen in services.catalogue_works(exhibition=exhibition)} == {c.id for c in works}
