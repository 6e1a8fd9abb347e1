"""Reference data services and pages."""

from decimal import Decimal

import pytest

from kunstvest.reference import services
from tests import factories


def test_member_inhabitants_sum_only_members(db):
    county = factories.make_county()
    services.save_municipality(number="0711", name="Svelvik", county=county, inhabitants=6600)
    services.save_municipality(number="0301", name="Oslo", county=county, inhabitants=670000, is_member=False)
    assert services.member_inhabitants() == 6600
    assert [m.name for m in services.member_municipalities()] == ["Svelvik"]


def test_venue_needs_both_coordinates_and_a_unique_name(db):
    municipality = factories.make_municipality()
    services.save_venue(name="Fossekleiva", address="", municipality=municipality)
    with pytest.raises(services.ReferenceError):
        services.save_venue(name="Fossekleiva", address="", municipality=municipality)
    with pytest.raises(services.ReferenceError):
        services.save_venue(name="Ny", address="", municipality=municipality, latitude=Decimal("59.6"))


def test_admin_adds_a_venue_with_an_error_shown_and_input_kept(client, login, db):
    login("admin")
    municipality = factories.make_municipality(name="Svelvik")
    db.session.commit()
    form = {"name": "Fossekleiva kultursenter", "address": "Berger", "municipality_id": municipality.id,
            "latitude": "59.6", "longitude": ""}
    response = client.post("/reference/venues/new", data=form)
    assert response.status_code == 200 and "Fossekleiva kultursenter" in response.get_data(as_text=True)
    response = client.post("/reference/venues/new", data={**form, "longitude": "10.41"})
    assert response.location == "/reference/venues"


def test_ensure_season_is_idempotent(db):
    project = factories.make_project()
    assert services.ensure_season(project=project, year=2017) is services.ensure_season(project=project, year=2017)
