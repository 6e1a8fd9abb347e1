"""Every URL rule, for a visitor and for each role: 200, a redirect to login, or 403.

A route that is added without a line here fails `test_matrix_covers_every_rule`.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from kunstvest.auth.models import Role
from kunstvest.budget.services import record_actual, versions_of
from kunstvest.common.outbox import queue_mail
from tests import factories

OK, LOGIN, FORBIDDEN, REDIRECT = "200", "login", "403", "redirect"
PRINCIPALS = ["anonymous", "no_role", *[role.value for role in Role]]


@dataclass(frozen=True)
class Access:
    """Expected outcome per principal; `others` applies to every role not named."""

    anonymous: str
    others: str
    roles: tuple[str, ...] = ()
    for_roles: str = OK
    exceptions: tuple[tuple[str, str], ...] = ()  # (principal, outcome) pairs that differ from the above

    def expected(self, principal: str) -> str:
        if principal in dict(self.exceptions):
            return dict(self.exceptions)[principal]
        if principal == "anonymous":
            return self.anonymous
        return self.for_roles if principal in self.roles else self.others


PUBLIC = Access(anonymous=OK, others=OK)
GUEST_ONLY = Access(anonymous=OK, others=REDIRECT)  # a logged-in user is sent to the dashboard
LOGGED_IN = Access(anonymous=LOGIN, others=OK)
TOKEN_LINK = Access(anonymous=REDIRECT, others=REDIRECT)  # an invalid token redirects with a message
ADMIN = Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ADMIN.value,))
# POST actions: only who may reach them is checked, not what they do with an empty form.
ADMIN_ACTION = Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ADMIN.value,), for_roles="allowed")
LOGGED_IN_ACTION = Access(anonymous=LOGIN, others="allowed")
PUBLIC_ACTION = Access(anonymous="allowed", others="allowed")

MATRIX: dict[str, Access] = {
    "main.index": PUBLIC,
    "main.healthz": PUBLIC,
    "main.dashboard": LOGGED_IN,
    "main.set_language": PUBLIC_ACTION,
    "auth.register": GUEST_ONLY,
    "auth.login": GUEST_ONLY,
    "auth.logout": LOGGED_IN_ACTION,
    "auth.verify_email": TOKEN_LINK,
    "auth.resend_verification": PUBLIC,
    "auth.request_reset": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.confirm_email_change": TOKEN_LINK,
    "auth.account": LOGGED_IN,
    "auth.change_password": LOGGED_IN,
    "auth.change_email": LOGGED_IN,
    "auth.export_data": LOGGED_IN,
    "auth.request_deletion": LOGGED_IN_ACTION,
    "admin.users": ADMIN,
    "admin.user_detail": ADMIN,
    "admin.change_role": ADMIN_ACTION,
    "admin.erase": ADMIN,  # GET asks for confirmation, POST erases
    "admin.outbox": ADMIN,
    "admin.outbox_message": ADMIN,
    "admin.outbox_resend": ADMIN_ACTION,
    "admin.audit_log": ADMIN,
    "reference.municipalities": ADMIN,
    "reference.edit_municipality": ADMIN,
    "reference.venues": ADMIN,
    "reference.edit_venue": ADMIN,
    "reference.seasons": ADMIN,
    "budget.index": ADMIN,
    "budget.edit_line": ADMIN,
    "budget.projects": ADMIN,
    "budget.versions": ADMIN,
    "budget.reports_index": ADMIN,
    "budget.report_budget_vs_actual": ADMIN,
    "budget.report_tertial": ADMIN,
    "budget.report_funder": ADMIN,
    "budget.report_year_over_year": ADMIN,
    "budget.report_annual": ADMIN,
    "budget.settle_result": ADMIN,
    "budget.approve_version": ADMIN_ACTION,
    "budget.create_version": ADMIN_ACTION,
    "budget.edit_project": ADMIN,
    "budget.import_transactions": ADMIN,
    "budget.confirm_import": ADMIN_ACTION,
    "budget.new_transaction": ADMIN,
    "budget.review_import": ADMIN_ACTION,
    "budget.import_batches": ADMIN,
    "budget.undo_import_batch": ADMIN,  # GET asks for confirmation, POST undoes
    "budget.account_mappings": ADMIN,
    "budget.add_account_mapping": ADMIN_ACTION,
    "budget.edit_account_mapping": ADMIN,
    "budget.remove_account_mapping": ADMIN_ACTION,
    "budget.ledger": ADMIN,
    "budget.edit_transaction": ADMIN,
    "budget.delete_transaction": ADMIN,
    # The transaction in the URL values is in an open year: a counter-entry is refused with a message.
    "budget.counter_entry": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ADMIN.value,), for_roles=REDIRECT),
    "budget.closed_years": ADMIN,
    "budget.close_year": ADMIN,
    # The year in the URL values is open: there is nothing to reopen, and the page says so.
    "budget.reopen_year": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ADMIN.value,), for_roles=REDIRECT),
}

# The open call. A jury-role user who is not on the call's jury gets 403 (or 404 for images), as the matrix shows.
ARTIST = Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,))
ARTIST_ACTION = Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,), for_roles="allowed")
JURY_ON_ANOTHER_CALL = Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.JURY.value,), for_roles=FORBIDDEN)
# Images are 404 for anyone who may not see them, so that a URL does not confirm that a work exists.
IMAGE = Access(anonymous="404", others="404", roles=(Role.ADMIN.value,))
APPLICATIONS_ARTIST: dict[str, Access] = {
    "applications.call_page": PUBLIC,
    "applications.profile": ARTIST,
    # The test artist has no profile yet: their pages send them to make one.
    "applications.my_application": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,),
                                          for_roles=REDIRECT),
    "applications.start": ARTIST_ACTION,
    "applications.edit_statement": ARTIST_ACTION,
    "applications.edit_work": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,),
                                     for_roles="allowed"),
    # GET asks for confirmation, POST removes; the test artist has no application, so there is no work to remove.
    "applications.remove_work": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,),
                                      for_roles="404"),
    # The test artist has no application either, so there is no work to move.
    "applications.move_work": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,), for_roles="404"),
    "applications.submit": ARTIST_ACTION,
    "applications.withdraw": ARTIST_ACTION,
    "applications.choose_work": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,),
                                       for_roles="allowed"),
    "applications.work_image": IMAGE,
    "applications.chosen_work_image": IMAGE,
    # Only the application's own artist has a receipt; to the test artist it is someone else's: 404.
    "applications.receipt": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,), for_roles="404"),
    "applications.receipt_pdf": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ARTIST.value,),
                                       for_roles="404"),
}
APPLICATIONS_JURY: dict[str, Access] = {
    "applications.jury_index": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.JURY.value,)),
    "applications.jury_call": JURY_ON_ANOTHER_CALL,
    "applications.jury_application": JURY_ON_ANOTHER_CALL,
    "applications.jury_declare_conflict": JURY_ON_ANOTHER_CALL,  # GET asks for confirmation, POST declares
    # Someone else's conflict is 404 to a juror, like an application they may not read.
    "applications.jury_resolve_conflict": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.JURY.value,),
                                                 for_roles="404"),
}
APPLICATIONS_SECRETARIAT: dict[str, Access] = {
    "applications.admin_calls": ADMIN,
    "applications.admin_edit_call": ADMIN,
    "applications.admin_copy_call": ADMIN_ACTION,
    "applications.admin_call": ADMIN,
    "applications.admin_move_phase": ADMIN_ACTION,
    # GET asks for confirmation, POST closes; the call in the URL values is in the jury phase, so there is nothing to
    # close and the page sends the secretariat back to the call.
    "applications.admin_close_call": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ADMIN.value,),
                                            for_roles=REDIRECT),
    "applications.admin_assign_juror": ADMIN_ACTION,
    "applications.admin_unassign_juror": ADMIN_ACTION,
    "applications.admin_ranking": ADMIN,
    "applications.admin_application": ADMIN,
    "applications.admin_withdraw": ADMIN,  # GET asks for confirmation, POST withdraws
    # GET asks for confirmation, POST promotes; before the results are published the page sends the secretariat back.
    "applications.admin_promote": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ADMIN.value,),
                                         for_roles=REDIRECT),
    "applications.admin_publish": ADMIN_ACTION,
    "applications.admin_unmailed": ADMIN,
    "applications.admin_mail_decision": ADMIN_ACTION,
    "applications.admin_scores_export": ADMIN,
    "applications.admin_exhibition_works": ADMIN,
    "applications.admin_exhibition_works_export": ADMIN,
    "applications.admin_statistics": ADMIN,
}
MATRIX.update(APPLICATIONS_ARTIST | APPLICATIONS_JURY | APPLICATIONS_SECRETARIAT)

# The exhibition, its programme and the open ateliers of the Kunst rett vest season in the URL values (published).
EXHIBITIONS: dict[str, Access] = {
    "exhibitions.admin_hosts": ADMIN,
    "exhibitions.admin_edit_exhibition": ADMIN,
    "exhibitions.admin_exhibition": ADMIN,
    "exhibitions.admin_edit_funding": ADMIN,
    "exhibitions.admin_add_host_contribution": ADMIN_ACTION,
    "exhibitions.admin_placements": ADMIN,
    "exhibitions.admin_wall_labels": ADMIN,
    "exhibitions.admin_price_list": ADMIN,
    "exhibitions.catalogue": PUBLIC,
    "exhibitions.admin_programme": ADMIN,
    "exhibitions.admin_edit_event": ADMIN,
    "exhibitions.admin_event_signups": ADMIN,
    "exhibitions.admin_cancel_event": ADMIN_ACTION,
    "exhibitions.admin_cancel_signup": ADMIN_ACTION,
    "exhibitions.programme": PUBLIC,
    "exhibitions.programme_ical": PUBLIC,
    "exhibitions.sign_up": PUBLIC_ACTION,
    "exhibitions.cancel_signup": Access(anonymous="404", others="404"),  # the token in the URL values is unknown
}
# A fresh volunteer or artist is assigned to no location: the counter is 404 to them, as to anyone not assigned.
NOT_ASSIGNED = (("volunteer", "404"), ("artist", "404"))
ATELIERS: dict[str, Access] = {
    "ateliers.admin_weekends": ADMIN,
    "ateliers.admin_ateliers": ADMIN,
    "ateliers.admin_publish_guide": ADMIN,  # GET asks for confirmation, POST publishes
    # A fresh artist is not accepted: the page tells them so.
    "ateliers.my_atelier": ARTIST,
    "ateliers.join_atelier": ARTIST_ACTION,
    "ateliers.approve_entry": ARTIST_ACTION,
    "ateliers.guide": PUBLIC,
    "ateliers.guide_pdf": PUBLIC,
    "ateliers.my_counters": Access(anonymous=LOGIN, others=FORBIDDEN,
                                   roles=(Role.ADMIN.value, Role.VOLUNTEER.value, Role.ARTIST.value)),
    "ateliers.counter": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ADMIN.value,),
                               exceptions=NOT_ASSIGNED),
    "ateliers.record_taps": Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.ADMIN.value,), for_roles="allowed",
                                   exceptions=NOT_ASSIGNED),
    "ateliers.admin_locations": ADMIN,
    "ateliers.admin_sync_locations": ADMIN_ACTION,
    "ateliers.admin_assign_counter": ADMIN_ACTION,
    "ateliers.admin_unassign_counter": ADMIN_ACTION,
    "ateliers.my_sales": ARTIST,
    "ateliers.admin_sales_index": ADMIN,
    "ateliers.admin_sales": ADMIN,
    "ateliers.admin_figures": ADMIN,
    "ateliers.admin_figures_export": ADMIN,
}
MATRIX.update(EXHIBITIONS | ATELIERS)

# The youth orchestra. The child and enrolment in the URL values belong to another family: a fresh guardian gets 404.
STAFF_ROLES = (Role.ORCHESTRA_STAFF.value, Role.ADMIN.value)
ORCHESTRA_STAFF = Access(anonymous=LOGIN, others=FORBIDDEN, roles=STAFF_ROLES)
ORCHESTRA_STAFF_ACTION = Access(anonymous=LOGIN, others=FORBIDDEN, roles=STAFF_ROLES, for_roles="allowed")
GUARDIAN = Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.GUARDIAN.value,))
OTHER_FAMILY = Access(anonymous=LOGIN, others=FORBIDDEN, roles=(Role.GUARDIAN.value,), for_roles="404")
ORCHESTRA: dict[str, Access] = {
    "orchestra.about": PUBLIC,
    "orchestra.my_children": GUARDIAN,
    "orchestra.register_child": GUARDIAN,
    "orchestra.edit_child": OTHER_FAMILY,
    "orchestra.invite_guardian": OTHER_FAMILY,
    "orchestra.withdraw_invitation": OTHER_FAMILY,
    "orchestra.remove_guardian": OTHER_FAMILY,
    "orchestra.child_consent": OTHER_FAMILY,
    "orchestra.child_health": OTHER_FAMILY,
    "orchestra.accept_invitation": Access(anonymous=LOGIN, others="404"),  # the token in the URL values is unknown
    "orchestra.staff_consent_texts": ORCHESTRA_STAFF,
    "orchestra.staff_child_health": ORCHESTRA_STAFF,
    "orchestra.staff_seasons": ORCHESTRA_STAFF,
    "orchestra.staff_edit_season": ORCHESTRA_STAFF,
    "orchestra.staff_targets": ORCHESTRA_STAFF,
    "orchestra.staff_applications": ORCHESTRA_STAFF,
    "orchestra.staff_waiting_list": ORCHESTRA_STAFF,
    "orchestra.staff_reregistration": ORCHESTRA_STAFF,
    "orchestra.staff_roster": ORCHESTRA_STAFF,
    "orchestra.staff_roster_export": ORCHESTRA_STAFF,
    "orchestra.staff_figures": ORCHESTRA_STAFF,
    "orchestra.staff_decide": ORCHESTRA_STAFF_ACTION,
    "orchestra.staff_offer_next": ORCHESTRA_STAFF_ACTION,
    "orchestra.staff_expire_offers": ORCHESTRA_STAFF_ACTION,
    "orchestra.offer": OTHER_FAMILY,
    "orchestra.answer_offer": OTHER_FAMILY,
    "orchestra.decline_offer": OTHER_FAMILY,  # GET asks for confirmation, POST declines
    "orchestra.staff_events": ORCHESTRA_STAFF,
    "orchestra.staff_edit_event": ORCHESTRA_STAFF,
    "orchestra.staff_event": ORCHESTRA_STAFF,
    "orchestra.staff_replies": ORCHESTRA_STAFF,
    "orchestra.staff_attendance": ORCHESTRA_STAFF,
    "orchestra.staff_message": ORCHESTRA_STAFF,
    "orchestra.staff_add_session": ORCHESTRA_STAFF_ACTION,
    "orchestra.staff_remove_session": ORCHESTRA_STAFF_ACTION,
    "orchestra.staff_add_staff": ORCHESTRA_STAFF_ACTION,
    "orchestra.staff_remove_staff": ORCHESTRA_STAFF_ACTION,
    "orchestra.staff_book_fees": ORCHESTRA_STAFF,  # GET: the confirmation of what will be booked
    "orchestra.my_calendar": GUARDIAN,
    "orchestra.calendar_link": GUARDIAN,
    "orchestra.reply": OTHER_FAMILY,
    # Anyone on the event's staff may take attendance; to everyone else the page does not exist.
    "orchestra.take_attendance": Access(anonymous=LOGIN, others="404", roles=STAFF_ROLES),
    # Leaders read an event's health list from a week before it; the event in the URL values has none.
    "orchestra.event_health": Access(anonymous=LOGIN, others="404", roles=STAFF_ROLES),
    "orchestra.guardian_ical": Access(anonymous="404", others="404"),  # the token in the URL values is unknown
    "orchestra.public_calendar": PUBLIC,
    "orchestra.public_ical": PUBLIC,
}
MATRIX.update(ORCHESTRA)


def _open_call_values(db) -> dict[str, object]:
    """A call in the jury phase with one submitted application, a work, a chosen work and a suggested conflict."""
    from kunstvest.applications.models import CallPhase, ChosenWork, Conflict, ConflictStatus

    juror = factories.make_user(roles=[Role.JURY])
    call = factories.make_call(jurors=[juror])
    application = factories.make_application(call=call)
    conflict = Conflict(application=application, juror_id=juror.id, status=ConflictStatus.SUGGESTED)
    application.works[0].image = factories.make_image(stored=True)
    chosen = ChosenWork(application=application, title="Verk", image=application.works[0].image)
    db.session.add_all([conflict, chosen])
    call.phase = CallPhase.JURYING
    db.session.flush()
    return {"call_id": call.id, "application_id": application.id, "work_id": application.works[0].id,
            "chosen_id": chosen.id, "conflict_id": conflict.id, "rendition": "thumb", "year": call.year}


def _season_values() -> dict[str, object]:
    """Kunst rett vest 2017: an exhibition with funding, an event with a sign-up, a counting location, a guide."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from kunstvest.ateliers.services import publish_guide
    from kunstvest.budget.models import BudgetCategory
    from kunstvest.exhibitions import programme
    from kunstvest.exhibitions.services import save_funding
    from kunstvest.reference.services import ensure_season

    project = factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")
    season = ensure_season(project=project, year=2017)
    exhibition = factories.make_exhibition(season=season)
    funding = save_funding(exhibition=exhibition, funder="Sparebankstiftelsen", amount=Decimal("1000"),
                           budget_line=factories.make_budget_line(project=project,
                                                                  category=BudgetCategory.FOUNDATION)).funding
    event = programme.save_event(
        exhibition=exhibition, kind=programme.EventKind.WORKSHOP, title="Verksted", description="",
        day=exhibition.opens_on, starts=datetime(2017, 1, 1, 12).time(), ends=datetime(2017, 1, 1, 14).time(),
        place="Verkstedet", language="nb", capacity=10, has_signup=True)
    signup = programme.sign_up(event=event, name="Kari", email="kari@example.org", seats=1,
                               now=datetime(2017, 9, 1, tzinfo=UTC))
    open_ateliers = factories.make_open_ateliers(season=season)
    factories.make_atelier(open_ateliers=open_ateliers)
    publish_guide(open_ateliers=open_ateliers, actor=None, anyway=True)
    location = factories.make_location(exhibition=exhibition)
    return {"exhibition_id": exhibition.id, "funding_id": funding.id, "event_id": event.id, "signup_id": signup.id,
            "location_id": location.id}


