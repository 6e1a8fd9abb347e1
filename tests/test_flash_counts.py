"""Every flash that counts mails counts the outbox rows its POST made (issue 13).

Each action is run through the client as its role, on a mix of recipients: accounts in bokmål and in English, and
someone who cannot be mailed (no account, an erased account or sign-up, or mailed before). The numbers read from the
flash must equal the rows made, template by template; those mailed and those the flash says were skipped must add up
to the people concerned; no row may go to an erased address, nor with a template the flash does not account for.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from kunstvest.applications import deciding, reviewing, services
from kunstvest.applications.models import ApplicationStatus, CallPhase
from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxMessage
from kunstvest.common.personal_data import erase_user
from kunstvest.exhibitions import programme
from kunstvest.exhibitions.models import EventKind
from kunstvest.extensions import db
from kunstvest.orchestra import admission, events
from kunstvest.orchestra.models import EnrolmentStatus, EventKind as OrchestraEventKind, Section
from kunstvest.reference.services import ensure_season
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


@dataclass(frozen=True)
class Count:
    """A number a flash states: its pattern's group, or `fixed` when the words say it ("X has been emailed")."""

    pattern: str
    fixed: int | None = None

    def read(self, flash: str) -> int:
        match = re.search(self.pattern, flash)
        assert match, f"the flash does not say {self.pattern!r}: {flash!r}"
        return int(match.group(1)) if self.fixed is None else self.fixed


@dataclass
class Scenario:
    """One POST as its role, and what its flash must count."""

    url: str
    mailed: dict[str, Count]  # template (or the start of the templates, "decision_") → how many the flash says
    concerned: int  # the people those mails are about: each one mailed, or counted by the flash as skipped
    skipped: tuple[Count, ...] = ()
    data: dict = field(default_factory=dict)
    unstated: dict[str, int] = field(default_factory=dict)  # mails made that this flash need not count, e.g. to
    # the guardians of a child offered a place that an expired offer freed
    says: tuple[tuple[Count, int], ...] = ()  # other numbers in the flash, and what they must be


def _user(role: Role, locale: str = "nb", **fields):
    return factories.make_user(roles=[role], locale=locale, **fields)


def _section(code: str) -> Section:
    return db.session.scalar(sa.select(Section).where(Section.code == code))


# --- the open call ----------------------------------------------------------------------------------------------------

def opening_jurying(login):
    """Four jurors: one reading English, one bokmål, one mailed at an earlier start, and one erased since."""
    admin = login(Role.ADMIN)
    earlier = _user(Role.JURY)
    call = factories.make_call(jurors=[earlier])
    reviewing.mail_jurors(call=call, actor=admin)
    erased = _user(Role.JURY)
    for juror in (_user(Role.JURY, "en"), _user(Role.JURY), erased):
        services.assign_juror(call=call, juror=juror, actor=admin)
    erase_user(user=erased, erased_by=admin)
    factories.make_application(call=call)
    call.phase = CallPhase.CLOSED
    db.session.commit()
    return Scenario(f"/applications/admin/calls/{call.id}/phase", data={"phase": "jurying"},
                    mailed={"jury_started": Count(r"(\d+) jurors? ha(?:s|ve) been emailed")},
                    skipped=(Count(r"(\d+) jurors? (?:was|were) emailed at the earlier start and not again"),
                             Count(r"(\d+) jurors?'s? accounts? (?:is|are) erased")),
                    concerned=4)


def _artists(admin):
    """Artists reading English and bokmål, one without an account and one whose account is erased (later)."""
    erased = factories.make_artist()
    return [factories.make_artist(user=_user(Role.ARTIST, "en")), factories.make_artist(user=False),
            factories.make_artist(), erased], lambda: erase_user(user=erased.user, erased_by=admin)


def closing_a_call_early(login):
    """Four drafts left when the call closes early, besides one submitted application."""
    admin = login(Role.ADMIN)
    call = factories.make_call()
    factories.make_application(call=call)
    artists, erase = _artists(admin)
    for artist in artists:
        factories.make_application(call=call, artist=artist, submit=False)
    erase()
    db.session.commit()
    return Scenario(f"/applications/admin/calls/{call.id}/close",
                    mailed={"call_closed_draft": Count(
                        r"(\d+) artists? whose drafts? (?:was|were) not submitted ha(?:s|ve) been emailed")},
                    skipped=(Count(r"(\d+) artists? with (?:a )?drafts? got no email"),), concerned=4)


