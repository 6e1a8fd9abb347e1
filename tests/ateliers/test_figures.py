"""The figures of a season: visits per location, day, hour and municipality, sales, last year, and the dashboard."""

import csv
import io
import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kunstvest.applications.models import Application, ArtistProfile
from kunstvest.ateliers import figures
from kunstvest.ateliers.figures_views import day_chart
from kunstvest.ateliers.models import (Atelier, AtelierArtist, LocationKind, OpenAteliers, Sale, VisitLocation,
                                       VisitTap)
from kunstvest.budget.reports import audience_figures
from kunstvest.reference.models import Municipality
from kunstvest.reference.services import ensure_season
from tests import factories
from tests.spreadsheets import (FORMULA_TEXTS, assert_csv_keeps_text, assert_xlsx_keeps_text, csv_rows, download_name,
                                xlsx_cells)

SAT, SUN = date(2017, 9, 16), date(2017, 9, 17)


pytestmark = pytest.mark.usefixtures("english")


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


_client_ids = itertools.count(1)


def _tap(location, day: date, at: datetime, visitors: int = 1, undoes: VisitTap | None = None) -> VisitTap:
    """A tap as the counter stores it: one row each, an undo pointing at the tap it takes back."""
    tap = VisitTap(client_id=f"test-{next(_client_ids)}", location_id=location.id, day=day, tapped_at=at,
                   visitors=visitors, undoes_id=undoes.id if undoes else None)
    figures.db.session.add(tap)
    figures.db.session.flush()
    return tap


@pytest.fixture
def season_2017(db):
    """A hand-checked 2017: the exhibition in Svelvik, an atelier in Svelvik and one in Drammen, with taps and sales.

    Exhibition, 16 Sep: a tap that is undone and a school class of 25                → 25
    Atelier Svelvik: 16 Sep 1 + 1 + a group of 5 = 7; 17 Sep 3                      → 10
    Atelier Drammen: 17 Sep 2 (tapped 23:30 UTC on 16 Sep), 4, and an undo of one    → 5
    Sales: the Svelvik artist 2 works for 12,500 on 16 Sep and 1 for 4,000 on 17 Sep; Drammen 1 for 8,000.
    """
    svelvik, drammen = (factories.make_municipality(name=name) for name in ("Svelvik", "Drammen"))
    call = factories.make_call(year=2017)
    season = call.season
    exhibition = factories.make_exhibition(season=season, host=svelvik)
    weekends = factories.make_open_ateliers(season=season)
    first, second = factories.make_accepted_applications(call=call, count=2)
    atelier_svelvik = factories.make_atelier(open_ateliers=weekends, applications=[first], municipality=svelvik,
                                             name="Smia")
    atelier_drammen = factories.make_atelier(open_ateliers=weekends, applications=[second], municipality=drammen,
                                             name="Elvebredden")
    locations = {name: factories.make_location(**{kind: place}) for name, kind, place in (
        ("exhibition", "exhibition", exhibition), ("svelvik", "atelier", atelier_svelvik),
        ("drammen", "atelier", atelier_drammen))}
    undone = _tap(locations["exhibition"], SAT, _utc(SAT, 10))
    _tap(locations["exhibition"], SAT, _utc(SAT, 11, 15), visitors=25)
    _tap(locations["exhibition"], SAT, _utc(SAT, 11, 20), visitors=-1, undoes=undone)
    _tap(locations["svelvik"], SAT, _utc(SAT, 9, 5))
    _tap(locations["svelvik"], SAT, _utc(SAT, 9, 50))
    _tap(locations["svelvik"], SAT, _utc(SAT, 12), visitors=5)
    _tap(locations["svelvik"], SUN, _utc(SUN, 13), visitors=3)
    _tap(locations["drammen"], SUN, _utc(SAT, 23, 30), visitors=2)
    mistaken = _tap(locations["drammen"], SUN, _utc(SUN, 9, 10), visitors=4)
    _tap(locations["drammen"], SUN, _utc(SUN, 9, 11), visitors=-1, undoes=mistaken)
    db.session.add_all([
        Sale(season_id=season.id, application_id=first.id, location_id=locations["svelvik"].id, day=SAT,
             works_sold=2, amount=Decimal("12500.00")),
        Sale(season_id=season.id, application_id=first.id, location_id=locations["svelvik"].id, day=SUN,
             works_sold=1, amount=Decimal("4000.00")),
        # Logged without a location: counted where the artist's atelier is.
        Sale(season_id=season.id, application_id=second.id, day=SUN, works_sold=1, amount=Decimal("8000.00")),
    ])
    db.session.commit()
    return season


