"""Budget routes, for the secretariat."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kunstvest.auth.models import Role
from kunstvest.budget import bp, services
from kunstvest.auth.forms import ConfirmForm
from kunstvest.budget.forms import ApprovalForm, BudgetLineForm, ProjectForm, SettlementForm, YearFilterForm
from kunstvest.budget.labels import CATEGORY_LABELS, KIND_LABELS
from kunstvest.budget.models import BudgetLine, BudgetVersion, Project, ResultCoverage
from kunstvest.common.decorators import role_required
from kunstvest.common.models import utcnow
from kunstvest.extensions import db
from kunstvest.common.forms import choices


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """The budget is kept by the secretariat."""


def _projects() -> list[Project]:
    return list(db.session.scalars(sa.select(Project).order_by(Project.name)))


@bp.route("/")
def index():
    years = services.budget_years() or [utcnow().year]
    projects = _projects()
    form = YearFilterForm(request.args)
    form.year.choices = choices((year, str(year)) for year in years)
    form.project.choices = choices([(0, _l("All projects")), *((p.id, p.name) for p in projects)])
    year = form.year.data if form.year.data in years else years[0]
    project = next((p for p in projects if p.id == form.project.data), None)
    form.year.data = year
    versions = services.compared_versions(year=year, project=project)
    figures = services.budget_lines_with_actuals(year=year, project=project, versions=versions)
    return render_template("budget/index.html", form=form, year=year, figures=figures, versions=versions,
                           projects=[p for p in projects if p.id in versions], totals=services.totals(figures),
                           # resolved once here rather than once per row in the template
                           category_labels={key: str(label) for key, label in CATEGORY_LABELS.items()},
                           kind_labels={key: str(label) for key, label in KIND_LABELS.items()})


def _line_form(line: BudgetLine | None) -> BudgetLineForm:
    form = BudgetLineForm(obj=line)
    if line is not None and request.method == "GET":
        form.category.data = line.category.value
        form.budgeted_amount.data = services.latest_amount(line=line)
    form.project_id.choices = choices((p.id, p.name) for p in _projects())
    if line is None and request.method == "GET":
        form.year.data = request.args.get("year", type=int) or utcnow().year
    return form


@bp.route("/lines/new", methods=["GET", "POST"], defaults={"line_id": None})
@bp.route("/lines/<int:line_id>/edit", methods=["GET", "POST"])
def edit_line(line_id: int | None):
    line = db.get_or_404(BudgetLine, line_id) if line_id is not None else None
    form = _line_form(line)
    if form.validate_on_submit():
        try:
            line = services.save_budget_line(
                line=line, project=db.session.get(Project, form.project_id.data), year=form.year.data,
                category=form.category.data, name=form.name.data.strip(), budgeted_amount=form.budgeted_amount.data,
                funder=(form.funder.data or "").strip() or None, note=form.note.data or "")
        except services.BudgetLocked as error:
            db.session.rollback()
            form.budgeted_amount.errors.append(str(error))
            return render_template("budget/line_form.html", form=form, line=line), 409
        except services.BudgetError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("budget.index", year=line.year))
    return render_template("budget/line_form.html", form=form, line=line)


@bp.route("/versions/<int:project_id>/<year:year>")
def versions(project_id: int, year: int):
    project = db.get_or_404(Project, project_id)
    return render_template("budget/versions.html", project=project, year=year,
                           versions=services.versions_of(project=project, year=year),
                           approval_form=ApprovalForm(), confirm_form=ConfirmForm())


@bp.route("/results/<int:project_id>/<year:year>", methods=["GET", "POST"])
def settle_result(project_id: int, year: int):
    project = db.get_or_404(Project, project_id)
    coverage = db.session.scalar(db.select(ResultCoverage).where(
        ResultCoverage.project_id == project.id, ResultCoverage.year == year))
    form = SettlementForm(obj=coverage)
    # The result of a year is settled once its accounts are known: in the year or the two after it.
    form.decided_on.within_years(year, year + 2, reason=_("settling the result of %(year)s", year=year))
    if form.validate_on_submit():
        services.settle_result(project=project, year=year, amount=form.amount.data, settled_by=form.settled_by.data,
                               decision_reference=form.decision_reference.data, decided_on=form.decided_on.data,
                               decided_by=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("budget.report_budget_vs_actual", project_id=project.id, year=year, fmt="html"))
    return render_template("budget/settlement_form.html", form=form, project=project, year=year)


@bp.route("/versions/<int:version_id>/approve", methods=["POST"])
def approve_version(version_id: int):
    version = db.get_or_404(BudgetVersion, version_id)
    form = ApprovalForm()
    # A budget is approved before its year starts or during it.
    form.decided_on.within_years(version.year - 2, version.year,
                                 reason=_("approving the budget of %(year)s", year=version.year))
    if form.validate_on_submit():
        try:
            services.approve_version(version=version, decision_reference=form.decision_reference.data,
                                     decided_on=form.decided_on.data, approved_by=current_user)
        except services.BudgetError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Version %(number)s is approved and locked.", number=version.number), "success")
    elif form.decided_on.data is not None and form.decided_on.errors:
        flash(str(form.decided_on.errors[0]), "error")  # a date outside the years a decision on it can be taken
    else:
        flash(_("Give the decision reference and the date of the decision."), "error")
    return redirect(url_for("budget.versions", project_id=version.project_id, year=version.year))


@bp.route("/versions/<int:project_id>/<year:year>/new", methods=["POST"])
def create_version(project_id: int, year: int):
    project = db.get_or_404(Project, project_id)
    if ConfirmForm().validate_on_submit():
        try:
            version = services.new_version(project=project, year=year, created_by=current_user)
        except services.BudgetError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Version %(number)s is a new draft with the same amounts.", number=version.number), "success")
    return redirect(url_for("budget.versions", project_id=project.id, year=year))


@bp.route("/projects")
def projects():
    return render_template("budget/projects.html", projects=_projects())


@bp.route("/projects/new", methods=["GET", "POST"], defaults={"project_id": None})
@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
def edit_project(project_id: int | None):
    project = db.get_or_404(Project, project_id) if project_id is not None else None
    form = ProjectForm(obj=project)
    if form.validate_on_submit():
        try:
            services.save_project(project=project, code=form.code.data, name=form.name.data.strip(),
                                  description=form.description.data or "", is_active=form.is_active.data)
        except services.BudgetError as error:
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("budget.projects"))
    return render_template("budget/project_form.html", form=form, project=project)