def publishing_decisions(login):
    """Four decided applicants: two accepted, one on the waiting list, one rejected."""
    admin = login(Role.ADMIN)
    call = factories.make_call(jurors=[_user(Role.JURY)])
    artists, erase = _artists(admin)
    for artist in artists:
        factories.make_application(call=call, artist=artist)
    erase()
    call.phase = CallPhase.DECIDING
    deciding.apply_cut_line(call=call, cut_line=2, waitlist_size=1, actor=None)
    db.session.commit()
    return Scenario(f"/applications/admin/calls/{call.id}/publish", data={"is_checked": "y"},
                    mailed={"decision_": Count(r"The decisions are published: (\d+) emails? queued")},
                    skipped=(Count(r"(\d+) applicants? got no email"),), concerned=4)


def _waiting_call(first):
    """A published call whose one place was freed by a withdrawal; `first` waits for it."""
    call = factories.make_call(capacity=1)
    accepted = factories.make_application(call=call)
    waiting = factories.make_application(call=call, artist=first)
    accepted.status = ApplicationStatus.ACCEPTED
    waiting.status, waiting.waitlist_position = ApplicationStatus.WAITLISTED, 1
    call.phase = CallPhase.PUBLISHED
    services.withdraw_application(application=accepted, actor=None)
    db.session.commit()
    return call, waiting


def promoting_an_artist_with_an_account(login):
    login(Role.ADMIN)
    call, waiting = _waiting_call(factories.make_artist(user=_user(Role.ARTIST, "en")))
    return Scenario(f"/applications/admin/calls/{call.id}/promote", data={"application_id": waiting.id},
                    mailed={"decision_promoted": Count(r"is offered the place and has been emailed\.", 1)},
                    concerned=1)


def promoting_an_artist_without_an_account(login):
    login(Role.ADMIN)
    call, waiting = _waiting_call(factories.make_artist(user=False))
    return Scenario(f"/applications/admin/calls/{call.id}/promote", data={"application_id": waiting.id},
                    mailed={"decision_promoted": Count(r"is offered the place, but no email went", 0)},
                    skipped=(Count(r"no email went \(no account\): tell them yourself", 1),), concerned=1)


def mailing_a_decision_by_hand(login):
    """The secretariat found the address of an applicant without an account."""
    login(Role.ADMIN)
    call = factories.make_call(jurors=[_user(Role.JURY)])
    application = factories.make_application(call=call, artist=factories.make_artist(user=False))
    call.phase = CallPhase.DECIDING
    deciding.apply_cut_line(call=call, cut_line=1, waitlist_size=0, actor=None)
    deciding.publish_decisions(call=call, actor=None)
    db.session.commit()
    return Scenario(f"/applications/admin/applications/{application.id}/mail-decision",
                    data={f"a{application.id}-email": "funnet@example.org"},
                    mailed={"decision_": Count(r"is queued to funnet@example\.org", 1)}, concerned=1)


# --- the side programme -----------------------------------------------------------------------------------------------

def _workshop(capacity: int):
    exhibition = factories.make_exhibition(year=datetime.now(UTC).year + 1)
    return programme.save_event(exhibition=exhibition, kind=EventKind.WORKSHOP, title="Clay workshop",
                                description="", day=exhibition.opens_on, starts=time(11), ends=time(13),
                                place="Studio", language="nb", capacity=capacity, has_signup=True)


def _sign_up(event, *, email: str, seats: int = 1, locale: str = "nb"):
    return programme.sign_up(event=event, name=email.split("@")[0].title(), email=email, seats=seats, locale=locale)


def cancelling_an_event(login):
    """Three seats taken (English, bokmål, and one whose holder has since been erased), one person waiting, and a
    sign-up cancelled before, who is not concerned."""
    admin = login(Role.ADMIN)
    event = _workshop(capacity=3)
    programme.cancel_signup(signup=_sign_up(event, email="gone@example.org"))
    _sign_up(event, email="anna@example.org", locale="en")
    _sign_up(event, email="bjorn@example.org")
    _sign_up(event, email="erased@example.org")
    _sign_up(event, email="waiting@example.org")
    erase_user(user=_user(Role.ARTIST, email="erased@example.org"), erased_by=admin)
    db.session.commit()
    return Scenario(f"/exhibitions/admin/events/{event.id}/cancel", data={"is_confirmed": "y"},
                    mailed={"signup_event_cancelled": Count(
                        r"The event is cancelled; (\d+) (?:person|people) signed up ha(?:s|ve) been emailed")},
                    skipped=(Count(r"(\d+) sign-ups? (?:was|were) erased at"),), concerned=4)


