"""The exhibition's admin pages and the public catalogue, through the test client."""

import io
from datetime import date, time
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from kunstvest.applications.models import Application, ApplicationStatus, ArtistProfile, CallPhase, ChosenWork
from kunstvest.auth.models import Role
from kunstvest.budget.models import BudgetCategory, Transaction
from kunstvest.common.audit import AuditEvent
from kunstvest.common.formatting import money
from kunstvest.common.models import utcnow
from kunstvest.exhibitions.models import Exhibition, Funding, HostStatus, Placement
from kunstvest.reference.services import ensure_season
from tests import factories
from tests.exhibitions.test_exhibition_services import exhibition_with_works, kunst_rett_vest


pytestmark = pytest.mark.usefixtures("english")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _pdf_text(response) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return " ".join(text.split())


def add_accepted_works(db, *, call, count: int) -> list[ChosenWork]:
    """`count` accepted applications with a chosen work each, inserted in bulk (for query-count tests)."""
    municipality = factories.make_municipality()
    image = factories.make_image()
    now = utcnow()
    artists = [ArtistProfile(name=f"Bulk Artist {number:04d}", municipality=municipality) for number in range(count)]
    db.session.add_all(artists)
    db.session.flush()
    applications = [Application(call_id=call.id, artist_id=artist.id, status=ApplicationStatus.ACCEPTED,
                                submitted_at=now, decided_at=now, municipality_id=municipality.id)
                    for artist in artists]
    db.session.add_all(applications)
    db.session.flush()
    works = [ChosenWork(application_id=application.id, title=f"Bulk work {application.id}", year=2017,
                        technique="Akvarell", width_cm=Decimal("30"), height_cm=Decimal("40"),
                        price=Decimal("5000"), image_id=image.id, confirmed_at=now) for application in applications]
    db.session.add_all(works)
    db.session.flush()
    return works


ADMIN_PAGES = ["exhibitions.admin_hosts", "exhibitions.admin_edit_exhibition", "exhibitions.admin_exhibition",
               "exhibitions.admin_placements", "exhibitions.admin_wall_labels", "exhibitions.admin_price_list"]


