"""The artist puts the works of an application in order: one place up or down at a time, while it can be changed."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from kunstvest.applications import services
from kunstvest.applications.models import Work
from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def application(client, db, login):
    """The logged-in artist's draft application to an open call, with works «Verk 1», «Verk 2», «Verk 3»."""
    user = login(Role.ARTIST)
    application = factories.make_application(artist=factories.make_artist(user=user), works=3, submit=False)
    db.session.commit()
    return application


def _titles(db, application) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(Work.title).where(Work.application_id == application.id).order_by(Work.position)))


def _move(client, work, direction):
    return client.post(f"/applications/my/works/{work.id}/move", data={"direction": direction})


# --- the service ------------------------------------------------------------------------------------------------------

def test_a_work_swaps_places_with_its_neighbour(db, application):
    first, second, third = application.works
    assert services.move_work(work=third, direction="up") == 2
    assert _titles(db, application) == ["Verk 1", "Verk 3", "Verk 2"]
    assert services.move_work(work=db.session.get(Work, first.id), direction="down") == 2
    assert _titles(db, application) == ["Verk 3", "Verk 1", "Verk 2"]
    assert sorted(db.session.scalars(sa.select(Work.position))) == [1, 2, 3]


def test_the_first_does_not_move_up_nor_the_last_down(db, application):
    first, _, third = application.works
    assert services.move_work(work=first, direction="up") is None
    assert services.move_work(work=third, direction="down") is None
    assert _titles(db, application) == ["Verk 1", "Verk 2", "Verk 3"]


def test_gaps_left_by_a_removed_work_do_not_matter(db, application):
    first, second, third = application.works
    services.remove_work(application=application, work=second)
    db.session.flush()
    assert services.move_work(work=third, direction="up") == 1
    assert _titles(db, application) == ["Verk 3", "Verk 1"]
    assert sorted(db.session.scalars(sa.select(Work.position))) == [1, 3]


def test_a_clash_with_a_move_made_meanwhile_is_a_message_not_an_error(db, application):
    first, second, third = application.works
    third.position = -1  # where a move in another tab parks its work while swapping
    db.session.flush()
    with pytest.raises(services.ApplicationError, match="changed meanwhile"):
        services.move_work(work=first, direction="down")
    assert (first.position, second.position, third.position) == (1, 2, -1)
    db.session.commit()


def test_after_the_deadline_the_order_is_fixed(db, application):
    third = application.works[2]
    with pytest.raises(services.ApplicationError, match="can no longer be changed"):
        services.move_work(work=third, direction="up", now=application.call.closes_at + timedelta(seconds=1))
    assert _titles(db, application) == ["Verk 1", "Verk 2", "Verk 3"]


# --- the page ---------------------------------------------------------------------------------------------------------

def test_each_work_has_the_buttons_it_can_use_named_by_its_title(client, application):
    page = client.get("/applications/my").get_data(as_text=True)
    buttons = re.findall(r"<button[^>]*>(Move [^<]*)</button>", page)
    assert buttons == ["Move «Verk 1» down", "Move «Verk 2» up", "Move «Verk 2» down", "Move «Verk 3» up"]
    first_id = application.works[0].id
    assert f'action="/applications/my/works/{first_id}/move"' in page
    assert '<input type="hidden" name="direction" value="down">' in page


def test_moving_up_and_down_through_the_page(client, db, application):
    first, second, third = application.works
    response = _move(client, third, "up")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/my#work-{third.id}")
    assert _titles(db, application) == ["Verk 1", "Verk 3", "Verk 2"]
    page = client.get("/applications/my").get_data(as_text=True)
    assert "«Verk 3» is now work 2 of 3." in page
    assert page.index("Move «Verk 3» up") < page.index("Move «Verk 2» up")

    _move(client, first, "down")
    assert _titles(db, application) == ["Verk 3", "Verk 1", "Verk 2"]


def test_moving_past_either_end_changes_nothing_and_says_nothing(client, db, application):
    first, _, third = application.works
    for work, direction in ((first, "up"), (third, "down")):
        assert _move(client, work, direction).status_code == 302
    assert _titles(db, application) == ["Verk 1", "Verk 2", "Verk 3"]
    assert "is now work" not in client.get("/applications/my").get_data(as_text=True)


@pytest.mark.parametrize("direction", [None, "sideways", "UP", "\u2191"])
def test_an_unknown_direction_is_a_bad_request(client, db, application, direction):
    data = {} if direction is None else {"direction": direction}
    response = client.post(f"/applications/my/works/{application.works[1].id}/move", data=data)
    assert response.status_code == 400
    assert _titles(db, application) == ["Verk 1", "Verk 2", "Verk 3"]


def test_another_artists_work_is_not_found(client, db, application):
    other = factories.make_application(call=application.call, works=2)
    db.session.commit()
    assert _move(client, other.works[1], "up").status_code == 404
    assert client.post(f"/applications/my/works/{2**63}/move", data={"direction": "up"}).status_code == 404
    assert _titles(db, other) == ["Verk 1", "Verk 2"]


def test_after_the_deadline_moving_is_refused_and_the_buttons_are_gone(client, db, application):
    application.call.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = _move(client, application.works[2], "up")
    assert response.status_code == 302
    page = client.get("/applications/my").get_data(as_text=True)
    assert "the application can no longer be changed" in page
    assert "Move «Verk" not in page
    assert _titles(db, application) == ["Verk 1", "Verk 2", "Verk 3"]


def test_a_single_work_has_no_buttons(client, db, application):
    for work in application.works[1:]:
        services.remove_work(application=application, work=work)
    db.session.commit()
    assert "Move «Verk" not in client.get("/applications/my").get_data(as_text=True)