def _orchestra_values() -> dict[str, object]:
    """An orchestra season with a child of another family, offered a place."""
    from kunstvest.orchestra.models import EnrolmentStatus

    from datetime import date, time

    from kunstvest.orchestra import events, services
    from kunstvest.orchestra.models import EventKind, SessionKind, StaffRole

    orchestra_season = factories.make_orchestra_season()
    enrolment = factories.make_enrolment(orchestra_season=orchestra_season, status=EnrolmentStatus.OFFERED)
    event = events.save_event(orchestra_season=orchestra_season, kind=EventKind.REHEARSAL_WEEKEND, title="Helgesamling",
                              starts_on=date(2017, 9, 9), ends_on=date(2017, 9, 10), place="Lier kulturskole")
    tutor = events.add_staff(event=event, name="Tutor", role=StaffRole.SECTION_TUTOR)
    session = events.add_session(event=event, kind=SessionKind.TUTTI, day=date(2017, 9, 9), starts=time(10),
                                 ends=time(12))
    invitation = services.invite_guardian(child=enrolment.child, email="invited@example.org",
                                          invited_by=enrolment.child.guardianships[0].user)
    return {"orchestra_season_id": orchestra_season.id, "enrolment_id": enrolment.id,
            "child_id": enrolment.child_id, "orchestra_event_id": event.id, "staff_id": tutor.id,
            "session_id": session.id, "invitation_id": invitation.id}