@pytest.mark.parametrize("endpoint", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(app, client, db, login, endpoint):
    exhibition = factories.make_exhibition()
    db.session.commit()
    with app.test_request_context():
        from flask import url_for

        arguments = {} if endpoint == "exhibitions.admin_hosts" else {"exhibition_id": exhibition.id}
        url = url_for(endpoint, **arguments)

    assert "/auth/login" in client.get(url).headers["Location"]
    login(Role.VOLUNTEER)
    assert client.get(url).status_code == 403
    login(Role.ADMIN)
    assert client.get(url).status_code == 200


# --- hosts ------------------------------------------------------------------------------------------------------------

def test_the_hosts_overview_warns_until_next_years_host_is_confirmed(client, db, login):
    login(Role.ADMIN)
    project = kunst_rett_vest()
    this_year = date.today().year
    asker = factories.make_municipality(name="Asker")
    factories.make_exhibition(season=ensure_season(project=project, year=this_year - 1), host=asker,
                              host_contribution=Decimal("200000"))
    factories.make_exhibition(season=ensure_season(project=project, year=this_year))
    db.session.commit()

    page = _page(client.get("/exhibitions/admin/"))
    assert f"Kunst rett vest {this_year + 1} has no host municipality yet" in page
    assert "Asker" in page and "200,000.00" in page
    assert page.index(f">{this_year}<") < page.index(f">{this_year - 1}<")  # newest first

    planned = factories.make_exhibition(season=ensure_season(project=project, year=this_year + 1),
                                        host=factories.make_municipality(name="Drammen"),
                                        host_status=HostStatus.IN_TALKS)
    db.session.commit()
    page = _page(client.get("/exhibitions/admin/"))
    assert f"The host of Kunst rett vest {this_year + 1} is not confirmed (In talks: Drammen)" in page

    planned.host_status = HostStatus.CONFIRMED
    db.session.commit()
    page = _page(client.get("/exhibitions/admin/"))
    assert "not confirmed" not in page and "no host municipality yet" not in page


# --- the exhibition ---------------------------------------------------------------------------------------------------

def _exhibition_form(**changes) -> dict:
    """The form as a browser sends it: every select and all seven weekday rows, open at the weekend."""
    form = {"title": "Kunst rett vest 2018", "host_municipality_id": "", "host_status": "in_talks",
            "host_note": "Meeting in May", "host_contribution": "500000", "venue_id": "", "opens_on": "2018-09-06",
            "closes_on": "2018-09-23", "description": "The joint exhibition"}
    form |= {f"hours-{day}-{edge}": "" for day in range(7) for edge in ("opens", "closes")}
    form |= {"hours-5-opens": "11:00", "hours-5-closes": "17:00", "hours-6-opens": "12:00", "hours-6-closes": "16:00"}
    return {**form, **changes}


def test_an_admin_creates_an_exhibition_for_a_season(client, db, login):
    admin = login(Role.ADMIN)
    project = kunst_rett_vest()
    drammen = factories.make_municipality(name="Drammen")
    venue = factories.make_venue(name="Drammens Museum", municipality=drammen)
    db.session.commit()

    form_page = _page(client.get("/exhibitions/admin/new"))
    assert "Drammens Museum (Drammen)" in form_page and "Saturday" in form_page
    response = client.post("/exhibitions/admin/new", data=_exhibition_form(
        project_id=project.id, year="2018", host_municipality_id=drammen.id, venue_id=venue.id))

    exhibition = db.session.scalar(sa.select(Exhibition))
    assert response.headers["Location"].endswith(f"/exhibitions/admin/{exhibition.id}")
    assert (exhibition.year, exhibition.host_municipality.name, exhibition.venue.name) == (2018, "Drammen",
                                                                                          "Drammens Museum")
    assert (exhibition.host_status, exhibition.host_contribution) == (HostStatus.IN_TALKS, Decimal("500000.00"))
    assert [(row.weekday, row.opens, row.closes) for row in exhibition.opening_hours] == [
        (5, time(11), time(17)), (6, time(12), time(16))]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exhibition.host_changed"))
    assert event.actor_id == admin.id


def test_changing_the_host_is_audited_and_bad_hours_are_refused(client, db, login):
    login(Role.ADMIN)
    exhibition = factories.make_exhibition(season=ensure_season(project=kunst_rett_vest(), year=2018),
                                           host_status=HostStatus.IN_TALKS)
    svelvik = factories.make_municipality(name="Svelvik")
    db.session.commit()
    url = f"/exhibitions/admin/{exhibition.id}/edit"

    refused = client.post(url, data=_exhibition_form(**{"hours-2-opens": "15:00", "hours-2-closes": "10:00"}))
    assert refused.status_code == 200 and "The exhibition must close after it opens." in _page(refused)
    unconfirmed = client.post(url, data=_exhibition_form(host_status="confirmed"))
    assert "A confirmed host needs a host municipality." in _page(unconfirmed)

    client.post(url, data=_exhibition_form(host_municipality_id=svelvik.id, host_status="confirmed"))

    db.session.expire_all()
    exhibition = db.session.get(Exhibition, exhibition.id)
    assert (exhibition.host_municipality.name, exhibition.host_status) == ("Svelvik", HostStatus.CONFIRMED)
    events = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "exhibition.host_changed")))
    assert [event.details["after"]["municipality"] for event in events] == ["Svelvik"]


# --- funding ----------------------------------------------------------------------------------------------------------

