"""The acceptance test of counting: phones tapping at one location at once over HTTP lose nothing, count nothing twice.

Runs against the live (threaded) server on SQLite and, under scripts/with-test-postgres, on PostgreSQL.
"""

import http.client
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from kunstvest.ateliers import counting
from kunstvest.ateliers.models import VisitTap
from kunstvest.auth.models import Role
from tests import factories

CLIENTS = 20
TAPS_PER_CLIENT = 100


def _location_counted_by(db, counters: int) -> tuple[int, list]:
    """An exhibition open yesterday to tomorrow (Oslo) as a location, with `counters` volunteers assigned."""
    today = counting.today_in_oslo()
    volunteers = [factories.make_user(roles=[Role.VOLUNTEER]) for _ in range(counters)]
    exhibition = factories.make_exhibition(year=today.year, opens_on=today - timedelta(days=1),
                                           closes_on=today + timedelta(days=1))
    location = factories.make_location(exhibition=exhibition, users=volunteers)
    db.session.commit()
    return location.id, volunteers


def _session_cookie(app, user) -> str:
    """The Cookie header of a logged-in session, signed as Flask signs it (Argon2 at each login would take seconds).

    The login form itself is taken in tests/browser/test_counter_journey.py.
    """
    signer = app.session_interface.get_signing_serializer(app)
    return f"{app.config['SESSION_COOKIE_NAME']}={signer.dumps({'_user_id': user.get_id(), '_fresh': True})}"


def _one_tap_body(client_id: str) -> dict:
    return {"taps": [{"client_id": client_id, "visitors": 1, "tapped_at": datetime.now(UTC).isoformat(),
                      "group_label": ""}]}


def _send_together(url: str, cookies: list[str], bodies: list[list[dict]]) -> list[list[dict]]:
    """Each client posts its bodies one request at a time on its own connection, all starting at the same moment."""
    address = urlsplit(url)
    barrier = threading.Barrier(len(cookies))
    answers: list[list[dict]] = [[] for _ in cookies]
    failures: list[str] = []

    def run(index: int) -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        headers = {"Cookie": cookies[index], "Content-Type": "application/json", "Accept": "application/json"}
        barrier.wait()
        try:
            for body in bodies[index]:
                try:
                    connection.request("POST", address.path, body=json.dumps(body), headers=headers)
                    response = connection.getresponse()
                    text = response.read().decode()
                except (OSError, http.client.HTTPException) as error:
                    failures.append(repr(error))
                    connection.close()
                    continue
                if response.status != 200:
                    failures.append(f"{response.status}: {text[:200]}")
                    continue
                answers[index].append(json.loads(text))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(cookies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == [], f"{len(failures)} requests failed, e.g. {failures[:3]}"
    return answers


def _stored(db, location_id: int) -> tuple[int, int]:
    """The location's total and its number of tap rows, as the database has them now."""
    db.session.rollback()
    total, rows = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(VisitTap.visitors), 0),
                                               sa.func.count(VisitTap.id))
                                     .where(VisitTap.location_id == location_id)).one()
    return total, rows


def test_twenty_phones_tapping_at_once_count_exactly_2000_and_resending_changes_nothing(app, db, live_server):
    location_id, volunteers = _location_counted_by(db, CLIENTS)
    url = f"{live_server.url}/ateliers/count/{location_id}/taps"
    sessions = [_session_cookie(app, volunteer) for volunteer in volunteers]
    bodies = [[_one_tap_body(str(uuid.uuid4())) for _ in range(TAPS_PER_CLIENT)] for _ in range(CLIENTS)]

    answers = _send_together(url, sessions, bodies)

    assert sum(answer["accepted"] for client in answers for answer in client) == CLIENTS * TAPS_PER_CLIENT
    assert _stored(db, location_id) == (2000, 2000)
    # A phone's answer shows the total as its own transaction saw it: never more than what is stored. (The last
    # to commit may not see one that committed a moment before it, so the highest answer can be 1,999.)
    assert max(answer["today_total"] for client in answers for answer in client) <= 2000

    again = _send_together(url, sessions, bodies)

    assert sum(answer["accepted"] for client in again for answer in client) == 0
    assert sum(answer["duplicates"] for client in again for answer in client) == CLIENTS * TAPS_PER_CLIENT
    assert all(answer["today_total"] == 2000 for client in again for answer in client)
    assert _stored(db, location_id) == (2000, 2000)


def test_one_phone_retrying_the_same_batch_many_times_at_once_stores_it_once(app, db, live_server):
    location_id, (volunteer,) = _location_counted_by(db, 1)
    url = f"{live_server.url}/ateliers/count/{location_id}/taps"
    session = _session_cookie(app, volunteer)
    batch = {"taps": [{"client_id": str(uuid.uuid4()), "visitors": visitors, "tapped_at": datetime.now(UTC).isoformat()}
                      for visitors in (1, 5, 25) * 10]}
    # Ten retries of one queue flush in flight together, on one login, each racing the others to insert first.
    answers = _send_together(url, [session] * 10, [[batch]] * 10)

    assert sum(client[0]["accepted"] for client in answers) == 30
    assert sum(client[0]["duplicates"] for client in answers) == 9 * 30
    assert _stored(db, location_id) == (310, 30)
