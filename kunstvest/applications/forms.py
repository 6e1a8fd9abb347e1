"""Forms of the open call: the artist's profile, application and works, the jury's scores, the secretariat's tools."""

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (BooleanField, DateTimeLocalField, EmailField, FieldList, Form, FormField, HiddenField,
                     RadioField, SelectField, StringField, SubmitField, TextAreaField, ValidationError)
from wtforms.widgets import HiddenInput
from wtforms.validators import (URL, DataRequired, Email, InputRequired, Length, Optional, Regexp,
                                StopValidation)

from kunstvest.applications.labels import DISCIPLINE_LABELS
from kunstvest.applications.models import ApplicationStatus, JointRecommendation
from kunstvest.applications.services import PHASE_LABELS, PRICE_MISSING
from kunstvest.common.date_fields import DayField, season_year
from kunstvest.common.formatting import date_short
from kunstvest.common.forms import choices
from kunstvest.common.number_fields import DecimalInput, IntegerInput
from kunstvest.common.numbers import MONEY_MAX

MAX_DIMENSION_CM = 10_000  # 100 m: room for a site-specific work, not for a typo

# --- artist -----------------------------------------------------------------------------------------------------------

class ProfileForm(FlaskForm):
    name = StringField(_l("Name (as it should appear in the catalogue)"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Address of home or studio"), validators=[DataRequired(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), Regexp(r"^\d{4}$", message=_l("Four digits."))])
    city = StringField(_l("Town"), validators=[DataRequired(), Length(max=100)])
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[DataRequired()],
                                  description=_l("The call is open to artists who live or work in a member "
                                                 "municipality of Vestregionen."))
    discipline = SelectField(_l("Discipline"), choices=choices(DISCIPLINE_LABELS.items()))
    education = TextAreaField(_l("Education"), validators=[Optional(), Length(max=4000)])
    cv = TextAreaField(_l("CV: exhibitions, grants, commissions"), validators=[Optional(), Length(max=10000)])
    website = StringField(_l("Website"), validators=[Optional(), URL(message=_l("A full address, e.g. "
                                                                                "https://example.no.")),
                                                     Length(max=300)])
    instagram = StringField(_l("Instagram"), validators=[Optional(), Length(max=100)],
                            description=_l("Your handle, e.g. @atelier_vest."))
    studio_collective = StringField(_l("Studio collective"), validators=[Optional(), Length(max=200)],
                                    description=_l("If you share a studio; the jury's conflicts of interest "
                                                   "are checked against it."))
    submit = SubmitField(_l("Save profile"))


class StatementForm(FlaskForm):
    statement = TextAreaField(_l("Artist statement"), validators=[DataRequired(), Length(max=5000)],
                              description=_l("What you work with and what you would like to show; up to 5,000 "
                                             "characters. The jury reads it without your name in blind mode."))
    submit = SubmitField(_l("Save statement"))


def _dimension_fields() -> tuple:
    """Width, height and depth in centimetres; made anew per form class so each keeps its own field order."""
    return (DecimalInput(_l("Width (cm)"), places=1, validators=[Optional()], minimum="0.1", maximum=MAX_DIMENSION_CM),
            DecimalInput(_l("Height (cm)"), places=1, validators=[Optional()], minimum="0.1", maximum=MAX_DIMENSION_CM),
            DecimalInput(_l("Depth (cm)"), places=1, validators=[Optional()], minimum="0.1", maximum=MAX_DIMENSION_CM,
                         description=_l("For objects and sculpture.")))


def _image_field() -> FileField:
    return FileField(_l("Image"), validators=[FileAllowed(["jpg", "jpeg", "png", "webp"],
                                                          _l("Upload a JPEG, PNG or WebP image."))])


class WorkForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    year = IntegerInput(_l("Year"), validators=[Optional()], minimum=1900, maximum=2100)
    technique = StringField(_l("Technique and materials"), validators=[DataRequired(), Length(max=200)],
                            description=_l("E.g. «Oil on canvas» or «Stoneware, glazed»."))
    width_cm, height_cm, depth_cm = _dimension_fields()
    price = DecimalInput(_l("Price (NOK)"), validators=[Optional()], minimum=0, maximum=MONEY_MAX,
                         description=_l("Leave empty if the work is not for sale."))
    image = _image_field()
    submit = SubmitField(_l("Save work"))


class RemoveWorkForm(FlaskForm):
    """The confirmation of a work's removal; `return_to_draft` carries what the page said would happen."""

    return_to_draft = HiddenField()
    submit = SubmitField(_l("Remove the work"))


class WithdrawForm(FlaskForm):
    confirm = BooleanField(_l("Yes, withdraw my application"), validators=[DataRequired(
        message=_l("Tick the box to confirm that you want to withdraw."))])
    submit = SubmitField(_l("Withdraw application"))


def _for_sale(value) -> bool:
    """The for-sale radio's value as a bool; anything but «1» or «0» is an invalid choice."""
    if value in (True, False):
        return bool(value)
    if value in ("1", "0"):
        return value == "1"
    raise ValueError(value)


class ChosenWorkForm(FlaskForm):
    """The exhibition work in the order people think of it: which work, what it is, then whether it is for sale.

    Not a WorkForm: inherited fields would come first, and a form shows its fields in the order they were made.
    """

    source_work_id = SelectField(_l("Which work?"), coerce=int, description=_l(
        "One of the works you applied with, or a new one. For an applied work, what you leave blank below is taken "
        "from your application."))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    technique = StringField(_l("Technique and materials"), validators=[Optional(), Length(max=200)],
                            description=_l("E.g. «Oil on canvas» or «Stoneware, glazed»."))
    year = IntegerInput(_l("Year"), validators=[Optional()], minimum=1900, maximum=2100)
    width_cm, height_cm, depth_cm = _dimension_fields()
    image = _image_field()
    is_for_sale = RadioField(
        _l("Is the work for sale?"), coerce=_for_sale, default=True,
        choices=choices([("0", _l("Not for sale")), ("1", _l("For sale, at the price:"))]),
        validators=[InputRequired(message=_l("Answer whether the work is for sale."))])
    price = DecimalInput(_l("Price (NOK)"), validators=[Optional()], minimum=0, maximum=MONEY_MAX,
                         description=_l("For a work you applied with, leave it empty to keep the price you gave."))
    insurance_value = DecimalInput(_l("Insurance value (NOK)"), validators=[InputRequired()], minimum=0,
                                   maximum=MONEY_MAX)
    confirm = BooleanField(_l("I confirm this is the work I will show"))
    submit = SubmitField(_l("Save exhibition work"))

    def validate_price(self, field):
        if self.is_for_sale.data is False:
            # Not for sale clears the price, so a price typed before choosing that is dropped rather than checked.
            field.errors[:] = []
            field.data = None
            raise StopValidation()
        if field.data is None and self.source_work_id.data == 0:
            raise ValidationError(PRICE_MISSING)


# --- jury -------------------------------------------------------------------------------------------------------------

CRITERION_PREFIX = "criterion_"


class ScoreForm(FlaskForm):
    """A juror's scores of one application; `score_form` adds one radio group per criterion of the call's rubric."""

    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=5000)],
                            description=_l("The other jurors and the secretariat can read it."))
    submit = SubmitField(_l("Save scores"))

    def criterion_fields(self) -> list:
        """The radio groups, in the rubric's order."""
        return [field for field in self if field.name.startswith(CRITERION_PREFIX)]

    def scores(self) -> dict[int, int]:
        """The chosen value per criterion id."""
        return {int(field.name.removeprefix(CRITERION_PREFIX)): field.data for field in self.criterion_fields()}


