"""Routes for actual transactions: one entered by hand, or many imported from the accounting system's export.

The budget blueprint's before_request (views.py) keeps every route here for the secretariat.
"""

import base64
import binascii

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from kunstvest.budget import bp, importing, services
from kunstvest.budget.forms import ConfirmImportForm, ImportForm, TransactionForm
from kunstvest.budget.models import BudgetLine
from kunstvest.common.forms import choices
from kunstvest.common.models import utcnow
from kunstvest.extensions import db


def _preview(*, filename: str, content: bytes) -> importing.ImportPreview:
    rows = importing.parse_transactions_file(filename=filename, content=content)
    return importing.preview_import(rows=rows, filename=filename)


def _show_preview(preview: importing.ImportPreview, content: bytes):
    confirm_form = ConfirmImportForm(formdata=None, filename=preview.filename,
                                     content=base64.b64encode(content).decode("ascii"))
    status = 422 if preview.has_errors else 200
    return render_template("budget/import_preview.html", preview=preview, confirm_form=confirm_form), status


@bp.route("/import", methods=["GET", "POST"])
def import_transactions():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            return _show_preview(_preview(filename=upload.filename, content=content), content)
        except importing.ImportFileError as error:
            form.file.errors.append(str(error))
    return render_template("budget/import.html", form=form)


@bp.route("/import/confirm", methods=["POST"])
def confirm_import():
    form = ConfirmImportForm()
    try:
        # Parsed and checked again: the database may have changed since the preview, and the file came back
        # from the browser.
        content = base64.b64decode(form.content.data or "", validate=True)
        preview = _preview(filename=form.filename.data, content=content) if form.validate_on_submit() else None
    except (binascii.Error, importing.ImportFileError):
        preview = None
    if preview is None:
        flash(_("The file to import did not come through; upload it again."), "error")
        return redirect(url_for("budget.import_transactions"))
    if preview.has_errors:
        return _show_preview(preview, content)
    count = importing.apply_import(preview=preview, imported_by=current_user)
    db.session.commit()
    flash(ngettext("%(num)d transaction imported.", "%(num)d transactions imported.", count), "success")
    return redirect(url_for("budget.index", year=preview.year))


@bp.route("/transactions/new", methods=["GET", "POST"])
def new_transaction():
    years = services.budget_years() or [utcnow().year]
    year = request.args.get("year", type=int)
    year = year if year in years else years[0]
    lines = sorted(db.session.scalars(sa.select(BudgetLine).where(BudgetLine.year == year)),
                   key=lambda line: (line.project.name, line.name))
    form = TransactionForm()
    form.budget_line_id.choices = choices((line.id, f"{line.project.name}: {line.name}") for line in lines)
    if form.validate_on_submit():
        line = next(line for line in lines if line.id == form.budget_line_id.data)
        try:
            importing.book_transaction(line=line, booked_on=form.booked_on.data, amount=form.amount.data,
                                       text=(form.text.data or "").strip(),
                                       voucher_number=form.voucher_number.data.strip())
        except importing.VoucherInUse as error:
            form.voucher_number.errors.append(str(error))
        except services.BudgetError as error:
            form.booked_on.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("budget.index", year=year))
    return render_template("budget/transaction_form.html", form=form, year=year, years=years)