def test_funding_is_added_and_booked_once_when_received(client, db, login):
    login(Role.ADMIN)
    project = kunst_rett_vest()
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017))
    line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.ARTS_COUNCIL,
                                      name="Norsk kulturråd", funder="Norsk kulturråd")
    factories.make_budget_line(project=project, year=2017, category=BudgetCategory.VENUE, name="Lokaler")
    db.session.commit()

    page = _page(client.get(f"/exhibitions/admin/{exhibition.id}"))
    assert "Norsk kulturråd (Arts Council Norway)" in page and "Lokaler" not in page
    client.post(f"/exhibitions/admin/{exhibition.id}", data={
        "funder": "Norsk kulturråd", "amount": "200000", "budget_line_id": line.id, "note": "Tilsagn mars"})
    funding = db.session.scalar(sa.select(Funding))
    assert (funding.amount, funding.received_on) == (Decimal("200000.00"), None)

    edit = f"/exhibitions/admin/funding/{funding.id}/edit"
    fields = {"funder": "Norsk kulturråd", "amount": "200000", "budget_line_id": line.id, "note": "Tilsagn mars"}
    page = _page(client.post(edit, data=fields | {"received_on": "2017-05-02"}))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 0, "nothing before confirming"
    assert "Book the funding as received" in page and "Not booked yet." in page
    assert money(Decimal("200000")) in page and "Norsk kulturråd" in page
    assert 'name="confirm_booking" value="yes"' in page and 'name="received_on" value="2017-05-02"' in page
    assert f'href="/exhibitions/admin/{exhibition.id}"' in page, "a way to cancel"

    response = client.post(edit, data=fields | {"received_on": "2017-05-02", "confirm_booking": "yes"},
                           follow_redirects=True)
    assert "The funding is saved and %s is booked as received on «Norsk kulturråd»" % money(Decimal("200000")) in (
        _page(response))

    page = _page(client.post(edit, data=fields | {"received_on": "2017-05-04"}))
    assert "Booked already: %s on" % money(Decimal("200000")) in page, "a change of date is confirmed too"
    client.post(edit, data=fields | {"received_on": "2017-05-04", "confirm_booking": "yes"})
    for _ in range(2):
        response = client.post(edit, data=fields | {"received_on": "2017-05-04"}, follow_redirects=True)
        assert "It was booked already as received; the booking is unchanged." in _page(response)

    bookings = list(db.session.scalars(sa.select(Transaction)))
    assert [(b.budget_line_id, b.amount, b.booked_on) for b in bookings] == [
        (line.id, Decimal("200000.00"), date(2017, 5, 4))]


def test_new_funding_received_at_once_is_confirmed_before_it_is_booked(client, db, login):
    login(Role.ADMIN)
    project = kunst_rett_vest()
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017))
    line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.FOUNDATION,
                                      name="Sparebankstiftelsen", amount="75000")
    db.session.commit()
    url = f"/exhibitions/admin/{exhibition.id}"
    fields = {"funder": "Sparebankstiftelsen", "amount": "75000", "budget_line_id": line.id,
              "received_on": "2017-03-01"}

    page = _page(client.post(url, data=fields))
    assert 'id="confirm-booking"' in page and "«Sparebankstiftelsen» has %s booked so far" % money(0) in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Funding)) == 0, "nothing saved before confirming"
    client.post(url, data=fields | {"confirm_booking": "yes"})
    assert db.session.scalar(sa.select(sa.func.sum(Transaction.amount))) == Decimal("75000.00")
    assert [(f.funder, f.received_on) for f in db.session.scalars(sa.select(Funding))] == [
        ("Sparebankstiftelsen", date(2017, 3, 1))]


def test_the_host_contribution_is_offered_and_added(client, db, login):
    login(Role.ADMIN)
    project = kunst_rett_vest()
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017),
                                           host=factories.make_municipality(name="Svelvik"),
                                           host_contribution=Decimal("200000"))
    host_line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.HOST_MUNICIPALITY,
                                           name="Vertskapsbidrag Svelvik kommune", funder="Svelvik kommune")
    db.session.commit()
    url = f"/exhibitions/admin/{exhibition.id}"

    assert "Add it on «Vertskapsbidrag Svelvik kommune»" in _page(client.get(url))
    client.post(f"{url}/funding/host-contribution")
    client.post(f"{url}/funding/host-contribution")

    assert [(f.funder, f.amount, f.budget_line_id) for f in db.session.scalars(sa.select(Funding))] == [
        ("Svelvik kommune", Decimal("200000.00"), host_line.id)]
    assert "Add it on" not in _page(client.get(url))


# --- placement and documents ------------------------------------------------------------------------------------------

def _placement_data(works, numbers) -> dict:
    data = {}
    for chosen, number in zip(works, numbers):
        data |= {f"room_{chosen.id}": "Hall A", f"wall_{chosen.id}": f"Wall {number}",
                 f"label_{chosen.id}": str(number)}
    return data


