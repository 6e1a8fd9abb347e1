"""The dashboard is each role's to-do list for the season: what needs doing now, with deadlines and counts."""

import re
from datetime import date, timedelta

import pytest

from kunstvest.ateliers import counting
from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxStatus, queue_mail
from kunstvest.orchestra import services as orchestra
from kunstvest.orchestra.models import ConsentPurpose, EnrolmentStatus
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _todos(client) -> list[str]:
    page = client.get("/dashboard").get_data(as_text=True)
    lists = re.findall(r'<ul class="todos">(.*?)</ul>', page, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
            for block in lists for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def test_an_artist_with_a_draft_is_told_the_deadline_and_sees_no_counting_before_acceptance(client, db, login):
    user = login(Role.ARTIST)
    call = factories.make_call()
    factories.make_application(call=call, artist=factories.make_artist(user=user), submit=False)
    db.session.commit()
    [todo] = _todos(client)
    assert todo.startswith("Your application to Kunst rett vest 2017 is a draft: submit it by ")
    page = client.get("/dashboard").get_data(as_text=True)
    panel = page[page.index('id="panel-artist"'):]
    assert "My application" in panel and "My sales" not in panel and "Count visits" not in panel.split("</article>")[0]


def test_a_guardian_is_told_which_consents_to_answer_and_which_offer_to_accept(client, db, login):
    guardian = login(Role.GUARDIAN)
    staff = factories.make_user(roles=[Role.ORCHESTRA_STAFF])
    for purpose in (ConsentPurpose.PHOTOS_WEB, ConsentPurpose.TRAVEL):
        orchestra.publish_consent_text(purpose=purpose, text=f"Tekst {purpose}", actor=staff)
    child = factories.make_child(guardians=[guardian], first_name="Ola")
    season = factories.make_orchestra_season(year=2026)
    factories.make_enrolment(orchestra_season=season, child=child, status=EnrolmentStatus.OFFERED,
                             offer_expires_on=date.today() + timedelta(days=5))
    db.session.commit()
    todos = _todos(client)
    assert "2 consent questions to answer for Ola." in todos
    assert any(todo.startswith("A place is offered to Ola: answer by ") for todo in todos)


def test_the_secretariat_is_told_of_failed_mail_and_nothing_else_when_all_is_done(client, db, login):
    admin = login(Role.ADMIN)
    assert _todos(client) == []
    message = queue_mail(to="a@example.org", template="data_erased", subject="s", user=admin)
    message.status = OutboxStatus.FAILED
    db.session.commit()
    assert _todos(client) == ["1 mail could not be sent."]


def test_a_volunteer_is_told_where_to_count_today(client, db, login):
    volunteer = login(Role.VOLUNTEER)
    today = counting.today_in_oslo()
    exhibition = factories.make_exhibition(year=today.year, opens_on=today, closes_on=today)
    factories.make_location(exhibition=exhibition, users=[volunteer])
    db.session.commit()
    [todo] = _todos(client)
    assert todo.startswith("Count visitors today at ")