def cancelling_a_sign_up_with_a_waiting_list(login):
    """Anna's two seats free up for the two waiting behind her (one of them since erased); a party of three keeps
    waiting."""
    admin = login(Role.ADMIN)
    event = _workshop(capacity=3)
    anna = _sign_up(event, email="anna@example.org", seats=2, locale="en")
    _sign_up(event, email="per@example.org")
    _sign_up(event, email="erased@example.org")
    _sign_up(event, email="big@example.org", seats=3, locale="en")
    _sign_up(event, email="bjorn@example.org")
    erase_user(user=_user(Role.ARTIST, email="erased@example.org"), erased_by=admin)
    db.session.commit()
    return Scenario(f"/exhibitions/admin/signups/{anna.id}/cancel",
                    mailed={"signup_promoted": Count(r"(\d+) (?:person|people) who moved up ha(?:s|ve) been emailed")},
                    skipped=(Count(r"(\d+) sign-ups? (?:was|were) erased at"),), concerned=2,
                    unstated={"signup_cancelled": 1}, says=((Count(r"(\d+) moved up from the waiting list"), 2),))


# --- the youth orchestra ----------------------------------------------------------------------------------------------

def _family(admin, **child_fields):
    """A child whose guardians read English and bokmål, and a third guardian erased since (no longer theirs)."""
    erased = _user(Role.GUARDIAN)
    child = factories.make_child(guardians=[_user(Role.GUARDIAN, "en"), _user(Role.GUARDIAN), erased],
                                 **child_fields)
    return child, lambda: erase_user(user=erased, erased_by=admin)


def publishing_a_consent_text(login):
    """Current members: Astrid (two guardians, and one erased) and her sister; a former member's and an applicant's
    guardians are not asked."""
    staff = login(Role.ORCHESTRA_STAFF)
    current = factories.make_orchestra_season(year=events.today_in_oslo().year)
    astrid, erase = _family(staff)
    factories.make_enrolment(orchestra_season=current, child=astrid)
    sister = factories.make_child(guardians=[astrid.guardianships[0].user])
    factories.make_enrolment(orchestra_season=current, child=sister)
    factories.make_enrolment(orchestra_season=factories.make_orchestra_season(year=2010), child=factories.make_child())
    factories.make_enrolment(orchestra_season=current, status=EnrolmentStatus.APPLIED, child=factories.make_child())
    erase()
    db.session.commit()
    return Scenario("/orchestra/staff/consent-texts",
                    data={"purpose": "photos_web", "text": "Vi legger ut bilder på nett.", "confirmed": "yes"},
                    mailed={"orchestra_consent_text": Count(r"(\d+) guardians? ha(?:s|ve) been emailed to answer")},
                    concerned=2)


def expiring_offers(login):
    """Two viola offers past their date (Astrid's two guardians, Bo's one); the freed place goes to Cilla."""
    staff = login(Role.ORCHESTRA_STAFF)
    season = factories.make_orchestra_season(year=2017)
    admission.save_targets(orchestra_season=season, targets={_section("viola"): 1})
    astrid, erase = _family(staff, instrument="viola")
    bo = factories.make_child(guardians=[_user(Role.GUARDIAN)], instrument="viola")
    for child in (astrid, bo):
        stale = factories.make_enrolment(orchestra_season=season, child=child, status=EnrolmentStatus.WAITLISTED)
        admission.offer_place(enrolment=stale, section=_section("viola"), today=date(2000, 1, 1))
    factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED, child=factories.make_child(
        guardians=[_user(Role.GUARDIAN, "en")], instrument="viola"))
    erase()
    db.session.commit()
    return Scenario(f"/orchestra/staff/seasons/{season.id}/expire-offers",
                    mailed={"orchestra_offer_expired": Count(r"\((\d+) guardians? emailed\)")}, concerned=3,
                    unstated={"orchestra_offer": 1},
                    says=((Count(r"(\d+) offers? expired"), 2),
                          (Count(r"(\d+) places? offered to the next on the waiting list"), 1)))