def _import_values(line) -> dict[str, object]:
    """An account mapped to the line, and an import batch."""
    from decimal import Decimal

    from kunstvest.budget.accounts import save_account_mapping
    from kunstvest.budget.models import ImportBatch, SignConvention
    from kunstvest.extensions import db

    mapping = save_account_mapping(project=line.project, year=line.year, account="6790", line=line, mapped_by=None)
    batch = ImportBatch(filename="export.csv", sign_convention=SignConvention.INCOME_POSITIVE, row_count=0,
                        income_total=Decimal("0.00"), expense_total=Decimal("0.00"))
    db.session.add(batch)
    db.session.flush()
    return {"mapping_id": mapping.id, "batch_id": batch.id}


def _url_values(db) -> dict[str, object]:
    """One existing object for every kind of URL parameter."""
    target = factories.make_user(roles=[Role.ARTIST])
    line = factories.make_budget_line()
    transaction = record_actual(line=line, amount="100.00", booked_on=date(line.year, 3, 1), text="Manual")
    venue = factories.make_venue()
    message = queue_mail(to="someone@example.org", template="data_erased", subject="s", user=target)
    open_call = _open_call_values(db)
    season = _season_values()
    orchestra = _orchestra_values()
    imports = _import_values(line)
    db.session.commit()
    return {**open_call, **season, **orchestra, **imports, "user_id": target.id, "message_id": message.id, "municipality_id": venue.municipality_id,
            "venue_id": venue.id, "line_id": line.id, "transaction_id": transaction.id, "project_id": line.project_id, "token": "not-a-token",
            "year": line.year, "fmt": "html", "file_format": "csv", "tertial": "2", "funder": "Vestregionen",
            "version_id": versions_of(project=line.project, year=line.year)[0].id}


def _outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/auth/login" in location:
        return LOGIN
    if response.status_code in (301, 302, 303):
        return REDIRECT
    return str(response.status_code)


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_matrix_covers_every_rule(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    assert endpoints - MATRIX.keys() == set(), "routes missing from the access matrix"
    assert MATRIX.keys() - endpoints == set(), "matrix entries for routes that no longer exist"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_access_matrix(app, client, db, login, principal):
    values = _url_values(db)
    if principal == "no_role":
        login()
    elif principal != "anonymous":
        login(principal)
    mismatches = []
    for rule in _rules(app):
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        expected = MATRIX[rule.endpoint].expected(principal)
        outcome = _outcome(response)
        if expected == "allowed":
            ok = outcome not in (LOGIN, FORBIDDEN, "401")
        else:
            ok = outcome == expected
        if not ok:
            mismatches.append(f"{method} {rule.rule} ({rule.endpoint}): expected {expected}, got {outcome}")
        if rule.endpoint == "auth.logout" and principal != "anonymous":
            login(principal) if principal != "no_role" else login()
    assert mismatches == []