@pytest.fixture
def season_2016(db, season_2017):
    """Last year of the same project: 40 at the exhibition, 60 in one atelier, one work sold for 3,000."""
    season = ensure_season(project=season_2017.project, year=2016)
    exhibition = factories.make_exhibition(season=season)
    weekends = factories.make_open_ateliers(season=season)
    atelier = factories.make_atelier(open_ateliers=weekends)
    day = date(2016, 9, 17)
    _tap(factories.make_location(exhibition=exhibition), day, _utc(day, 10), visitors=40)
    atelier_location = factories.make_location(atelier=atelier)
    _tap(atelier_location, day, _utc(day, 11), visitors=60)
    application = factories.make_accepted_applications(count=1)[0]
    db.session.add(Sale(season_id=season.id, application_id=application.id, location_id=atelier_location.id,
                        day=day, works_sold=1, amount=Decimal("3000.00")))
    db.session.commit()
    return season


# --- services -------------------------------------------------------------------------------------------------------

def test_visits_per_location_count_groups_and_undos(season_2017):
    exhibition, *ateliers = figures.visits_by_location(season=season_2017)
    assert (exhibition.kind, exhibition.municipality, exhibition.by_day, exhibition.total) == (
        LocationKind.EXHIBITION, "Svelvik", {SAT: 25}, 25)
    assert [(atelier.name, atelier.municipality, atelier.by_day, atelier.total) for atelier in ateliers] == [
        ("Elvebredden", "Drammen", {SUN: 5}, 5), ("Smia", "Svelvik", {SAT: 7, SUN: 3}, 10)]


def test_visits_per_day_and_per_municipality(season_2017):
    assert figures.visits_by_day(season=season_2017) == {
        SAT: {LocationKind.EXHIBITION: 25, LocationKind.ATELIER: 7}, SUN: {LocationKind.ATELIER: 8}}
    assert figures.visits_by_municipality(season=season_2017) == {
        "Svelvik": {LocationKind.EXHIBITION: 25, LocationKind.ATELIER: 10}, "Drammen": {LocationKind.ATELIER: 5}}
    assert figures.visits_by_kind(season=season_2017) == {LocationKind.EXHIBITION: 25, LocationKind.ATELIER: 15}


def test_visits_per_hour_are_in_oslo_time(season_2017):
    by_hour = figures.visits_by_hour(season=season_2017)
    # 16 Sep: 09:05 and 09:50 UTC are 11 in Oslo; the undone tap at 10 UTC nets out with its undo at 11:20 UTC.
    assert by_hour[SAT] == {11: 2, 12: 1, 13: 24, 14: 5}
    # The tap at 23:30 UTC on 16 September was made at 01:30 on the 17th in Oslo.
    assert by_hour[SUN] == {1: 2, 11: 3, 15: 3}
    assert sum(sum(hours.values()) for hours in by_hour.values()) == 40


def test_hours_follow_the_change_to_winter_time(db, season_2017):
    location = db.session.scalar(sa.select(VisitLocation).where(VisitLocation.season_id == season_2017.id).limit(1))
    winter = date(2017, 11, 4)
    _tap(location, winter, _utc(winter, 12), visitors=9)
    assert figures.visits_by_hour(season=season_2017)[winter] == {13: 9}


def test_sales_per_municipality_and_in_total(season_2017):
    assert figures.sales_by_municipality(season=season_2017) == {
        "Svelvik": (3, Decimal("16500.00")), "Drammen": (1, Decimal("8000.00"))}
    assert figures.sales_totals(season=season_2017) == (4, Decimal("24500.00"))


def test_season_totals_and_last_year(season_2017, season_2016):
    result = figures.season_figures(season=season_2017)
    assert result.totals == figures.SeasonTotals(exhibition_visits=25, atelier_visits=15, ateliers=2, works_sold=4,
                                                 sales=Decimal("24500.00"))
    assert result.previous == figures.SeasonTotals(exhibition_visits=40, atelier_visits=60, ateliers=1,
                                                   works_sold=1, sales=Decimal("3000.00"))
    assert figures.change_percent(result.totals.visits, result.previous.visits) == Decimal("-60.0")
    assert [(m.name, m.visits, m.works_sold, m.sales) for m in result.municipalities] == [
        ("Drammen", 5, 1, Decimal("8000.00")), ("Svelvik", 35, 3, Decimal("16500.00"))]


def test_without_last_year_there_is_nothing_to_compare(season_2017):
    assert figures.season_figures(season=season_2017).previous is None
    assert figures.change_percent(10, None) is None and figures.change_percent(10, 0) is None


