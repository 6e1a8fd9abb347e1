"""Ledger routes: the transactions behind the budget's figures, corrections, counter-entries and closed years.

The budget blueprint's before_request (views.py) keeps every route here for the secretariat.
"""

from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kunstvest.auth.forms import ConfirmForm
from kunstvest.budget import bp, services
from kunstvest.budget.ledger import (LedgerFilter, book_counter_entry, close_year, closed_years, delete_transaction,
                                     domain_label, ensure_editable, ledger_page, reopen_year, update_transaction,
                                     year_summary)
from kunstvest.budget.ledger_forms import (SOURCE_LABELS, CloseYearForm, CounterEntryForm, LedgerFilterForm,
                                           ReopenYearForm, TransactionEditForm)
from kunstvest.budget.models import BudgetLine, ClosedYear, ImportBatch, Project, Transaction, TransactionSource
from kunstvest.budget.reports import tertial_bounds
from kunstvest.common.forms import choices
from kunstvest.common.models import utcnow
from kunstvest.common.redirects import local_target
from kunstvest.extensions import db

OSLO = ZoneInfo("Europe/Oslo")


def _lines(*, year: int | None, project_id: int | None) -> list[BudgetLine]:
    query = sa.select(BudgetLine)
    if year is not None:
        query = query.where(BudgetLine.year == year)
    if project_id is not None:
        query = query.where(BudgetLine.project_id == project_id)
    return sorted(db.session.scalars(query), key=lambda line: (-line.year, line.project.name, line.name))


def _line_label(line: BudgetLine, with_year: bool) -> str:
    label = f"{line.project.name}: {line.name}"
    return f"{label} ({line.year})" if with_year else label


def _filter_form(years: list[int]) -> LedgerFilterForm:
    """The filter from the query string, with choices for the chosen year and project; a batch shows every year."""
    form = LedgerFilterForm(request.args)
    if "year" not in request.args:
        form.year.data = 0 if "batch" in request.args else years[0]
    projects = list(db.session.scalars(sa.select(Project).order_by(Project.name)))
    form.year.choices = choices([(0, _l("All years")), *((year, str(year)) for year in years)])
    form.project.choices = choices([(0, _l("All projects")), *((project.id, project.name) for project in projects)])
    year = form.year.data if form.year.data in years else None
    project_id = form.project.data if form.project.data in {project.id for project in projects} else None
    lines = _lines(year=year, project_id=project_id)
    form.line.choices = choices([(0, _l("All lines")), *((line.id, _line_label(line, year is None))
                                                         for line in lines)])
    if form.line.data and not form.line.process_errors and form.line.data not in {line.id for line in lines}:
        # Left over from another year or project chosen since: not an error, but the page says it is dropped.
        form.line.data = 0
        flash(_("The budget line is not in the chosen year and project; all its lines are shown."), "warning")
    return form


def _filters(form: LedgerFilterForm) -> LedgerFilter:
    if form.tertial.data:
        start, end = tertial_bounds(form.year.data, int(form.tertial.data))
    else:
        start, end = form.date_from.data, form.date_to.data
    return LedgerFilter(year=form.year.data or None, project_id=form.project.data or None,
                        line_id=form.line.data or None, start=start, end=end,
                        source=TransactionSource(form.source.data) if form.source.data else None,
                        batch_id=form.batch.data)


@bp.route("/ledger")
def ledger():
    years = services.budget_years() or [utcnow().year]
    form = _filter_form(years)
    context = {"form": form, "source_labels": SOURCE_LABELS, "domain_label": domain_label, "batch": None}
    if not form.validate():
        return render_template("budget/ledger.html", page=None, **context), 400
    if form.batch.data is not None:
        context["batch"] = db.session.get(ImportBatch, form.batch.data)
        if context["batch"] is None:
            form.batch.errors.append(_("There is no import number %(number)s.", number=form.batch.data))
            return render_template("budget/ledger.html", page=None, **context), 404
    page = ledger_page(filters=_filters(form), page=request.args.get("page", 1, type=int))
    arguments = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("budget/ledger.html", page=page, arguments=arguments,
                           year_closed=bool(form.year.data) and services.is_year_closed(form.year.data), **context)


def _back(transaction: Transaction) -> str:
    """Where to return after a correction: the ledger page it came from, else the line's transactions."""
    line = db.session.get(BudgetLine, transaction.budget_line_id)
    return local_target(request.args.get("next"), url_for("budget.ledger", year=line.year, project=line.project_id,
                                                          line=line.id))


def _source_text(transaction: Transaction) -> str:
    if transaction.source == TransactionSource.IMPORT:
        return _("Imported (import number %(number)s)", number=transaction.batch_id)
    if transaction.source == TransactionSource.DOMAIN:
        return _("Booked by %(domain)s", domain=domain_label(transaction.source_ref))
    return str(SOURCE_LABELS[TransactionSource.MANUAL.value])


def _page(template: str, transaction: Transaction, **context):
    line = db.session.get(BudgetLine, transaction.budget_line_id)
    return render_template(template, transaction=transaction, line=line, source_text=_source_text(transaction),
                           back=_back(transaction), **context)


