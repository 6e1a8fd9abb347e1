"""Forms of the orchestra staff's admission pages: seasons, section targets, decisions on applications, offers."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, ValidationError
from wtforms.validators import AnyOf, DataRequired, InputRequired, Optional

from kunstvest.common.date_fields import DayField, season_year
from kunstvest.common.forms import choices
from kunstvest.common.number_fields import IntegerInput
from kunstvest.orchestra.admission import GROUP_LABELS
from kunstvest.orchestra.models import Group

DECISIONS = ("admit", "offer", "waitlist", "decline")
ANSWERS = ("accept", "decline")


class OrchestraSeasonForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    year = IntegerInput(_l("Year"), validators=[InputRequired()], minimum=2000, maximum=2100,
                        description=_l("The orchestra season belongs to the project's season of this year."))
    starts_on = DayField(_l("Season starts"), validators=[DataRequired()],
                          description=_l("Ages and groups count from this day."))
    ends_on = DayField(_l("Season ends"), validators=[DataRequired()])
    min_age = IntegerInput(_l("Lowest age"), default=8, validators=[InputRequired()], minimum=3, maximum=30)
    max_age = IntegerInput(_l("Highest age"), default=18, validators=[InputRequired()], minimum=3, maximum=30)
    senior_from_age = IntegerInput(_l("Senior group from age"), default=12, validators=[InputRequired()],
                                   minimum=3, maximum=30,
                                   description=_l("Younger members play in the junior group."))
    is_registration_open = BooleanField(_l("Guardians can register children for this season"))
    reregistration_deadline = DayField(_l("Re-registration deadline"), validators=[Optional()],
                                        description=_l("Members keep their place by accepting before this day."))
    offer_days = IntegerInput(_l("Days to accept an offered place"), default=14, validators=[InputRequired()],
                              minimum=1, maximum=90)
    submit = SubmitField(_l("Save season"))

    def keep_to_year(self, year: int) -> None:
        """A season starts in its year and may end in the next (the view calls this when the year is fixed)."""
        self.starts_on.within_years(year, reason=_l("the season %(year)s", year=year))
        self.ends_on.within_years(year, year + 1, reason=_l("the season %(year)s", year=year))
        self.reregistration_deadline.within_years(year - 1, year + 1, reason=_l("the season %(year)s", year=year))

    def validate(self, extra_validators=None):
        if self.year is not None and (year := season_year(self.year)) is not None:
            self.keep_to_year(year)
        return super().validate(extra_validators)

    def validate_ends_on(self, field):
        if None not in (field.data, self.starts_on.data) and field.data <= self.starts_on.data:
            raise ValidationError(_l("The season must end after it starts."))

    def validate_max_age(self, field):
        if None not in (field.data, self.min_age.data) and field.data <= self.min_age.data:
            raise ValidationError(_l("The highest age must be above the lowest."))


def target_field_name(section) -> str:
    return f"section_{section.id}"


def targets_form(sections, targets: dict[int, int]) -> FlaskForm:
    """A form with one target field per section, labelled with the section's name, in score order."""

    class TargetsForm(FlaskForm):
        pass

    for section in sections:
        setattr(TargetsForm, target_field_name(section), IntegerInput(
            section.name, default=targets.get(section.id, 0), validators=[InputRequired()], minimum=0, maximum=99))
    TargetsForm.submit = SubmitField(_l("Save targets"))
    return TargetsForm()


class DecisionForm(FlaskForm):
    """One application's decision: the section and group go with admit and offer."""

    decision = StringField(validators=[AnyOf(DECISIONS)])  # the value of the button pressed
    section_id = SelectField(_l("Section"), coerce=int, validators=[Optional()])
    group = SelectField(_l("Group"), choices=choices([("", _l("By age")), *((group.value, GROUP_LABELS[group])
                                                                           for group in Group)]),
                        validators=[Optional()])

    def validate_section_id(self, field):
        if self.decision.data in ("admit", "offer") and not field.data:
            raise ValidationError(_l("Choose a section."))


class OfferNextForm(FlaskForm):
    section_id = IntegerInput(validators=[InputRequired()], minimum=1)  # sent by the section's button


class AnswerForm(FlaskForm):
    answer = StringField(validators=[AnyOf(ANSWERS)])  # the value of the button pressed
