"""Routes for the account mappings: which budget line each account of the accounts goes to, per project and year.

The budget blueprint's before_request (views.py) keeps every route here for the secretariat.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kunstvest.budget import accounts, bp, services
from kunstvest.budget.forms import YearFilterForm
from kunstvest.budget.import_forms import AccountMappingForm, EditAccountMappingForm, RemoveAccountMappingForm
from kunstvest.budget.models import AccountMapping, Project
from kunstvest.common.forms import choices
from kunstvest.common.models import utcnow
from kunstvest.extensions import db


def _line_choices(form, project: Project, year: int) -> None:
    form.budget_line_id.choices = choices((line.id, line.name) for line in accounts.lines_of(project=project,
                                                                                              year=year))


def _mappings_page(*, project: Project | None, year: int, form: AccountMappingForm | None = None,
                   status: int = 200):
    years = services.budget_years() or [utcnow().year]
    projects = services.active_projects()
    if project is not None and project not in projects:
        projects.append(project)
    filter_form = YearFilterForm(formdata=None, year=year, project=project.id if project else None)
    filter_form.year.choices = choices((option, str(option)) for option in sorted({*years, year}, reverse=True))
    filter_form.project.choices = choices((p.id, p.name) for p in projects)
    if project is not None and form is None:
        form = AccountMappingForm()
    if form is not None:
        _line_choices(form, project, year)
    return render_template(
        "budget/account_mappings.html", filter_form=filter_form, project=project, year=year, form=form,
        mappings=accounts.mappings_for(project=project, year=year) if project else [],
        has_lines=bool(form and form.budget_line_id.choices), remove_form=RemoveAccountMappingForm()), status


@bp.route("/accounts")
def account_mappings():
    years = services.budget_years() or [utcnow().year]
    year = request.args.get("year", type=int)
    year = year if year in years else years[0]
    project_id = request.args.get("project", type=int)
    projects = services.active_projects()
    project = next((p for p in projects if p.id == project_id), projects[0] if projects else None)
    return _mappings_page(project=project, year=year)


@bp.route("/accounts/<int:project_id>/<int:year>", methods=["POST"])
def add_account_mapping(project_id: int, year: int):
    project = db.get_or_404(Project, project_id)
    form = AccountMappingForm()
    _line_choices(form, project, year)
    if form.validate_on_submit():
        line = next(line for line in accounts.lines_of(project=project, year=year)
                    if line.id == form.budget_line_id.data)
        try:
            accounts.save_account_mapping(project=project, year=year, account=form.account.data, line=line,
                                          mapped_by=current_user)
        except services.BudgetError as error:
            form.account.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Account %(account)s goes to «%(line)s».", account=form.account.data.strip(), line=line.name),
                  "success")
            return redirect(url_for("budget.account_mappings", project=project.id, year=year))
    return _mappings_page(project=project, year=year, form=form, status=422)


@bp.route("/accounts/mappings/<int:mapping_id>/edit", methods=["GET", "POST"])
def edit_account_mapping(mapping_id: int):
    mapping = db.get_or_404(AccountMapping, mapping_id)
    form = EditAccountMappingForm(obj=mapping)
    _line_choices(form, mapping.project, mapping.year)
    if form.validate_on_submit():
        line = next(line for line in accounts.lines_of(project=mapping.project, year=mapping.year)
                    if line.id == form.budget_line_id.data)
        accounts.save_account_mapping(project=mapping.project, year=mapping.year, account=mapping.account,
                                      line=line, mapped_by=current_user)
        db.session.commit()
        flash(_("Account %(account)s goes to «%(line)s».", account=mapping.account, line=line.name), "success")
        return redirect(url_for("budget.account_mappings", project=mapping.project_id, year=mapping.year))
    return render_template("budget/account_mapping_form.html", form=form, mapping=mapping,
                           title=_l("Account %(account)s in %(project)s %(year)s", account=mapping.account,
                                    project=mapping.project.name, year=mapping.year))


@bp.route("/accounts/mappings/<int:mapping_id>/remove", methods=["POST"])
def remove_account_mapping(mapping_id: int):
    mapping = db.get_or_404(AccountMapping, mapping_id)
    project_id, year, account = mapping.project_id, mapping.year, mapping.account
    if RemoveAccountMappingForm().validate_on_submit():
        accounts.remove_account_mapping(mapping=mapping, removed_by=current_user)
        db.session.commit()
        flash(_("Account %(account)s is no longer mapped. Transactions already imported stay on their line.",
                account=account), "success")
    return redirect(url_for("budget.account_mappings", project=project_id, year=year))
