"""The guardians' pages through the client: the public page, registering children, guardian isolation, the second
guardian, consent, health information and the staff's pages."""

from datetime import date

import pytest
import sqlalchemy as sa

from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.outbox import OutboxMessage
from kunstvest.orchestra import services
from kunstvest.orchestra.models import (Child, ConsentPurpose, ConsentRecord, ConsentText, Enrolment, EnrolmentStatus,
                                        GuardianInvitation, HealthInfo)
from tests import factories

START = date(2017, 9, 1)


@pytest.fixture(autouse=True)
def english(client, db):
    """Pages in English, so the tests can read them."""
    with client.session_transaction() as session:
        session["locale"] = "en"


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def season(db):
    """The 2017 season, open for registration, and a member municipality."""
    season = factories.make_orchestra_season(starts_on=START, is_registration_open=True)
    factories.make_municipality(name="Lier")
    db.session.commit()
    return season


def _child_form(**changes) -> dict:
    from kunstvest.reference.models import Municipality

    municipality_id = factories.db.session.scalar(sa.select(Municipality.id).where(Municipality.name == "Lier"))
    return {"first_name": "Astrid", "last_name": "Berg", "date_of_birth": "2006-03-14", "instrument": "viola",
            "years_played": "3", "second_instrument": "", "second_years_played": "", "level": "intermediate",
            "teacher": "", "school": "Lier skole", "culture_school": "", "municipality_id": str(municipality_id),
            "notes": ""} | changes


def _publish_all(db) -> dict[ConsentPurpose, ConsentText]:
    staff = factories.make_user(roles=[Role.ORCHESTRA_STAFF])
    texts = {purpose: services.publish_consent_text(purpose=purpose, text=f"Text for {purpose}", actor=staff)
             for purpose in ConsentPurpose}
    db.session.commit()
    return texts


# --- the public page --------------------------------------------------------------------------------------------------

def test_the_public_page_says_whether_registration_is_open(client, db):
    closed = _page(client.get("/orchestra/"))
    assert "aged 8 to 18" in closed and "Registration is closed" in closed

    factories.make_orchestra_season(starts_on=START, is_registration_open=True)
    db.session.commit()
    page = _page(client.get("/orchestra/"))
    assert "Registration for the season starting" in page and "/auth/register" in page
    assert "next=%2Forchestra%2Fchildren%2Fnew" in page or "next=/orchestra/children/new" in page


def test_a_logged_in_guardian_is_sent_to_the_form(client, login, season):
    login(Role.GUARDIAN)
    page = _page(client.get("/orchestra/"))
    assert 'id="register-child" href="/orchestra/children/new"' in page


# --- registering ------------------------------------------------------------------------------------------------------

def test_a_guardian_registers_two_children(client, login, season, db):
    guardian = login(Role.GUARDIAN)
    assert client.get("/orchestra/children/new").status_code == 200
    first = client.post("/orchestra/children/new", data=_child_form(second_instrument="piano",
                                                                    second_years_played="1"))
    assert first.status_code == 302 and "/consent" in first.location
    client.post("/orchestra/children/new", data=_child_form(first_name="Brage", instrument="horn"))

    children = services.children_of(user=guardian)
    assert [c.first_name for c in children] == ["Astrid", "Brage"]
    assert [i.instrument for i in children[0].instruments] == ["viola", "piano"]
    assert db.session.scalars(sa.select(Enrolment.status)).all() == [EnrolmentStatus.APPLIED] * 2
    page = _page(client.get("/orchestra/children"))
    assert "Astrid Berg" in page and "Brage Berg" in page and "Applied, waiting for the staff (2017)" in page


def test_the_age_rule_is_shown_on_the_form(client, login, season, db):
    login(Role.GUARDIAN)
    response = client.post("/orchestra/children/new", data=_child_form(date_of_birth="2009-09-02"))
    assert response.status_code == 422
    assert "aged 8 to 18 on September 1, 2017" in _page(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Child)) == 0


def test_the_same_instrument_twice_is_refused(client, login, season):
    login(Role.GUARDIAN)
    response = client.post("/orchestra/children/new", data=_child_form(second_instrument="viola"))
    assert response.status_code == 422 and "must differ" in _page(response)


def test_a_closed_registration_shows_no_form(client, login, db):
    factories.make_orchestra_season(starts_on=START, is_registration_open=False)
    db.session.commit()
    login(Role.GUARDIAN)
    page = _page(client.get("/orchestra/children/new"))
    assert "Registration is closed" in page and 'name="first_name"' not in page


