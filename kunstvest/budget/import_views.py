"""Routes for actual transactions: one entered by hand, or many imported from the accounting system's export in
batches that can be undone.

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
from kunstvest.budget.forms import TransactionForm
from kunstvest.budget.import_forms import ImportForm, ImportPreviewForm, UndoBatchForm, preview_form_class
from kunstvest.budget.models import BudgetLine, ImportBatch, SignConvention
from kunstvest.common.forms import choices
from kunstvest.common.models import utcnow
from kunstvest.extensions import db


def _read(*, filename: str, content: bytes, sign_convention: SignConvention | None = None):
    rows = importing.parse_transactions_file(filename=filename, content=content)
    return importing.preview_import(rows=rows, filename=filename, sign_convention=sign_convention)


def _fresh_form(preview: importing.ImportPreview, content: bytes) -> ImportPreviewForm:
    """The preview form for the next step, holding the file and the sign convention the preview was made with."""
    return preview_form_class(preview.unknown_accounts)(
        formdata=None, filename=preview.filename, content=base64.b64encode(content).decode("ascii"),
        sign_convention=preview.sign_convention.value if preview.sign_convention else None)


def _show_preview(preview: importing.ImportPreview, form: ImportPreviewForm, status: int | None = None,
                  error: str | None = None):
    if status is None:
        status = 422 if preview.has_errors else 200
    return render_template("budget/import_preview.html", preview=preview, form=form, error=error), status


def _posted_file() -> tuple[str, bytes, SignConvention | None] | None:
    """The file and the sign convention a preview form sends back, or None when they did not come through."""
    form = ImportPreviewForm()
    if not (form.filename.validate(form) and form.content.validate(form) and form.sign_convention.validate(form)):
        return None
    try:
        content = base64.b64decode(form.content.data, validate=True)
    except binascii.Error:
        return None
    return form.filename.data, content, SignConvention(form.sign_convention.data) if form.sign_convention.data else None


def _posted_preview() -> tuple[bytes, SignConvention | None, importing.ImportPreview] | None:
    """The file a preview form sends back, read and checked again (the database may have changed since the last
    preview, and the file came back from the browser); None when it did not come through."""
    posted = _posted_file()
    if posted is None:
        return None
    filename, content, sign_convention = posted
    try:
        return content, sign_convention, _read(filename=filename, content=content, sign_convention=sign_convention)
    except importing.ImportFileError:
        return None


def _file_did_not_come_through():
    flash(_("The file to import did not come through; upload it again."), "error")
    return redirect(url_for("budget.import_transactions"))


@bp.route("/import", methods=["GET", "POST"])
def import_transactions():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            preview = _read(filename=upload.filename, content=content)
        except importing.ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            return _show_preview(preview, _fresh_form(preview, content))
    return render_template("budget/import.html", form=form)


@bp.route("/import/preview", methods=["POST"])
def review_import():
    """The preview again: with another sign convention, or after mapping the unknown accounts."""
    posted = _posted_preview()
    if posted is None:
        return _file_did_not_come_through()
    content, sign_convention, preview = posted
    form = preview_form_class(preview.unknown_accounts)()
    if form.save_mappings.data and preview.unknown_accounts:
        if not form.validate():
            return _show_preview(preview, form, status=422)
        mapped = importing.remember_accounts(unknown_accounts=preview.unknown_accounts, mapped_by=current_user,
                                             answers={field.name: field.data for field in form.mapping_fields()})
        db.session.commit()
        flash(ngettext("%(num)d account mapped.", "%(num)d accounts mapped.", mapped), "success")
        preview = _read(filename=preview.filename, content=content, sign_convention=sign_convention)
    return _show_preview(preview, _fresh_form(preview, content))


@bp.route("/import/confirm", methods=["POST"])
def confirm_import():
    posted = _posted_preview()
    if posted is None:
        return _file_did_not_come_through()
    content, _sign_convention, preview = posted
    form = _fresh_form(preview, content)
    if not preview.is_ready:
        return _show_preview(preview, form, status=422 if preview.has_errors or preview.unknown_accounts else 409)
    if preview.flags and not ImportPreviewForm().acknowledged.data:
        form.acknowledged.errors = [_("Check the flagged figures, then tick the box to import anyway.")]
        return _show_preview(preview, form, status=422)
    try:
        batch = importing.apply_import(preview=preview, imported_by=current_user)
    except services.BudgetError as error:
        db.session.rollback()
        return _show_preview(preview, form, status=409, error=str(error))
    db.session.commit()
    flash(ngettext("%(num)d transaction imported.", "%(num)d transactions imported.", batch.row_count), "success")
    return redirect(url_for("budget.import_batches"))


@bp.route("/import/batches")
def import_batches():
    return render_template("budget/import_batches.html", batches=importing.import_batches())


@bp.route("/import/batches/<int:batch_id>/undo", methods=["GET", "POST"])
def undo_import_batch(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    form = UndoBatchForm()
    error = None
    if form.validate_on_submit():
        try:
            removed = importing.undo_batch(batch=batch, undone_by=current_user)
        except services.BudgetError as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            flash(ngettext("The import is undone: %(num)d transaction removed.",
                           "The import is undone: %(num)d transactions removed.", removed), "success")
            return redirect(url_for("budget.import_batches"))
    contents = importing.batch_contents(batch)
    closed = [year for year in contents.years if services.is_year_closed(year)]
    return render_template("budget/import_undo.html", batch=batch, contents=contents, closed=closed, form=form,
                           error=error), 409 if error else 200


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
                                       voucher_number=form.voucher_number.data.strip(), entered_by=current_user)
        except importing.VoucherInUse as error:
            form.voucher_number.errors.append(str(error))
        except services.BudgetError as error:
            form.booked_on.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("budget.index", year=year))
    return render_template("budget/transaction_form.html", form=form, year=year, years=years)
