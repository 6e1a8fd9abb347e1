"""The orchestra's mails that staff decisions, the nightly expiry and a new consent text promise: each goes through
the outbox to every guardian, in the guardian's language, and the staff's message says so truthfully."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import OutboxMessage
from kunstvest.extensions import db
from kunstvest.orchestra import admission, services
from kunstvest.orchestra.cli import orchestra_cli
from kunstvest.orchestra.models import ConsentPurpose, Enrolment, EnrolmentStatus, Section
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _section(code: str) -> Section:
    return db.session.scalar(sa.select(Section).where(Section.code == code))


def _outbox(template: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.recipient)))


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(message for _category, message in session.get("_flashes", []))


@pytest.fixture
def season(db):
    orchestra_season = factories.make_orchestra_season(year=2017, offer_days=14)
    db.session.commit()
    return orchestra_season


@pytest.fixture
def family(db):
    """Two guardians of one child: the mother reads English, the father bokmål."""
    mother = factories.make_user(roles=[Role.GUARDIAN], email="mor@example.org", full_name="Mor Berg", locale="en")
    father = factories.make_user(roles=[Role.GUARDIAN], email="far@example.org", full_name="Far Berg", locale="nb")
    child = factories.make_child(guardians=[mother, father], first_name="Astrid", last_name="Berg",
                                 instrument="viola")
    return mother, father, child


def _decide(client, enrolment, decision: str, **fields):
    prefix = f"enrolment-{enrolment.id}-"
    return client.post(f"/orchestra/staff/enrolments/{enrolment.id}/decide",
                       data={prefix + "decision": decision, **{prefix + key: value for key, value in fields.items()}})


def test_direct_admission_mails_every_guardian_in_their_language(client, login, season, family):
    login(Role.ORCHESTRA_STAFF)
    _mother, _father, child = family
    enrolment = factories.make_enrolment(orchestra_season=season, child=child, status=EnrolmentStatus.APPLIED)
    db.session.commit()

    assert _decide(client, enrolment, "admit", section_id=_section("viola").id, group="").status_code == 302

    assert "Astrid Berg is admitted to Bratsj; the guardians have been emailed." in _flashes(client)
    to_father, to_mother = _outbox("orchestra_admitted")
    assert (to_mother.recipient, to_father.recipient) == ("mor@example.org", "far@example.org")
    assert to_mother.subject == "Astrid has a place in Vestregionens Ungdomssymfonikere"
    assert to_father.subject == "Astrid har fått plass i Vestregionens Ungdomssymfonikere"
    assert "Astrid Berg has a place in Bratsj" in to_mother.body_text
    assert f"{current_app.config['PUBLIC_URL']}/orchestra/children" in to_mother.body_text  # not the request's host


def test_a_staff_decline_mails_every_guardian_in_their_language(client, login, season, family):
    login(Role.ORCHESTRA_STAFF)
    _mother, _father, child = family
    enrolment = factories.make_enrolment(orchestra_season=season, child=child, status=EnrolmentStatus.WAITLISTED)
    db.session.commit()

    _decide(client, enrolment, "decline")

    assert "The application of Astrid Berg is declined; the guardians have been emailed." in _flashes(client)
    to_father, to_mother = _outbox("orchestra_declined")
    assert (to_mother.recipient, to_father.recipient) == ("mor@example.org", "far@example.org")
    assert "we cannot offer Astrid Berg a place in the season 2017" in to_mother.body_text
    assert "vi ikke kan tilby Astrid Berg plass i sesongen 2017" in to_father.body_text
    assert db.session.get(Enrolment, enrolment.id).status == EnrolmentStatus.DECLINED


def test_waitlisting_sends_no_mail(client, login, season, family):
    login(Role.ORCHESTRA_STAFF)
    enrolment = factories.make_enrolment(orchestra_season=season, child=family[2], status=EnrolmentStatus.APPLIED)
    db.session.commit()
    _decide(client, enrolment, "waitlist")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_the_expiry_job_mails_the_guardians_once_however_often_it_runs(runner, season, family):
    _mother, _father, child = family
    admission.save_targets(orchestra_season=season, targets={_section("viola"): 1})
    stale = factories.make_enrolment(orchestra_season=season, child=child, status=EnrolmentStatus.WAITLISTED,
                                     applied_at=utcnow() - timedelta(days=30))
    admission.offer_place(enrolment=stale, section=_section("viola"), today=date(2000, 1, 1))
    db.session.commit()

    first = runner.invoke(orchestra_cli, ["expire-offers"])
    second = runner.invoke(orchestra_cli, ["expire-offers"])

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "1 offers expired (2 guardians emailed)" in first.output
    assert "0 offers expired (0 guardians emailed)" in second.output
    to_father, to_mother = _outbox("orchestra_offer_expired")
    assert (to_mother.recipient, to_father.recipient) == ("mor@example.org", "far@example.org")
    assert to_mother.subject == "The offered place for Astrid has expired"
    assert to_father.subject == "Tilbudet om plass til Astrid er utløpt"
    assert "could be accepted until January 15, 2000" in to_mother.body_text
    assert db.session.get(Enrolment, stale.id).status == EnrolmentStatus.EXPIRED


def test_the_staff_button_counts_the_guardians_it_mailed(client, login, season, family):
    login(Role.ORCHESTRA_STAFF)
    stale = factories.make_enrolment(orchestra_season=season, child=family[2], status=EnrolmentStatus.WAITLISTED)
    admission.offer_place(enrolment=stale, section=_section("viola"), today=date(2000, 1, 1))
    db.session.commit()

    client.post(f"/orchestra/staff/seasons/{season.id}/expire-offers")

    assert "1 offer expired (2 guardians emailed)" in _flashes(client)
    assert len(_outbox("orchestra_offer_expired")) == 2


# --- a new consent text -----------------------------------------------------------------------------------------------

@pytest.fixture
def members(db, family):
    """Astrid is a member of the current season; a former member's guardian and an applicant's are not asked."""
    mother, father, astrid = family
    current = factories.make_orchestra_season(year=utcnow().year)
    factories.make_enrolment(orchestra_season=current, child=astrid)
    sister = factories.make_child(guardians=[mother], first_name="Sara", last_name="Berg")
    factories.make_enrolment(orchestra_season=current, child=sister)
    former = factories.make_user(roles=[Role.GUARDIAN], email="tidligere@example.org")
    old_season = factories.make_orchestra_season(year=2010)
    factories.make_enrolment(orchestra_season=old_season, child=factories.make_child(guardians=[former]))
    applicant = factories.make_user(roles=[Role.GUARDIAN], email="soker@example.org")
    factories.make_enrolment(orchestra_season=current, status=EnrolmentStatus.APPLIED,
                             child=factories.make_child(guardians=[applicant]))
    db.session.commit()
    return mother, father


def test_publishing_a_consent_text_asks_first_then_mails_each_guardian_of_a_current_member(client, login, members):
    login(Role.ORCHESTRA_STAFF)
    form = {"purpose": "photos_web", "text": "Vi legger ut bilder på nett."}

    confirm = client.post("/orchestra/staff/consent-texts", data=form)

    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Publish and email 2 guardians" in page
    assert "Mor Berg (mor@example.org): Astrid Berg, Sara Berg" in page
    assert services.current_texts() == {} and _outbox("orchestra_consent_text") == []

    response = client.post("/orchestra/staff/consent-texts", data=form | {"confirmed": "yes"})

    assert response.status_code == 302
    assert "Version 1 is published; 2 guardians have been emailed to answer it." in _flashes(client)
    to_father, to_mother = _outbox("orchestra_consent_text")
    assert (to_mother.recipient, to_father.recipient) == ("mor@example.org", "far@example.org")
    assert to_mother.subject == "Please answer the new consent text: Photos on the web"
    assert to_father.subject == "Svar på den nye samtykketeksten: Bilder på nett"
    astrid, sara = services.children_of(user=members[0])
    assert f"{current_app.config['PUBLIC_URL']}/orchestra/children/{astrid.id}/consent" in to_mother.body_text
    assert f"/orchestra/children/{sara.id}/consent" in to_mother.body_text
    assert f"/orchestra/children/{sara.id}/consent" not in to_father.body_text


def test_without_current_members_a_text_is_published_at_once(client, login, db):
    login(Role.ORCHESTRA_STAFF)
    response = client.post("/orchestra/staff/consent-texts", data={"purpose": "travel", "text": "Reise."})
    assert response.status_code == 302  # nobody to mail, so nothing to confirm
    assert "Version 1 is published; 0 guardians have been emailed to answer it." in _flashes(client)
    assert services.current_texts()[ConsentPurpose.TRAVEL].version == 1