@bp.route("/ledger/<int:transaction_id>/edit", methods=["GET", "POST"])
def edit_transaction(transaction_id: int):
    transaction = db.get_or_404(Transaction, transaction_id)
    try:
        ensure_editable(transaction)
    except services.BudgetError as error:
        flash(str(error), "error")
        return redirect(_back(transaction))
    form = TransactionEditForm(obj=transaction)
    lines = _lines(year=transaction.fiscal_year, project_id=None)
    form.budget_line_id.choices = choices((line.id, _line_label(line, False)) for line in lines)
    error = None
    if form.validate_on_submit():
        back = _back(transaction)
        try:
            changed = update_transaction(
                transaction=transaction, line=next(line for line in lines if line.id == form.budget_line_id.data),
                booked_on=form.booked_on.data, amount=form.amount.data, text=(form.text.data or "").strip(),
                voucher_number=form.voucher_number.data.strip(), account=(form.account.data or "").strip(),
                changed_by=current_user)
        except services.BudgetError as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            flash(_("The transaction is corrected.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(back)
    return _page("budget/ledger_edit.html", transaction, form=form, error=error), 409 if error else 200


@bp.route("/ledger/<int:transaction_id>/delete", methods=["GET", "POST"], endpoint="delete_transaction")
def delete_transaction_page(transaction_id: int):
    transaction = db.get_or_404(Transaction, transaction_id)
    back = _back(transaction)
    try:
        ensure_editable(transaction)
    except services.BudgetError as error:
        flash(str(error), "error")
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        voucher, booked_on = transaction.voucher_number, transaction.booked_on
        delete_transaction(transaction=transaction, deleted_by=current_user)
        db.session.commit()
        flash(_("Transaction %(voucher)s of %(date)s is deleted.", voucher=voucher or "—",
                date=format_date(booked_on, "short")), "success")
        return redirect(back)
    return _page("budget/ledger_delete.html", transaction, form=form)


@bp.route("/ledger/<int:transaction_id>/counter-entry", methods=["GET", "POST"])
def counter_entry(transaction_id: int):
    original = db.get_or_404(Transaction, transaction_id)
    back = _back(original)
    if not services.is_year_closed(original.fiscal_year):
        flash(_("The accounts for %(year)s are open: correct the transaction itself.", year=original.fiscal_year),
              "error")
        return redirect(back)
    form = CounterEntryForm()
    if request.method == "GET":
        form.amount.data, form.booked_on.data = -original.amount, date(original.fiscal_year, 12, 31)
    error = None
    if form.validate_on_submit():
        try:
            entry = book_counter_entry(original=original, amount=form.amount.data, booked_on=form.booked_on.data,
                                       text=form.text.data.strip(), voucher_number=form.voucher_number.data.strip(),
                                       booked_by=current_user)
        except services.BudgetError as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            flash(_("Counter-entry %(voucher)s is booked.", voucher=entry.voucher_number), "success")
            return redirect(back)
    return _page("budget/ledger_counter_entry.html", original, form=form, error=error), 409 if error else 200


def _today() -> date:
    return utcnow().astimezone(OSLO).date()


@bp.route("/closed-years", endpoint="closed_years")
def closed_years_page():
    closed = {closed_year.year: closed_year for closed_year in closed_years()}
    years = sorted(set(services.budget_years()) | set(closed), reverse=True)
    return render_template("budget/ledger_closed_years.html", years=years, closed=closed, this_year=_today().year)


@bp.route("/closed-years/<int:year>/close", methods=["GET", "POST"], endpoint="close_year")
def close_year_page(year: int):
    if year not in services.budget_years():
        abort(404)
    if services.is_year_closed(year) or year >= _today().year:
        flash(_("The accounts for %(year)s are closed already.", year=year) if services.is_year_closed(year) else
              _("%(year)s has not ended; a year is closed after 31 December.", year=year), "error")
        return redirect(url_for("budget.closed_years"))
    form = CloseYearForm()
    if form.validate_on_submit():
        summary = year_summary(year)
        close_year(year=year, note=form.note.data or "", closed_by=current_user, today=_today())
        db.session.commit()
        flash(ngettext("The accounts for %(year)s are closed: %(num)d transaction is frozen.",
                       "The accounts for %(year)s are closed: %(num)d transactions are frozen.",
                       summary.transaction_count, year=year), "success")
        return redirect(url_for("budget.closed_years"))
    return render_template("budget/ledger_close_year.html", form=form, summary=year_summary(year))


@bp.route("/closed-years/<int:year>/reopen", methods=["GET", "POST"], endpoint="reopen_year")
def reopen_year_page(year: int):
    closed = db.session.get(ClosedYear, year)
    if closed is None:
        flash(_("The accounts for %(year)s are not closed.", year=year), "error")
        return redirect(url_for("budget.closed_years"))
    form = ReopenYearForm()
    if form.validate_on_submit():
        reopen_year(year=year, reason=form.reason.data, reopened_by=current_user)
        db.session.commit()
        flash(_("The accounts for %(year)s are open again.", year=year), "success")
        return redirect(url_for("budget.closed_years"))
    return render_template("budget/ledger_reopen_year.html", form=form, closed=closed)