def score_form(criteria, *, review=None) -> ScoreForm:
    """A ScoreForm for the rubric, showing the juror's earlier scores if there are any."""

    class RubricScoreForm(ScoreForm):
        pass

    for criterion in criteria:
        scale = _l("From %(low)d (weakest) to %(high)d (strongest).", low=criterion.scale_min,
                   high=criterion.scale_max)
        # The range is left to score_application, whose message names the criterion and its scale.
        setattr(RubricScoreForm, f"{CRITERION_PREFIX}{criterion.id}", RadioField(
            criterion.name, coerce=int, validate_choice=False,
            choices=choices((value, str(value)) for value in range(criterion.scale_min, criterion.scale_max + 1)),
            description=" ".join(filter(None, [criterion.description, str(scale)])),
            validators=[InputRequired(message=_l("Choose a score."))]))
    earlier = {}
    if review is not None:
        earlier = {f"{CRITERION_PREFIX}{score.criterion_id}": score.value for score in review.scores}
        earlier["comment"] = review.comment
    return RubricScoreForm(data=earlier)


class DeclareConflictForm(FlaskForm):
    reason = StringField(
        _l("Reason (optional)"), description=_l("For the secretariat, e.g. «a close friend» or «former student»."),
        validators=[Optional(), Length(max=300, message=_l("Keep the reason to 300 characters or fewer."))])
    submit = SubmitField(_l("Declare a conflict of interest"))


