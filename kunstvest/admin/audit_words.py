"""The audit log in words: what each recorded action means, what kind of thing it touched, and its details as
«label: value» lines instead of JSON. An action without a label here is shown by its code, so nothing is hidden."""

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "application.decided": _l("Decision on an application"),
    "application.decision_mailed_by_hand": _l("Decision mailed by hand"),
    "application.draft_reminded": _l("Artist reminded of an unsubmitted draft"),
    "application.jury_discussion": _l("Application marked for the jury's discussion"),
    "application.promoted_from_waitlist": _l("Promoted from the waiting list"),
    "application.returned_to_draft": _l("Application returned to draft"),
    "application.withdrawn": _l("Application withdrawn"),
    "budget.account_mapped": _l("Account mapped to a budget line"),
    "budget.account_unmapped": _l("Account mapping removed"),
    "budget.approved": _l("Budget approved and locked"),
    "budget.counter_entry_booked": _l("Counter-entry booked"),
    "budget.import_undone": _l("Import undone"),
    "budget.result_settled": _l("Result settled"),
    "budget.transaction_changed": _l("Transaction corrected"),
    "budget.transaction_deleted": _l("Transaction deleted"),
    "budget.transactions_imported": _l("Transactions imported"),
    "budget.version_created": _l("Budget version created"),
    "budget.year_closed": _l("Accounts closed for a year"),
    "budget.year_reopened": _l("Accounts reopened for a year"),
    "call.cut_line_set": _l("Cut line set"),
    "call.juror_assigned": _l("Juror added to a call"),
    "call.juror_mailed_jury_started": _l("Juror emailed that the jury has started"),
    "call.juror_unassigned": _l("Juror taken off a call"),
    "call.phase_changed": _l("Phase of a call changed"),
    "call.published": _l("Decisions published"),
    "conflict.declared": _l("Conflict of interest declared"),
    "conflict.dismissed": _l("Suggested conflict dismissed"),
    "exhibition.host_changed": _l("Host of an exhibition changed"),
    "login.failed": _l("Failed login"),
    "login.throttled": _l("Login slowed down after failures"),
    "open_ateliers.guide_published": _l("Atelier guide published"),
    "open_ateliers.saved": _l("Open-atelier days saved"),
    "orchestra.child_anonymised": _l("Child's data anonymised"),
    "orchestra.child_withdrawn": _l("Child withdrawn"),
    "orchestra.consent_text_published": _l("Consent text published"),
    "orchestra.enrolment_admitted": _l("Child admitted"),
    "orchestra.enrolment_applied": _l("Child registered"),
    "orchestra.enrolment_declined": _l("Place declined"),
    "orchestra.enrolment_expired": _l("Offer expired"),
    "orchestra.enrolment_left": _l("Member left"),
    "orchestra.enrolment_offered": _l("Place offered"),
    "orchestra.enrolment_waitlisted": _l("Put on the waiting list"),
    "orchestra.fees_booked": _l("Fees booked"),
    "orchestra.guardian_added": _l("Guardian added"),
    "orchestra.guardian_invitation_withdrawn": _l("Guardian invitation withdrawn"),
    "orchestra.guardian_invited": _l("Guardian invited"),
    "orchestra.guardian_removed": _l("Guardian removed"),
    "orchestra.health_read": _l("Health information read"),
    "orchestra.message_sent": _l("Message sent to guardians"),
    "orchestra.reregistration_opened": _l("Re-registration opened"),
    "password_reset.limited": _l("Password reset mails limited"),
    "programme.event_cancelled": _l("Programme event cancelled"),
    "programme.signup_cancelled": _l("Sign-up cancelled"),
    "role.granted": _l("Role given"),
    "role.revoked": _l("Role taken away"),
    "user.email_changed": _l("Email address changed"),
    "user.erased": _l("Personal data erased"),
    "user.erasure_requested": _l("Erasure requested"),
    "user.password_reset": _l("Password reset"),
}

OBJECTS = {
    "applications": _l("Application"), "open_calls": _l("Open call"), "users": _l("User"),
    "children": _l("Child"), "enrolments": _l("Enrolment"), "orchestra_events": _l("Orchestra event"),
    "orchestra_seasons": _l("Orchestra season"), "transactions": _l("Transaction"), "import_batches": _l("Import"),
    "budget_versions": _l("Budget version"), "budget_lines": _l("Budget line"), "projects": _l("Project"),
    "exhibitions": _l("Exhibition"), "programme_events": _l("Programme event"), "signups": _l("Sign-up"),
    "open_ateliers": _l("Open ateliers"), "account_mappings": _l("Account mapping"),
    "consent_texts": _l("Consent text"), "conflicts": _l("Conflict of interest"),
}

DETAILS = {
    "amount": _l("Amount"), "before": _l("Before"), "after": _l("After"), "old": _l("Before"), "new": _l("After"),
    "from": _l("From"), "to": _l("To"), "count": _l("Count"), "total": _l("Total"), "reason": _l("Reason"),
    "role": _l("Role"), "email": _l("Email"), "year": _l("Year"), "status": _l("Status"), "phase": _l("Phase"),
    "decision": _l("Decision"), "number": _l("Number"), "version": _l("Version"), "purpose": _l("Purpose"),
    "project": _l("Project"), "file": _l("File"), "filename": _l("File"), "rows": _l("Rows"), "line": _l("Line"),
}


def action_label(action: str) -> str:
    """The action in words, or its code when it has no words yet."""
    return str(ACTIONS.get(action, action))


def object_label(object_type: str | None, object_id) -> str:
    """«Application 12» for the row an action touched; empty when it touched none."""
    if not object_type:
        return ""
    return f"{OBJECTS.get(object_type, object_type.replace('_', ' '))} {object_id or ''}".strip()


def _value(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{_key(key)}: {_value(inner)}" for key, inner in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(item) for item in value) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    return str(value)


def _key(key: str) -> str:
    return str(DETAILS.get(key, key.replace("_", " ").capitalize()))


def detail_lines(details: dict | None) -> list[tuple[str, str]]:
    """The details as (label, value) pairs, in the order they were recorded."""
    return [(_key(key), _value(value)) for key, value in (details or {}).items()]