def test_a_guardian_edits_a_child(client, login, season, db):
    guardian = login(Role.GUARDIAN)
    child = factories.make_child(guardians=[guardian], instrument="cello", first_name="Astrid")
    db.session.commit()
    page = _page(client.get(f"/orchestra/children/{child.id}/edit"))
    assert 'value="Astrid"' in page and '<option selected value="cello">' in page
    response = client.post(f"/orchestra/children/{child.id}/edit", data=_child_form(first_name="Åse",
                                                                                  instrument="cello"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Child, child.id).first_name == "Åse"


# --- guardian isolation -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", "/orchestra/children/{id}/edit"), ("post", "/orchestra/children/{id}/edit"),
    ("post", "/orchestra/children/{id}/invite"), ("get", "/orchestra/children/{id}/consent"),
    ("post", "/orchestra/children/{id}/consent"), ("get", "/orchestra/children/{id}/health"),
    ("post", "/orchestra/children/{id}/health"),
])
def test_another_familys_child_is_not_found(client, login, season, db, method, path):
    child = factories.make_child(first_name="Hemmelig")
    db.session.commit()
    login(Role.GUARDIAN)
    response = getattr(client, method)(path.format(id=child.id), data={"email": "x@example.org"})
    assert response.status_code == 404
    assert "Hemmelig" not in _page(client.get("/orchestra/children"))


def test_a_guardian_cannot_read_the_staff_health_page(client, login, db):
    guardian = login(Role.GUARDIAN)
    child = factories.make_child(guardians=[guardian])
    db.session.commit()
    assert client.get(f"/orchestra/staff/children/{child.id}/health").status_code == 403


# --- a second guardian ------------------------------------------------------------------------------------------------

def test_a_second_guardian_is_invited_accepts_and_the_link_is_single_use(client, login, db):
    guardian = login(Role.GUARDIAN)
    child = factories.make_child(guardians=[guardian], first_name="Astrid")
    db.session.commit()
    response = client.post(f"/orchestra/children/{child.id}/invite", data={"email": "far@example.org"})
    assert response.status_code == 302
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "orchestra_invitation")).one()
    token = db.session.scalars(sa.select(GuardianInvitation.token)).one()
    assert mail.recipient == "far@example.org" and f"/orchestra/invitations/{token}" in mail.body_text
    assert "far@example.org (invited, not yet accepted)" in _page(client.get(f"/orchestra/children/{child.id}/edit"))

    second = login(None, email="far@example.org")  # no role yet: accepting grants the guardian role
    page = _page(client.get(f"/orchestra/invitations/{token}"))
    assert "Invitation to follow Astrid" in page
    assert client.post(f"/orchestra/invitations/{token}").status_code == 302
    db.session.expire_all()
    assert services.child_of(user=second, child_id=child.id) is not None
    assert Role.GUARDIAN in second.roles
    assert "Astrid" in _page(client.get("/orchestra/children"))
    assert client.get(f"/orchestra/invitations/{token}").status_code == 404
    assert client.post(f"/orchestra/invitations/{token}").status_code == 404


def test_an_unknown_invitation_is_not_found_and_anonymous_visitors_log_in(client, login, db):
    response = client.get("/orchestra/invitations/nope")
    assert response.status_code == 302 and "/auth/login" in response.location
    login(Role.GUARDIAN)
    assert client.get("/orchestra/invitations/nope").status_code == 404


# --- consent ----------------------------------------------------------------------------------------------------------

def test_a_guardian_answers_consent_and_is_asked_again_after_a_new_version(client, login, db):
    guardian = login(Role.GUARDIAN)
    child = factories.make_child(guardians=[guardian])
    texts = _publish_all(db)
    page = _page(client.get(f"/orchestra/children/{child.id}/consent"))
    assert "Text for photos_web" in page and page.count('value="yes"') == 4
    answers = {f"consent_{purpose.value}": "yes" for purpose in ConsentPurpose} | {"consent_photos_press": "no"}
    assert client.post(f"/orchestra/children/{child.id}/consent", data=answers).status_code == 302
    assert services.consent_labels(children=[child])[child.id] == "no photos in press"

    staff = factories.make_user(roles=[Role.ORCHESTRA_STAFF])
    services.publish_consent_text(purpose=ConsentPurpose.PHOTOS_WEB, text="Version two", actor=staff)
    db.session.commit()
    assert "1 question to answer" in _page(client.get("/orchestra/children"))
    page = _page(client.get(f"/orchestra/children/{child.id}/consent"))
    assert "Version two" in page and "Not answered for the current version" in page
    assert client.post(f"/orchestra/children/{child.id}/consent", data=answers).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord)) == 5
    assert texts[ConsentPurpose.PHOTOS_WEB].version == 1