class ConflictAnswerForm(FlaskForm):
    """A juror's answer to a suggested conflict of interest: "1" confirms it, "0" dismisses it."""

    is_conflict = RadioField(
        _l("Do you have a conflict of interest?"),
        choices=choices([("1", _l("Yes, I have a conflict")), ("0", _l("No conflict"))]),
        validators=[InputRequired(message=_l("Answer whether you have a conflict of interest."))])


# --- secretariat ------------------------------------------------------------------------------------------------------

OSLO = ZoneInfo("Europe/Oslo")
# The admin types Norwegian wall-clock time; the field reads and shows it in Oslo's zone.
OSLO_DATETIME = {"format": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], "tz": OSLO}
MAX_CRITERIA = 6


class CriterionForm(Form):
    """One row of the rubric; a row without a name is left out."""

    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=120)])
    description = StringField(_l("Description for the jury"), validators=[Optional(), Length(max=1000)])
    scale_min = IntegerInput(_l("Lowest score"), default=1, validators=[Optional()], minimum=0, maximum=100)
    scale_max = IntegerInput(_l("Highest score"), default=7, validators=[Optional()], minimum=1, maximum=100)
    weight = DecimalInput(_l("Weight"), default=Decimal("1.00"), validators=[Optional()], minimum="0.01",
                          maximum=999,
                          description=_l("How much the criterion counts, e.g. 2 for twice as much as 1."))

    def validate_name(self, field):
        if (field.data or "").strip() and None in (self.scale_min.data, self.scale_max.data, self.weight.data):
            raise ValidationError(_l("Give the criterion a scale and a weight."))

    def validate_scale_max(self, field):
        if None not in (field.data, self.scale_min.data) and field.data <= self.scale_min.data:
            raise ValidationError(_l("The highest score must be above the lowest."))


class CallForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    year = IntegerInput(_l("Year"), validators=[InputRequired()], minimum=2000, maximum=2100,
                        description=_l("The call belongs to the project's season of this year."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("E.g. «Kunst rett vest 2018»."))
    opens_at = DateTimeLocalField(_l("Opens"), validators=[DataRequired()], description=_l("Norwegian time."),
                                  **OSLO_DATETIME)
    closes_at = DateTimeLocalField(_l("Closes"), validators=[DataRequired()],
                                   description=_l("Norwegian time. Applications cannot be submitted after this."),
                                   **OSLO_DATETIME)
    eligibility = TextAreaField(_l("Who may apply"), validators=[Optional(), Length(max=5000)])
    min_works = IntegerInput(_l("Fewest works per application"), default=3, validators=[InputRequired()],
                             minimum=1, maximum=50)
    max_works = IntegerInput(_l("Most works per application"), default=6, validators=[InputRequired()],
                             minimum=1, maximum=50)
    is_blind = BooleanField(_l("Blind jury: the jury does not see the artists' names"), default=True)
    capacity = IntegerInput(_l("Places in the exhibition"), default=100, validators=[InputRequired()],
                            minimum=0, maximum=10000,
                            description=_l("The cut line starts here."))
    waitlist_size = IntegerInput(_l("Places on the waiting list"), default=10, validators=[InputRequired()],
                                 minimum=0, maximum=10000)
    disagreement_margin = DecimalInput(
        _l("Disagreement margin"), default=Decimal("1.50"), validators=[InputRequired()], minimum=0, maximum=100,
        description=_l("Applications whose jurors' weighted scores are further apart than this are flagged for "
                       "discussion."))
    work_choice_deadline = DayField(_l("Deadline for choosing the exhibition work"), validators=[Optional()],
                                     description=_l("Accepted artists are asked to confirm their work by this day."))
    criteria = FieldList(FormField(CriterionForm), min_entries=MAX_CRITERIA, max_entries=MAX_CRITERIA)
    submit = SubmitField(_l("Save call"))

    def validate_max_works(self, field):
        if None not in (field.data, self.min_works.data) and field.data < self.min_works.data:
            raise ValidationError(_l("The most works cannot be fewer than the fewest."))

    fixed_year: int | None = None  # the year of a call being edited, whose year field is taken away

    def call_year(self) -> int | None:
        return self.fixed_year if self.year is None else season_year(self.year)

    def validate(self, extra_validators=None):
        if (year := self.call_year()) is not None:  # a call for year Y runs in Y or the year before
            self.work_choice_deadline.within_years(year - 1, year, reason=_l("the call of %(year)s", year=year))
        return super().validate(extra_validators)

    def validate_opens_at(self, field):
        self._in_call_years(field)

    def validate_closes_at(self, field):
        self._in_call_years(field)
        if None not in (field.data, self.opens_at.data) and field.data <= self.opens_at.data:
            raise ValidationError(_l("The call must close after it opens."))

    def _in_call_years(self, field) -> None:
        year = self.call_year()
        if year is not None and field.data is not None and not year - 1 <= field.data.year <= year:
            raise ValidationError(_l("%(field)s: choose a time between %(earliest)s and %(latest)s (the call of "
                                     "%(year)s).", field=field.label.text, year=year,
                                     earliest=date_short(date(year - 1, 1, 1)), latest=date_short(date(year, 12, 31))))


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=choices(PHASE_LABELS.items()), validators=[DataRequired()])


