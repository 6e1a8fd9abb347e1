"""Numbers typed the Norwegian way into real forms are stored as meant, and what could be misread is refused."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.ateliers import counting
from kunstvest.ateliers.models import Atelier, Sale, VisitTap
from kunstvest.auth.models import Role
from kunstvest.budget.models import Transaction
from kunstvest.reference.models import Municipality
from tests import factories

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def norwegian(client):
    """Pages in bokmål, as most users see them."""
    with client.session_transaction() as session:
        session["locale"] = "nb"


def _page(response) -> str:
    return response.get_data(as_text=True).replace(NBSP, " ").replace("&nbsp;", " ")


def _log_in_as(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


# --- a manual transaction ---------------------------------------------------------------------------------------------

@pytest.fixture
def line(db):
    budget_line = factories.make_budget_line(year=2017)
    db.session.commit()
    return budget_line


def _transaction(line, amount: str, voucher: str = "V1") -> dict:
    return {"budget_line_id": line.id, "booked_on": "2017-05-02", "amount": amount, "voucher_number": voucher,
            "text": "Taxi"}


def _amounts(db) -> list[Decimal]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Transaction.amount).order_by(Transaction.id)))


@pytest.mark.parametrize(("typed", "stored"), [
    ("1 234,50", Decimal("1234.50")),
    (f"1{NBSP}234,50 kr", Decimal("1234.50")),
    ("−450", Decimal("-450.00")),  # a refund, with the typographic minus
    ("12500,50", Decimal("12500.50")),
])
def test_a_manual_transaction_amount_in_norwegian_is_stored_as_meant(client, db, login, line, typed, stored):
    login(Role.ADMIN)

    response = client.post("/budget/transactions/new?year=2017", data=_transaction(line, typed))

    assert response.status_code == 302
    assert _amounts(db) == [stored]


@pytest.mark.parametrize(("typed", "message"), [
    ("9223372036854775808", "Beløp (kr): må være mellom -9 999 999 999,99 og 9 999 999 999,99"),
    ("1.234,50", "Beløp (kr): tallet kan leses på to måter; skriv det som 1 234,50"),
    ("12,505", "Beløp (kr): høyst 2 desimaler; skriv tallet som 1 234,50"),
    ("1e5", "Beløp (kr): skriv tallet som 1 234,50"),
    ("12\x00", None),  # refused before the form by the NUL guard
])
def test_a_manual_transaction_amount_that_could_be_misread_is_refused(client, db, login, line, typed, message):
    login(Role.ADMIN)

    response = client.post("/budget/transactions/new?year=2017", data=_transaction(line, typed))

    assert response.status_code in (200, 400, 422)
    if message:
        assert message in _page(response)
        assert f'value="{typed}"' in response.get_data(as_text=True)
    assert _amounts(db) == []


def test_the_transaction_form_is_text_with_a_decimal_keyboard(client, db, login, line):
    login(Role.ADMIN)

    page = client.get("/budget/transactions/new?year=2017").get_data(as_text=True)

    assert 'type="number"' not in page
    assert 'inputmode="decimal"' in page and 'name="amount"' in page


# --- a municipality's inhabitants -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored", "message"), [
    ("26 000", 26000, None),
    (f"26{NBSP}000", 26000, None),
    ("1" + "0" * 26, 10_000, "Innbyggere: må være mellom 0 og 10 000 000"),
    ("10^26", 10_000, "Innbyggere: skriv tallet som 1 234"),
    ("26.000", 10_000, "Innbyggere: tallet kan leses på to måter; skriv det som 1 234"),
    ("26,5", 10_000, "Innbyggere: skriv et helt tall, for eksempel 1 234"),
    ("-5", 10_000, "Innbyggere: tallet kan ikke være negativt"),
])
def test_inhabitants_are_a_whole_number_in_a_sensible_range(client, db, login, typed, stored, message):
    login(Role.ADMIN)
    municipality = factories.make_municipality(name="Lier", inhabitants=10_000)
    db.session.commit()

    response = client.post(f"/reference/municipalities/{municipality.id}/edit", data={"inhabitants": typed})

    if message:
        assert response.status_code == 200 and message in _page(response)
    else:
        assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(Municipality.inhabitants).where(Municipality.id == municipality.id)) == stored


def test_zero_inhabitants_is_a_number_not_a_missing_field(client, db, login):
    login(Role.ADMIN)
    municipality = factories.make_municipality(name="Lier", inhabitants=10_000)
    db.session.commit()

    assert client.post(f"/reference/municipalities/{municipality.id}/edit",
                       data={"inhabitants": "0"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Municipality, municipality.id).inhabitants == 0


# --- an atelier's position --------------------------------------------------------------------------------------------

@pytest.fixture
def accepted_artist(db):
    """An accepted artist with an account, in a season with open ateliers."""
    application = factories.make_accepted_applications(count=1)[0]
    open_ateliers = factories.make_open_ateliers(season=application.call.season)
    db.session.commit()
    return application, open_ateliers


def _atelier(municipality_id, days, **overrides) -> dict:
    return {"name": "", "address": "Strandveien 3", "postcode": "3060", "city": "Svelvik",
            "municipality_id": municipality_id, "accessibility": "Two steps at the door.", "description": "",
            **{f"hours_{day.day.isoformat()}_opens": "11:00" for day in days},
            **{f"hours_{day.day.isoformat()}_closes": "17:00" for day in days}, **overrides}


def test_an_atelier_position_with_decimal_commas_is_stored_as_meant(client, db, accepted_artist):
    application, open_ateliers = accepted_artist
    municipality = factories.make_municipality(name="Svelvik")
    db.session.commit()
    _log_in_as(client, application.artist.user)

    response = client.post("/ateliers/my", data=_atelier(municipality.id, open_ateliers.days,
                                                         latitude="59,7440", longitude="10,4106"))

    assert response.status_code == 302
    db.session.rollback()
    atelier = db.session.scalar(sa.select(Atelier))
    assert (atelier.latitude, atelier.longitude) == (Decimal("59.744"), Decimal("10.4106"))
    page = _page(client.get("/ateliers/my"))
    assert 'value="59,744"' in page and 'value="10,4106"' in page


@pytest.mark.parametrize(("latitude", "longitude", "message"), [
    ("597440", "10,4106", "Breddegrad (valgfritt): må være mellom 57,9 og 71,2 grader nord, innenfor Norge"),
    ("10,4106", "59,7440", "Lengdegrad (valgfritt): må være mellom 4,5 og 31,2 grader øst, innenfor Norge"),
    ("59,744", "10.410", "Lengdegrad (valgfritt): tallet kan leses på to måter"),
])
def test_an_atelier_position_outside_norway_or_ambiguous_is_refused(client, db, accepted_artist, latitude, longitude,
                                                                     message):
    application, open_ateliers = accepted_artist
    municipality = factories.make_municipality(name="Svelvik")
    db.session.commit()
    _log_in_as(client, application.artist.user)

    response = client.post("/ateliers/my", data=_atelier(municipality.id, open_ateliers.days,
                                                         latitude=latitude, longitude=longitude))

    assert message in _page(response)
    assert db.session.scalar(sa.select(sa.func.count(Atelier.id))) == 0


# --- the sales log ----------------------------------------------------------------------------------------------------

WEEKEND = [date(2017, 9, day) for day in (16, 17, 23, 24)]


def _sales(rows: list[tuple[str, str]]) -> dict:
    form = {}
    for index, (day, (works, amount)) in enumerate(zip(WEEKEND, rows)):
        form.update({f"days-{index}-day": day.isoformat(), f"days-{index}-works_sold": works,
                     f"days-{index}-amount": amount, f"days-{index}-note": ""})
    return form


@pytest.fixture
def artist_at_atelier(client, db, accepted_artist):
    application, open_ateliers = accepted_artist
    factories.make_atelier(open_ateliers=open_ateliers, applications=[application])
    db.session.commit()
    _log_in_as(client, application.artist.user)
    return application


def test_sales_in_norwegian_are_stored_as_meant(client, db, artist_at_atelier):
    response = client.post("/ateliers/my/sales", data=_sales([
        ("2", "12500,50"), ("1", "1 234,5"), ("0", "0"), ("1", f"kr 3{NBSP}000")]))

    assert response.status_code == 302
    db.session.rollback()
    assert {sale.day: sale.amount for sale in db.session.scalars(sa.select(Sale))} == {
        WEEKEND[0]: Decimal("12500.50"), WEEKEND[1]: Decimal("1234.50"), WEEKEND[3]: Decimal("3000.00")}
    assert 'value="12500,50"' in _page(client.get("/ateliers/my/sales"))


def test_a_sale_that_could_be_misread_names_its_day_and_nothing_is_stored(client, db, artist_at_atelier):
    response = client.post("/ateliers/my/sales", data=_sales([
        ("2", "1.234,50"), ("1" + "0" * 20, "0"), ("0", "0"), ("0", "9223372036854775808")]))

    page = _page(response)
    assert "Beløp i kroner lørdag 16. september: tallet kan leses på to måter; skriv det som 1 234,50" in page
    assert "Solgte verk søndag 17. september: må være mellom 0 og 10 000" in page
    assert "Beløp i kroner søndag 24. september: må være mellom 0 og 9 999 999 999,99" in page
    assert db.session.scalar(sa.select(sa.func.count(Sale.id))) == 0


# --- the counter's taps -----------------------------------------------------------------------------------------------

@pytest.fixture
def location(db, login):
    today = counting.today_in_oslo()
    exhibition = factories.make_exhibition(year=today.year, opens_on=today - timedelta(days=1),
                                           closes_on=today + timedelta(days=1))
    place = factories.make_location(exhibition=exhibition, users=[login(Role.VOLUNTEER)])
    db.session.commit()
    return place


@pytest.mark.parametrize("visitors", [10**30, 9223372036854775808, 2.5, "5", 1e308, None, True, -1, 0])
def test_a_tap_with_a_huge_or_broken_number_is_a_422(client, db, location, visitors):
    tap = {"client_id": str(uuid.uuid4()), "visitors": visitors, "tapped_at": datetime.now(UTC).isoformat()}

    response = client.post(f"/ateliers/count/{location.id}/taps", json={"taps": [tap]})

    assert response.status_code == 422 and "besøkende" in response.json["error"]
    assert db.session.scalar(sa.select(sa.func.count(VisitTap.id))) == 0


@pytest.mark.parametrize("body", ['{"taps": [{"visitors": 1e400}]}', '{"taps": [{"visitors": NaN}]}',
                                  '{"taps": [{"visitors": ' + "9" * 5000 + "}]}"])
def test_a_tap_body_json_cannot_hold_is_a_422(client, db, location, body):
    response = client.post(f"/ateliers/count/{location.id}/taps", data=body, content_type="application/json")

    assert response.status_code == 422


def test_a_group_typed_with_a_space_is_counted_and_a_decimal_is_refused(client, db, location):
    page = client.get(f"/ateliers/count/{location.id}").get_data(as_text=True)
    assert 'type="number"' not in page and 'id="group-size" name="visitors"' in page

    client.post(f"/ateliers/count/{location.id}", data={"client_id": str(uuid.uuid4()), "visitors": "1 25"})
    client.post(f"/ateliers/count/{location.id}", data={"client_id": str(uuid.uuid4()), "visitors": "2,5"})
    client.post(f"/ateliers/count/{location.id}", data={"client_id": str(uuid.uuid4()), "visitors": "25"})

    db.session.rollback()
    assert list(db.session.scalars(sa.select(VisitTap.visitors))) == [25]