def test_the_funders_reports_get_the_audience_figures(season_2017, season_2016):
    assert audience_figures(season_2017.project, 2017) == [
        ("Visits at the exhibition", 25), ("Visits in the ateliers", 15), ("Open ateliers", 2), ("Works sold", 4),
        ("Sales (NOK)", 24500)]
    assert audience_figures(season_2017.project, 2016)[0] == ("Visits at the exhibition", 40)
    assert audience_figures(factories.make_project(), 2017) == []


def test_the_location_table_has_a_column_per_weekend_day(season_2017):
    table = figures.location_table(figures.season_figures(season=season_2017))
    assert len(table.headers) == 3 + 4 + 2
    svelvik = next(row for row in table.rows if row[0] == "Smia")
    assert svelvik[3:] == [7, 3, 0, 0, 0, 10]
    assert table.footer[0][-1] == 40


def test_the_chart_scales_the_busiest_day_to_the_top():
    chart = day_chart({SAT: {LocationKind.EXHIBITION: 30, LocationKind.ATELIER: 70}, SUN: {LocationKind.ATELIER: 50}},
                      height=300)
    busiest, quieter = chart.bars
    assert chart.ticks[-1][1] == 100 and busiest.exhibition_top == chart.ticks[-1][0]
    assert busiest.ateliers_top > busiest.exhibition_top
    assert quieter.exhibition_top == quieter.ateliers_top == (chart.baseline + busiest.exhibition_top) // 2


# --- the dashboard and its exports -------------------------------------------------------------------------------

def test_the_dashboard_shows_the_figures_against_last_year(client, login, season_2017, season_2016):
    login("admin")
    response = client.get("/ateliers/admin/2017/figures")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Visits and sales 2017" in page and "Last updated" in page
    assert 'role="img"' in page and "<title id=\"chart-title\">Visits per day 2017</title>" in page
    assert 'href="/ateliers/admin/2017/figures"' in page  # the refresh link that works without JavaScript
    assert "figures-refresh.js" in page and "css/figures.css" in page
    assert "style=" not in page
    assert "Change from 2016: -60 (-60.0 %)" in page and "Change from 2016: +21,500 NOK (+716.7 %)" in page
    assert "Elvebredden" in page and "Smia" in page


def test_the_dashboard_is_for_admins(client, login, season_2017):
    assert client.get("/ateliers/admin/2017/figures").status_code == 302
    login("volunteer")
    assert client.get("/ateliers/admin/2017/figures").status_code == 403
    assert client.get("/ateliers/admin/2017/figures.csv").status_code == 403


def test_a_year_without_ateliers_is_not_found(client, login, season_2017):
    login("admin")
    assert client.get("/ateliers/admin/2030/figures").status_code == 404
    assert client.get("/ateliers/admin/2030/figures.xlsx").status_code == 404


def test_the_xlsx_export_has_every_table(client, login, season_2017, season_2016):
    login("admin")
    response = client.get("/ateliers/admin/2017/figures.xlsx")
    assert response.status_code == 200 and "visits-and-sales-2017.xlsx" in response.headers["Content-Disposition"]
    cells = [cell for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
             for cell in row if cell is not None]
    for caption in ("Headline figures", "Visits per location", "Visits per day", "Visits per day and hour",
                    "Visits and sales per municipality"):
        assert caption in cells
    assert Decimal("24500.00") in cells and "Smia" in cells


def test_the_csv_export_has_a_column_per_day(client, login, season_2017):
    login("admin")
    response = client.get("/ateliers/admin/2017/figures.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Location", "Municipality", "Kind"] and rows[0][-1] == "Total"
    assert ["Smia", "Svelvik", "Atelier", "7", "3", "0", "0", "0", "10"] in rows


def test_the_exports_keep_formula_like_names_as_text_days_as_dates_and_are_named_in_norwegian(client, login, db,
                                                                                                season_2017):
    login("admin")
    weekends = db.session.scalar(sa.select(OpenAteliers).where(OpenAteliers.season_id == season_2017.id))
    _tap(factories.make_location(atelier=factories.make_atelier(open_ateliers=weekends)), SAT, _utc(SAT, 12))
    places = [*db.session.scalars(sa.select(VisitLocation).order_by(VisitLocation.id)),
              *db.session.scalars(sa.select(Municipality).where(Municipality.name.in_(["Svelvik", "Drammen"])))]
    for place, text in zip(places, FORMULA_TEXTS, strict=True):
        place.name = text
    db.session.commit()

    xlsx, csv_response = client.get("/ateliers/admin/2017/figures.xlsx"), client.get("/ateliers/admin/2017/figures.csv")
    with client.session_transaction() as session:
        session["locale"] = "nb"
    norwegian_xlsx = client.get("/ateliers/admin/2017/figures.xlsx")
    norwegian_csv = client.get("/ateliers/admin/2017/figures.csv")

    assert_xlsx_keeps_text(xlsx.data)
    days = {cell.value for cell in xlsx_cells(xlsx.data) if isinstance(cell.value, datetime)}
    assert days == {datetime(2017, 9, 16), datetime(2017, 9, 17)}
    assert_csv_keeps_text(csv_rows(csv_response))
    assert (download_name(xlsx), download_name(csv_response)) == ("visits-and-sales-2017.xlsx",
                                                                   "visits-per-location-2017.csv")
    assert (download_name(norwegian_xlsx), download_name(norwegian_csv)) == ("besøk-og-salg-2017.xlsx",
                                                                             "besøk-per-sted-2017.csv")
    assert 'filename="besok-og-salg-2017.xlsx"' in norwegian_xlsx.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(norwegian_xlsx.data)).active.title == "Besøk og salg"