def test_an_unanswered_question_is_refused(client, login, db):
    guardian = login(Role.GUARDIAN)
    child = factories.make_child(guardians=[guardian])
    _publish_all(db)
    response = client.post(f"/orchestra/children/{child.id}/consent", data={"consent_travel": "yes"})
    assert response.status_code == 422 and "Answer yes or no." in _page(response)


def test_staff_publish_a_new_version(client, login, db):
    login(Role.ORCHESTRA_STAFF)
    response = client.post("/orchestra/staff/consent-texts",
                           data={"purpose": "travel", "text": "Reise med orkesteret."})
    assert response.status_code == 302
    assert "Reise med orkesteret." in _page(client.get("/orchestra/staff/consent-texts"))
    assert services.current_texts()[ConsentPurpose.TRAVEL].version == 1


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.VOLUNTEER, Role.ARTIST, Role.JURY])
def test_only_staff_publish_consent_texts(client, login, db, role):
    login(role)
    assert client.post("/orchestra/staff/consent-texts", data={"purpose": "travel", "text": "x"}).status_code == 403


# --- health information -----------------------------------------------------------------------------------------------

def test_health_info_is_stored_only_with_consent(client, login, db):
    guardian = login(Role.GUARDIAN)
    child = factories.make_child(guardians=[guardian])
    texts = _publish_all(db)
    form = {"allergies": "Nøtter", "medical": "", "emergency_contacts": "Mor 900 00 000"}
    page = _page(client.get(f"/orchestra/children/{child.id}/health"))
    assert 'id="health-consent-needed"' in page and 'name="allergies"' not in page
    assert client.post(f"/orchestra/children/{child.id}/health", data=form).status_code == 302
    db.session.expire_all()
    stored = db.session.scalars(sa.select(HealthInfo)).one()
    assert (stored.allergies, stored.emergency_contacts) == ("", "Mor 900 00 000")  # only the contacts

    services.record_consent(child=child, consent_text=texts[ConsentPurpose.HEALTH_INFO], is_given=True, by=guardian)
    db.session.commit()
    assert 'name="allergies"' in _page(client.get(f"/orchestra/children/{child.id}/health"))
    assert client.post(f"/orchestra/children/{child.id}/health", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(sa.select(HealthInfo.allergies)).one() == "Nøtter"


def _child_with_health(db) -> Child:
    child = factories.make_child(first_name="Astrid")
    db.session.add(HealthInfo(child_id=child.id, allergies="Peanøtter", emergency_contacts="Far 911"))
    db.session.commit()
    return child


@pytest.mark.parametrize("role", [Role.ORCHESTRA_STAFF, Role.ADMIN])
def test_staff_read_health_info_and_the_read_is_audited(client, login, db, role):
    child = _child_with_health(db)
    reader = login(role)
    page = _page(client.get(f"/orchestra/staff/children/{child.id}/health"))
    assert "Peanøtter" in page and "not consented" in page
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "orchestra.health_read")).one()
    assert (event.actor_id, event.object_id) == (reader.id, str(child.id))


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.ARTIST, Role.JURY, Role.GUARDIAN, None])
def test_others_cannot_read_health_info(client, login, db, role):
    child = _child_with_health(db)
    login(role)
    response = client.get(f"/orchestra/staff/children/{child.id}/health")
    assert response.status_code == 403 and "Peanøtter" not in _page(response)
    assert client.get("/orchestra/staff/children/999999/health").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "orchestra.health_read")) == 0


def test_my_children_keeps_a_flat_query_count(client, login, db, count_queries):
    guardian = login(Role.GUARDIAN)
    _publish_all(db)
    season = factories.make_orchestra_season(starts_on=START)

    def add_children(count):
        for _ in range(count):
            factories.make_enrolment(orchestra_season=season, child=factories.make_child(guardians=[guardian]))
        db.session.commit()

    add_children(2)
    with count_queries() as few:
        assert client.get("/orchestra/children").status_code == 200
    add_children(20)
    with count_queries() as many:
        page = _page(client.get("/orchestra/children"))
    assert page.count('class="child-card"') == 22
    assert few.count == many.count