class JurorForm(FlaskForm):
    juror_id = SelectField(_l("User with the jury role"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Add to the jury"))


class CutLineForm(FlaskForm):
    cut_line = IntegerInput(_l("Cut line"), validators=[InputRequired()], minimum=0, maximum=10000,
                            description=_l("Applications ranked this number or higher are accepted."))
    waitlist_size = IntegerInput(_l("Waiting list"), validators=[InputRequired()], minimum=0, maximum=10000,
                                 description=_l("The next ones go on the waiting list; the rest are not accepted."))
    submit = SubmitField(_l("Apply the cut line"))


class DecisionForm(FlaskForm):
    status = SelectField(_l("Decision"), choices=choices([
        (ApplicationStatus.SUBMITTED.value, _l("Let the cut line decide")),
        (ApplicationStatus.ACCEPTED.value, _l("Accept")),
        (ApplicationStatus.WAITLISTED.value, _l("Put on the waiting list")),
        (ApplicationStatus.REJECTED.value, _l("Do not accept")),
    ]), description=_l("A decision made here stays when the cut line moves."))
    decide = SubmitField(_l("Save decision"))


class DiscussionForm(FlaskForm):
    joint_recommendation = SelectField(_l("The jury's joint recommendation"), choices=choices([
        ("", _l("None")),
        (JointRecommendation.ACCEPT.value, _l("Accept")),
        (JointRecommendation.WAITLIST.value, _l("Waiting list")),
        (JointRecommendation.REJECT.value, _l("Do not accept")),
    ]), validators=[Optional()], description=_l("What the two jurors agreed on."))
    jury_note = TextAreaField(_l("Note from the jury's discussion"), validators=[Optional(), Length(max=5000)])
    is_to_discuss = BooleanField(_l("Still to discuss"))
    save_discussion = SubmitField(_l("Save the jury's discussion"))


class PromoteForm(FlaskForm):
    """The confirmation of a promotion from the waiting list, naming the application the page showed as first."""

    application_id = IntegerInput(widget=HiddenInput(), validators=[InputRequired()], minimum=1)
    submit = SubmitField(_l("Offer the place"))


class PublishForm(FlaskForm):
    is_checked = BooleanField(_l("I have checked the decisions"), validators=[DataRequired(
        message=_l("Tick the box to confirm that you have checked the decisions."))])
    submit = SubmitField(_l("Publish the decisions and email the applicants"))


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class MailDecisionForm(FlaskForm):
    """An address the secretariat found for an applicant kunstvest cannot email."""

    email = EmailField(_l("Email address"), filters=[_stripped],
                       validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Queue the decision to this address"))
