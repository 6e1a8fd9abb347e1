"""Budget forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from kunstvest.budget.labels import CATEGORY_LABELS
from kunstvest.common.forms import choices


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