def test_placements_are_saved_in_one_form_with_unique_label_numbers(client, db, login):
    login(Role.ADMIN)
    exhibition, _, works = exhibition_with_works(db, count=3)
    db.session.commit()
    url = f"/exhibitions/admin/{exhibition.id}/placements"

    page = _page(client.get(url))
    assert all(chosen.title in page and chosen.application.artist.name in page for chosen in works)
    assert client.post(url, data=_placement_data(works, [1, 2, 3])).status_code == 302

    refused = client.post(url, data=_placement_data(works, [1, 2, 2]))

    assert refused.status_code == 200
    assert "Label number 2 is given to more than one work" in _page(refused)
    assert _page(refused).count("This label number is used more than once.") == 2
    db.session.expire_all()
    placements = {p.chosen_work_id: (p.room, p.wall, p.label_number) for p in db.session.scalars(sa.select(Placement))}
    assert placements == {chosen.id: ("Hall A", f"Wall {n}", n) for chosen, n in zip(works, [1, 2, 3])}


def test_wall_labels_and_price_list_download_as_pdf(client, db, login):
    login(Role.ADMIN)
    exhibition, _, (first, second) = exhibition_with_works(db, count=2)
    first.title, first.technique, first.price = "Fjordlys", "Olje på lerret", Decimal("14500")
    second.title, second.is_for_sale = "Leirkar", False
    db.session.commit()
    client.post(f"/exhibitions/admin/{exhibition.id}/placements", data=_placement_data([first, second], [12, 3]))

    labels = client.get(f"/exhibitions/admin/{exhibition.id}/wall-labels.pdf")
    prices = client.get(f"/exhibitions/admin/{exhibition.id}/price-list.pdf")

    assert labels.mimetype == prices.mimetype == "application/pdf"
    label_text, price_text = _pdf_text(labels), _pdf_text(prices)
    for text in (label_text, price_text):
        for field in ("Fjordlys", "Olje på lerret", money(Decimal("14500")), "Leirkar", "Not for sale",
                      first.application.artist.name, second.application.artist.name):
            assert field in text
    assert "2017" in label_text and "12" in label_text
    assert price_text.index("Leirkar") < price_text.index("Fjordlys")


def test_the_placement_page_has_a_flat_query_count(client, db, login, count_queries):
    login(Role.ADMIN)
    exhibition, call, _ = exhibition_with_works(db, count=1)
    add_accepted_works(db, call=call, count=9)
    db.session.commit()
    url = f"/exhibitions/admin/{exhibition.id}/placements"

    with count_queries() as small:
        assert client.get(url).status_code == 200
    add_accepted_works(db, call=call, count=90)
    db.session.commit()
    with count_queries() as large:
        page = _page(client.get(url))

    assert page.count('name="label_') == 100
    assert large.count == small.count


# --- the public catalogue ---------------------------------------------------------------------------------------------

def test_the_catalogue_is_404_without_an_exhibition(client, db):
    kunst_rett_vest()
    factories.make_exhibition(year=2017)  # another project's
    db.session.commit()

    assert client.get("/exhibitions/2017/catalogue").status_code == 404


def test_the_catalogue_shows_the_artists_once_the_results_are_published(client, db):
    exhibition, call, works = exhibition_with_works(db, count=2)
    exhibition.title = "Kunst rett vest 2017"
    call.phase = CallPhase.DECIDING
    db.session.commit()

    hidden = _page(client.get("/exhibitions/2017/catalogue"))
    assert "Kunst rett vest 2017" in hidden and exhibition.venue.name in hidden
    assert "Tuesday" in hidden and "12:00–17:00" in hidden
    assert not any(chosen.application.artist.name in hidden for chosen in works)

    call.phase = CallPhase.PUBLISHED
    db.session.commit()
    page = _page(client.get("/exhibitions/2017/catalogue"))
    names = sorted(chosen.application.artist.name for chosen in works)
    assert page.index(names[0]) < page.index(names[1])
    for chosen in works:
        artist = chosen.application.artist
        assert f'alt="{chosen.title} by {artist.name}"' in page
        assert f"/exhibition-works/{chosen.id}/image/medium.jpg" in page
        assert chosen.technique in page and "60 × 80 cm" in page and artist.municipality.name in page


def test_the_catalogue_has_a_flat_query_count(client, db, count_queries):
    exhibition, call, _ = exhibition_with_works(db, count=1)
    add_accepted_works(db, call=call, count=9)
    db.session.commit()

    with count_queries() as small:
        assert client.get("/exhibitions/2017/catalogue").status_code == 200
    add_accepted_works(db, call=call, count=90)
    db.session.commit()
    with count_queries() as large:
        page = _page(client.get("/exhibitions/2017/catalogue"))

    assert page.count('class="catalogue-card"') == 100
    assert large.count == small.count