def messaging_an_events_guardians(login):
    """A rehearsal weekend: Astrid (two guardians, one erased) and her sister attend, Dag does not."""
    staff = login(Role.ORCHESTRA_STAFF)
    today = events.today_in_oslo()
    season = factories.make_orchestra_season(year=today.year, starts_on=today - timedelta(days=30),
                                             ends_on=today + timedelta(days=300))
    astrid, erase = _family(staff)
    dag = factories.make_child()
    for child in (astrid, factories.make_child(guardians=[astrid.guardianships[0].user]), dag):
        factories.make_enrolment(orchestra_season=season, child=child)
    weekend = events.save_event(orchestra_season=season, kind=OrchestraEventKind.REHEARSAL_WEEKEND,
                                title="Helgesamling", starts_on=today + timedelta(days=20),
                                ends_on=today + timedelta(days=21), venue=factories.make_venue())
    events.save_reply(event=weekend, child=dag, is_attending=False, replied_by=staff, today=today)
    erase()
    db.session.commit()
    return Scenario(f"/orchestra/staff/seasons/{season.id}/message",
                    data={"audience": "event", "section_id": "0", "event_id": weekend.id, "subject": "Noter",
                          "body": "Husk notene.", "send": "y"},
                    mailed={"orchestra_message": Count(r"The message is queued for (\d+) guardians?")}, concerned=2)


def offering_places_to_members(login):
    """Last season's members: Astrid (two guardians, one erased), Bo, one too old now, and one whose only guardian
    was erased after the season ended, so that the child is anonymised."""
    staff = login(Role.ORCHESTRA_STAFF)
    last = factories.make_orchestra_season(year=2017)
    following = factories.make_orchestra_season(season=ensure_season(project=last.season.project, year=2018),
                                                reregistration_deadline=date(2018, 5, 1))
    astrid, erase = _family(staff)
    lone = _user(Role.GUARDIAN)
    for child in (astrid, factories.make_child(guardians=[_user(Role.GUARDIAN, "en")]),
                  factories.make_child(date_of_birth=date(1999, 1, 1)), factories.make_child(guardians=[lone])):
        factories.make_enrolment(orchestra_season=last, child=child)
    erase()
    erase_user(user=lone, erased_by=staff)
    db.session.commit()
    return Scenario(f"/orchestra/staff/seasons/{following.id}/reregistration",
                    mailed={"orchestra_reregister": Count(r"\((\d+) guardians? emailed\)")}, concerned=3,
                    says=((Count(r"(\d+) members? (?:was|were) offered"), 2),))


def _decision(decision: str, template: str, *, waits: bool = False):
    def deciding_an_application(login):
        """A viola applicant with two guardians (and one erased); the flash says "the guardians"."""
        staff = login(Role.ORCHESTRA_STAFF)
        season = factories.make_orchestra_season(year=2017)
        child, erase = _family(staff, instrument="viola")
        enrolment = factories.make_enrolment(orchestra_season=season, child=child,
                                             status=EnrolmentStatus.WAITLISTED if waits else EnrolmentStatus.APPLIED)
        erase()
        db.session.commit()
        prefix = f"enrolment-{enrolment.id}-"
        return Scenario(f"/orchestra/staff/enrolments/{enrolment.id}/decide",
                        data={prefix + "decision": decision, prefix + "section_id": _section("viola").id,
                              prefix + "group": ""},
                        mailed={template: Count(r"the guardians have been emailed\.", 2)}, concerned=2)

    deciding_an_application.__name__ = f"deciding_{decision}"
    return deciding_an_application


def offering_the_next_place(login):
    """The viola section is short of one player; Astrid (two guardians, one erased) waits first."""
    staff = login(Role.ORCHESTRA_STAFF)
    season = factories.make_orchestra_season(year=2017)
    admission.save_targets(orchestra_season=season, targets={_section("viola"): 1})
    child, erase = _family(staff, instrument="viola")
    factories.make_enrolment(orchestra_season=season, child=child, status=EnrolmentStatus.WAITLISTED)
    erase()
    db.session.commit()
    return Scenario(f"/orchestra/staff/seasons/{season.id}/offer-next", data={"section_id": _section("viola").id},
                    mailed={"orchestra_offer": Count(r"the guardians have been emailed\.", 2)}, concerned=2)


# --- counting and accounts --------------------------------------------------------------------------------------------

def _counting_location(*, users=()):
    atelier = factories.make_atelier(open_ateliers=factories.make_open_ateliers(year=2017), name="Tollboden")
    return factories.make_location(atelier=atelier, users=users)


def _assigning(locale: str | None):
    def assigning_a_volunteer(login):
        login(Role.ADMIN)
        volunteer = _user(Role.VOLUNTEER, locale or "nb")
        location = _counting_location(users=[] if locale else [volunteer])
        db.session.commit()
        said = (Count(r"has been emailed the place, the days and the link\.", 1) if locale else
                Count(r"already counts at Tollboden; nothing changed and no email was sent\.", 0))
        return Scenario("/ateliers/admin/2017/counters", data={"location_id": location.id, "user_id": volunteer.id},
                        mailed={"counter_assigned": said}, concerned=1,
                        skipped=() if locale else (Count(r"nothing changed and no email was sent", 1),))

    assigning_a_volunteer.__name__ = f"assigning_a_volunteer_{locale or 'already_counting'}"
    return assigning_a_volunteer


