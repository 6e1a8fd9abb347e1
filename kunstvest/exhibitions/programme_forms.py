"""Forms of the side programme: the admin's event form and the public sign-up form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField, TimeField,
                     ValidationError)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from kunstvest.common.date_fields import DayField
from kunstvest.common.forms import choices
from kunstvest.common.number_fields import IntegerInput
from kunstvest.exhibitions.programme import KIND_LABELS, MAX_SEATS_PER_SIGNUP, language_choices


class EventForm(FlaskForm):
    kind = SelectField(_l("Kind of event"), choices=choices(KIND_LABELS.items()), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    day = DayField(_l("Date"), validators=[DataRequired()])
    starts = TimeField(_l("Starts"), validators=[DataRequired()], description=_l("Norwegian time."))
    ends = TimeField(_l("Ends"), validators=[DataRequired()], description=_l("Norwegian time."))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)],
                        description=_l("E.g. «The big hall» or «Meet at the entrance»."))
    language = SelectField(_l("Language"), validators=[DataRequired()])
    capacity = IntegerInput(_l("Capacity (seats)"), validators=[Optional()], minimum=1, maximum=10000,
                            description=_l("Leave empty for an event without a limit."))
    has_signup = BooleanField(_l("Free sign-up (needs a capacity)"))
    submit = SubmitField(_l("Save event"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = choices(language_choices())

    def validate_ends(self, field):
        if None not in (field.data, self.starts.data) and field.data <= self.starts.data:
            raise ValidationError(_l("The event must end after it starts."))

    def validate_capacity(self, field):
        if self.has_signup.data and not field.data:
            raise ValidationError(_l("Sign-up needs a capacity."))


class SignupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("We send the confirmation and a link to cancel here."))
    seats = IntegerInput(_l("Seats"), default=1, validators=[InputRequired()], minimum=1,
                         maximum=MAX_SEATS_PER_SIGNUP)
    submit = SubmitField(_l("Sign up"))


class CancelEventForm(FlaskForm):
    is_confirmed = BooleanField(_l("Yes, cancel the event and email everyone signed up"), validators=[DataRequired(
        message=_l("Tick the box to confirm that you want to cancel the event."))])
    submit = SubmitField(_l("Cancel the event"))