def test_the_figures_page_names_the_days(client, login, season_2017):
    login("admin")
    page = client.get("/ateliers/admin/2017/figures").get_data(as_text=True)
    assert '<th scope="row">Sat, Sep 16</th>' in page and "2017-09-16</th>" not in page


# --- a flat query count --------------------------------------------------------------------------------------------

def _grow(db, season, count: int, offset: int) -> None:
    """`count` more ateliers with an artist, a location, taps on every weekend day and a sale, in bulk."""
    weekends = db.session.scalar(sa.select(OpenAteliers).where(OpenAteliers.season_id == season.id))
    municipality_ids = list(db.session.scalars(sa.text("SELECT id FROM municipalities")))
    call_id = db.session.scalar(sa.select(Application.call_id).limit(1))
    numbers = range(offset, offset + count)
    days = [atelier_day.day for atelier_day in weekends.days]
    artists = db.session.execute(sa.insert(ArtistProfile).returning(ArtistProfile.id), [
        {"name": f"Kunstner {n}", "municipality_id": municipality_ids[n % len(municipality_ids)]}
        for n in numbers]).scalars().all()
    applications = db.session.execute(sa.insert(Application).returning(Application.id), [
        {"call_id": call_id, "artist_id": artist_id, "status": "accepted"} for artist_id in artists]).scalars().all()
    ateliers = db.session.execute(sa.insert(Atelier).returning(Atelier.id), [
        {"open_ateliers_id": weekends.id, "address": f"Vei {n}", "municipality_id": municipality_ids[n % 2]}
        for n in numbers]).scalars().all()
    db.session.execute(sa.insert(AtelierArtist), [
        {"atelier_id": atelier_id, "application_id": application_id}
        for atelier_id, application_id in zip(ateliers, applications)])
    locations = db.session.execute(sa.insert(VisitLocation).returning(VisitLocation.id), [
        {"season_id": season.id, "kind": "atelier", "atelier_id": atelier_id, "name": f"Atelier {n}",
         "municipality_id": municipality_ids[n % 2]} for n, atelier_id in zip(numbers, ateliers)]).scalars().all()
    db.session.execute(sa.insert(VisitTap), [
        {"client_id": f"grow-{location_id}-{day.isoformat()}-{hour}", "location_id": location_id, "day": day,
         "tapped_at": _utc(day, hour), "recorded_at": _utc(day, hour), "visitors": 2}
        for location_id in locations for day in days for hour in range(9, 15)])
    db.session.execute(sa.insert(Sale), [
        {"season_id": season.id, "application_id": application_id, "location_id": location_id, "day": SAT,
         "works_sold": 1, "amount": Decimal("5000.00")}
        for application_id, location_id in zip(applications, locations)])
    db.session.commit()


def test_dashboard_and_exports_keep_a_flat_query_count_from_10_to_150_ateliers(client, login, db, season_2017,
                                                                               season_2016, count_queries):
    login("admin")
    urls = ["/ateliers/admin/2017/figures", "/ateliers/admin/2017/figures.xlsx", "/ateliers/admin/2017/figures.csv"]
    counts = []
    for count, offset in ((8, 0), (140, 8)):
        _grow(db, season_2017, count, offset)
        measured = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            measured.append(counter.count)
        counts.append(measured)
    assert figures.atelier_count(season=season_2017) == 150
    assert counts[0] == counts[1], dict(zip(urls, zip(*counts)))
    assert figures.season_totals(season=season_2017).atelier_visits == 15 + 148 * 4 * 6 * 2


def test_growing_adds_what_it_says(db, season_2017):
    before = figures.season_totals(season=season_2017)
    _grow(db, season_2017, 3, 0)
    after = figures.season_totals(season=season_2017)
    assert after.ateliers == before.ateliers + 3
    assert after.atelier_visits - before.atelier_visits == 3 * 4 * 6 * 2
    assert after.sales - before.sales == Decimal("15000.00")