def assigning_an_erased_volunteer(login):
    """An erased volunteer is not among the choices: nobody is assigned or mailed, and the flash says so."""
    admin = login(Role.ADMIN)
    location = _counting_location()
    volunteer = _user(Role.VOLUNTEER)
    erase_user(user=volunteer, erased_by=admin)
    db.session.commit()
    refused = r"Choose a location and a user with the volunteer role\."
    return Scenario("/ateliers/admin/2017/counters", data={"location_id": location.id, "user_id": volunteer.id},
                    mailed={"counter_assigned": Count(refused, 0)}, skipped=(Count(refused, 1),), concerned=1)


def _erasing(locale: str | None):
    def erasing_a_user(login):
        """An artist with a draft and a sign-up, or a guardian; or a user erased before (nothing is mailed again)."""
        admin = login(Role.ADMIN)
        if locale == "en":
            user = _user(Role.ARTIST, "en")
            factories.make_application(artist=factories.make_artist(user=user), submit=False)
            _sign_up(_workshop(capacity=2), email=user.email, locale="en")
        else:
            user = _user(Role.GUARDIAN)
            factories.make_enrolment(orchestra_season=factories.make_orchestra_season(year=2017),
                                     child=factories.make_child(guardians=[user]))
        if locale is None:
            erase_user(user=user, erased_by=admin)
        db.session.commit()
        said = (Count(r"is erased; the confirmation is queued to user\d+@example\.org\.", 1) if locale else
                Count(r"This user has already been erased\.", 0))
        return Scenario(f"/admin/users/{user.id}/erase", mailed={"data_erased": said}, concerned=1,
                        skipped=() if locale else (Count(r"already been erased", 1),))

    erasing_a_user.__name__ = f"erasing_a_user_{locale or 'erased_before'}"
    return erasing_a_user


def inviting_a_second_guardian(login):
    guardian = login(Role.GUARDIAN)
    child = factories.make_child(guardians=[guardian])
    db.session.commit()
    return Scenario(f"/orchestra/children/{child.id}/invite", data={"email": "far@example.org"},
                    mailed={"orchestra_invitation": Count(r"The invitation is sent to far@example\.org\.", 1)},
                    concerned=1)


SCENARIOS = [
    opening_jurying, closing_a_call_early, publishing_decisions, promoting_an_artist_with_an_account,
    promoting_an_artist_without_an_account, mailing_a_decision_by_hand, cancelling_an_event,
    cancelling_a_sign_up_with_a_waiting_list, publishing_a_consent_text, expiring_offers,
    messaging_an_events_guardians, offering_places_to_members, _decision("admit", "orchestra_admitted"),
    _decision("offer", "orchestra_offer"), _decision("decline", "orchestra_declined", waits=True),
    offering_the_next_place, _assigning("nb"), _assigning("en"), _assigning(None), assigning_an_erased_volunteer,
    _erasing("en"), _erasing("nb"), _erasing(None), inviting_a_second_guardian,
]


def _mails_after(message_id: int) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id > message_id)))


def _flash_text(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(message) for _category, message in session.get("_flashes", []))


@pytest.mark.parametrize("build", SCENARIOS, ids=[build.__name__ for build in SCENARIOS])
def test_the_flash_counts_the_mails_made_and_who_was_skipped(client, login, build):
    scenario = build(login)
    last_id = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0

    response = client.post(scenario.url, data=scenario.data)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    flash = _flash_text(client)
    made = _mails_after(last_id)
    rows = Counter(message.template for message in made)
    stated = {template: count.read(flash) for template, count in scenario.mailed.items()}
    for template, count in stated.items():
        assert sum(n for name, n in rows.items() if name.startswith(template)) == count, (template, flash, rows)
    for template, count in scenario.unstated.items():
        assert rows[template] == count, (template, flash, rows)
    accounted = (*scenario.mailed, *scenario.unstated)
    assert [name for name in rows if not name.startswith(accounted)] == [], flash
    skipped = sum(count.read(flash) for count in scenario.skipped)
    assert sum(stated.values()) + skipped == scenario.concerned, flash
    assert [message.recipient for message in made if message.recipient.endswith("@invalid")] == []
    assert [count.read(flash) for count, _expected in scenario.says] == [expected for _count, expected in scenario.says]
