"""Budget forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (BooleanField, DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from kunstvest.budget.labels import CATEGORY_LABELS
from kunstvest.common.forms import choices

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class BudgetLineForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    category = SelectField(_l("Category"), choices=choices(CATEGORY_LABELS.items()), validators=[DataRequired()],
                           description=_l("Income categories name who pays; expense categories what it is for."))
    name = StringField(_l("Name of the line"), validators=[DataRequired(), Length(max=200)])
    funder = StringField(_l("Funder"), validators=[Optional(), Length(max=200)],
                         description=_l("Income only, e.g. «Sparebankstiftelsen DNB» or «Buskerud fylkeskommune»."))
    budgeted_amount = DecimalField(_l("Budgeted amount (NOK)"), places=2,
                                   validators=[InputRequired(), NumberRange(min=0)],
                                   description=_l("In kroner, e.g. 155000 or 25700.50. Never negative."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class ApprovalForm(FlaskForm):
    decision_reference = StringField(_l("Decision reference"), validators=[DataRequired(), Length(max=100)],
                                     description=_l("The steering group's case, e.g. «sak 36/2015»."))
    decided_on = DateField(_l("Date of the decision"), validators=[DataRequired()])
    submit = SubmitField(_l("Approve and lock"))


class SettlementForm(FlaskForm):
    amount = DecimalField(_l("Amount (NOK)"), places=2, validators=[InputRequired(), NumberRange(min=0)],
                          description=_l("The deficit covered, or the surplus set aside, in kroner."))
    settled_by = StringField(_l("Covered by or set aside in"), default="Disposisjonsfond",
                             validators=[DataRequired(), Length(max=200)],
                             description=_l("For example the reserve fund (disposisjonsfond)."))
    decision_reference = StringField(_l("Decision reference"), validators=[DataRequired(), Length(max=100)])
    decided_on = DateField(_l("Date of the decision"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class ProjectForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40),
                                               Regexp(r"^[a-z0-9-]+$", message=_l("Lowercase letters, digits and -."))],
                       description=_l("Short and stable, e.g. «kunst-rett-vest»."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class YearFilterForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=int)
    project = SelectField(_l("Project"), coerce=int)
    submit = SubmitField(_l("Show"))


class ImportForm(FlaskForm):
    file = FileField(_l("Export from the accounting system"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx"], _l("Choose a CSV or Excel (.xlsx) file.")),
        FileSize(MAX_IMPORT_BYTES, message=_l("The file is larger than 5 MB."))],
        description=_l("A CSV or Excel (.xlsx) file of at most 5 MB. Nothing is imported before you have seen "
                       "the preview and confirmed."), render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("Preview"))


class ConfirmImportForm(FlaskForm):
    """The previewed file travels back in the form, so nothing is stored between preview and import."""

    filename = HiddenField(validators=[DataRequired(), Length(max=255)])
    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import the new transactions"))


class TransactionForm(FlaskForm):
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()])
    booked_on = DateField(_l("Date"), validators=[DataRequired()],
                          description=_l("The date in the accounts; it must be in the line's year."))
    amount = DecimalField(_l("Amount (NOK)"), places=2, validators=[InputRequired()],
                          description=_l("In kroner, e.g. 1234.50; negative for a refund or a correction."))
    voucher_number = StringField(_l("Voucher number"), validators=[DataRequired(), Length(max=40)],
                                 description=_l("As in the accounts; unique within the year."))
    text = StringField(_l("Text"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save"))
