"""The cut line and the waiting-list line on the ranking page never name an empty or one-rank range («ranks 1–0»)."""

import pytest

from kunstvest.applications.models import CallPhase
from kunstvest.auth.models import Role
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _ranking(client, db, *, cut_line: int, waitlist_size: int) -> str:
    call = factories.make_call(jurors=[factories.make_user(roles=[Role.JURY])], waitlist_size=waitlist_size)
    for _ in range(3):
        factories.make_application(call=call)
    call.phase, call.cut_line = CallPhase.DECIDING, cut_line
    db.session.commit()
    return client.get(f"/applications/admin/calls/{call.id}/ranking").get_data(as_text=True)


def test_a_cut_line_at_zero_says_no_application_is_accepted(client, db, login):
    login(Role.ADMIN)

    page = _ranking(client, db, cut_line=0, waitlist_size=2)

    assert "ranks 1–0" not in page and "Cut line at 0: no application is accepted" in page
    assert "Waiting list: ranks 1–2" in page


def test_one_rank_is_named_once(client, db, login):
    login(Role.ADMIN)

    page = _ranking(client, db, cut_line=1, waitlist_size=1)

    assert "Cut line: rank 1 is accepted" in page and "Waiting list: rank 2<" in page
    assert "1–1" not in page and "2–2" not in page
