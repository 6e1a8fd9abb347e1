"""Budget forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from kunstvest.budget.labels import CATEGORY_LABELS
from kunstvest.common.date_fields import DayField
from kunstvest.common.forms import choices
from kunstvest.common.number_fields import DecimalInput, IntegerInput
from kunstvest.common.numbers import MONEY_MAX


class BudgetLineForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    year = IntegerInput(_l("Year"), validators=[InputRequired()], minimum=2000, maximum=2100)
    category = SelectField(_l("Category"), choices=choices(CATEGORY_LABELS.items()), validators=[DataRequired()],
                           description=_l("Income categories name who pays; expense categories what it is for."))
    name = StringField(_l("Name of the line"), validators=[DataRequired(), Length(max=200)])
    funder = StringField(_l("Funder"), validators=[Optional(), Length(max=200)],
                         description=_l("Income only, e.g. «Sparebankstiftelsen DNB» or «Buskerud fylkeskommune»."))
    budgeted_amount = DecimalInput(_l("Budgeted amount (NOK)"), validators=[InputRequired()], minimum=0,
                                   maximum=MONEY_MAX,
                                   description=_l("In kroner, e.g. 155000 or 25700.50. Never negative."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class ApprovalForm(FlaskForm):
    decision_reference = StringField(_l("Decision reference"), validators=[DataRequired(), Length(max=100)],
                                     description=_l("The steering group's case, e.g. «sak 36/2015»."))
    decided_on = DayField(_l("Date of the decision"), validators=[DataRequired()])
    submit = SubmitField(_l("Approve and lock"))


class SettlementForm(FlaskForm):
    amount = DecimalInput(_l("Amount (NOK)"), validators=[InputRequired()], minimum=0, maximum=MONEY_MAX,
                          description=_l("The deficit covered, or the surplus set aside, in kroner."))
    settled_by = StringField(_l("Covered by or set aside in"), default="Disposisjonsfond",
                             validators=[DataRequired(), Length(max=200)],
                             description=_l("For example the reserve fund (disposisjonsfond)."))
    decision_reference = StringField(_l("Decision reference"), validators=[DataRequired(), Length(max=100)])
    decided_on = DayField(_l("Date of the decision"), validators=[DataRequired()])
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


class TransactionForm(FlaskForm):
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()])
    booked_on = DayField(_l("Date"), validators=[DataRequired()],
                          description=_l("The date in the accounts; it must be in the line's year."))
    amount = DecimalInput(_l("Amount (NOK)"), validators=[InputRequired()], minimum=-MONEY_MAX, maximum=MONEY_MAX,
                          description=_l("In kroner, e.g. 1234.50; negative for a refund or a correction."))
    voucher_number = StringField(_l("Voucher number"), validators=[DataRequired(), Length(max=40)],
                                 description=_l("As in the accounts; unique within the year."))
    text = StringField(_l("Text"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save"))
