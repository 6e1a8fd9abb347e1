"""The shared factories for exhibitions and ateliers make valid rows that fit together."""

from kunstvest.ateliers.models import LocationKind
from tests import factories


def test_an_exhibition_and_an_atelier_of_accepted_artists_each_get_a_counting_location(db):
    applications = factories.make_accepted_applications(count=2)
    season = applications[0].call.season
    exhibition = factories.make_exhibition(season=season)
    atelier = factories.make_atelier(open_ateliers=factories.make_open_ateliers(season=season),
                                     applications=applications)
    volunteer = factories.make_user()

    locations = [factories.make_location(exhibition=exhibition, users=[volunteer]),
                 factories.make_location(atelier=atelier)]

    assert [location.kind for location in locations] == [LocationKind.EXHIBITION, LocationKind.ATELIER]
    assert [artist.application for artist in atelier.artists] == applications
    assert len(atelier.hours) == 4 and len(exhibition.opening_hours) == 6
    assert locations[0].assignments[0].user_id == volunteer.id
    assert all(application.chosen_work.confirmed_at for application in applications)
