"""Forms of the youth orchestra: a guardian's child, the second guardian's invitation, consent, health information
and the staff's consent texts."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from kunstvest.common.date_fields import DayField
from kunstvest.common.forms import choices
from kunstvest.common.number_fields import IntegerInput
from kunstvest.orchestra.models import ConsentPurpose, ConsentText
from kunstvest.orchestra.services import CONSENT_PURPOSE_LABELS, LEVEL_LABELS
from kunstvest.orchestra.sections import INSTRUMENT_LABELS


def _instrument_choices(empty_label) -> list:
    ordered = sorted(INSTRUMENT_LABELS.items(), key=lambda item: str(item[1]))
    return choices([("", empty_label), *ordered])


class ChildForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    date_of_birth = DayField(_l("Date of birth"), validators=[InputRequired()])
    instrument = SelectField(_l("Main instrument"), validators=[DataRequired()])
    years_played = IntegerInput(_l("Years played (main instrument)"), default=0, validators=[InputRequired()],
                                minimum=0, maximum=20)
    second_instrument = SelectField(_l("Second instrument (optional)"), validators=[Optional()])
    second_years_played = IntegerInput(_l("Years played (second instrument)"), validators=[Optional()],
                                       minimum=0, maximum=20)
    level = SelectField(_l("Level"), choices=choices((level.value, label) for level, label in LEVEL_LABELS.items()),
                        description=_l("Beginner: plays simple tunes. Intermediate: reads music and plays in a "
                                       "school orchestra or band. Advanced: plays in a culture-school orchestra or "
                                       "takes part in competitions."))
    teacher = StringField(_l("Teacher"), validators=[Optional(), Length(max=200)])
    school = StringField(_l("School"), validators=[Optional(), Length(max=200)])
    culture_school = StringField(_l("Culture school or band"), validators=[Optional(), Length(max=200)])
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[DataRequired()],
                                  description=_l("The orchestra is for children in the member municipalities of "
                                                 "Vestregionen."))
    notes = TextAreaField(_l("Anything the staff should know"), validators=[Optional(), Length(max=4000)],
                          description=_l("E.g. who picks the child up. Health and allergy information has its own "
                                         "form."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument.choices = _instrument_choices(_l("Choose an instrument"))
        self.second_instrument.choices = _instrument_choices(_l("None"))
        # Not in the future, nor a typo of a century; the season checks the age itself.
        self.date_of_birth.limit(date(1900, 1, 1), date.today(), reason=_l("not in the future"))

    def validate_second_instrument(self, field) -> None:
        if field.data and field.data == self.instrument.data:
            raise ValidationError(_l("The second instrument must differ from the main instrument."))

    def instruments(self) -> list[tuple[str, int]]:
        """(instrument, years played), the main instrument first."""
        played = [(self.instrument.data, self.years_played.data)]
        if self.second_instrument.data:
            played.append((self.second_instrument.data, self.second_years_played.data or 0))
        return played


class InviteGuardianForm(FlaskForm):
    email = EmailField(_l("Email of the other guardian"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("They get a link that only an account with this address can use: after "
                                      "logging in with it, or creating an account with it, they see this child too."))
    submit = SubmitField(_l("Send invitation"))


class AcceptInvitationForm(FlaskForm):
    submit = SubmitField(_l("Accept and become a guardian"))


CONSENT_PREFIX = "consent_"


class ConsentForm(FlaskForm):
    """Yes or no for each current consent text; `consent_form` adds one radio group per purpose."""

    submit = SubmitField(_l("Save answers"))

    def purpose_fields(self) -> list:
        """The radio groups, in the purposes' order."""
        return [field for field in self if field.name.startswith(CONSENT_PREFIX)]

    def answers(self) -> dict[ConsentPurpose, bool]:
        """The chosen answer per purpose."""
        return {ConsentPurpose(field.name.removeprefix(CONSENT_PREFIX)): field.data == "yes"
                for field in self.purpose_fields()}


def consent_form(texts: dict[ConsentPurpose, ConsentText], **kwargs) -> ConsentForm:
    """A ConsentForm with a yes/no group for each current text."""

    class PurposeConsentForm(ConsentForm):
        pass

    for purpose, text in texts.items():
        setattr(PurposeConsentForm, f"{CONSENT_PREFIX}{purpose.value}", RadioField(
            CONSENT_PURPOSE_LABELS[purpose], description=text.text,
            choices=choices([("yes", _l("Yes, I consent")), ("no", _l("No"))]),
            validators=[InputRequired(message=_l("Answer yes or no."))]))
    return PurposeConsentForm(**kwargs)


class HealthForm(FlaskForm):
    allergies = TextAreaField(_l("Allergies"), validators=[Optional(), Length(max=4000)],
                              description=_l("Food and other allergies, and what to do in a reaction."))
    medical = TextAreaField(_l("Conditions and medication"), validators=[Optional(), Length(max=4000)])
    emergency_contacts = TextAreaField(_l("Emergency contacts"), validators=[DataRequired(), Length(max=2000)],
                                       description=_l("Names and phone numbers of people we can call."))
    submit = SubmitField(_l("Save health information"))


class ConsentTextForm(FlaskForm):
    purpose = SelectField(_l("Purpose"), choices=choices(
        (purpose.value, label) for purpose, label in CONSENT_PURPOSE_LABELS.items()))
    text = TextAreaField(_l("Text guardians consent to"), validators=[DataRequired(), Length(max=10000)],
                         description=_l("Publishing a new version asks every guardian again; until they answer, "
                                        "the earlier consent does not count."))
    confirmed = HiddenField()  # "yes" once the staff have seen whom the new version will email
    submit = SubmitField(_l("Publish new version"))
