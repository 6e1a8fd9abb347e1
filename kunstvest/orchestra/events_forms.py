"""Forms of the season plan: events, their schedule and staff, replies, calendar links and messages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField,
                     TextAreaField, TimeField, ValidationError)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from kunstvest.common.date_fields import DayField
from kunstvest.common.forms import choices
from kunstvest.common.number_fields import DecimalInput
from kunstvest.common.numbers import MONEY_MAX
from kunstvest.orchestra.events import AUDIENCE_LABELS, KIND_LABELS, SESSION_KIND_LABELS, STAFF_ROLE_LABELS

NONE_CHOSEN = 0


class EventForm(FlaskForm):
    kind = SelectField(_l("Kind of event"), choices=choices(KIND_LABELS.items()), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_on = DayField(_l("First day"), validators=[DataRequired()])
    ends_on = DayField(_l("Last day"), validators=[DataRequired()])
    venue_id = SelectField(_l("Venue"), coerce=int, default=NONE_CHOSEN,
                           description=_l("Venues in member municipalities. Leave empty and write the place if the "
                                          "venue is not in the list."))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)],
                        description=_l("E.g. a school abroad on a tour."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    reply_deadline = DayField(_l("Reply deadline"), validators=[Optional()],
                               description=_l("Guardians can change their replies until the end of this day."))
    is_public = BooleanField(_l("Public (shown on the public concert calendar)"))
    submit = SubmitField(_l("Save event"))

    def validate_ends_on(self, field):
        if None not in (field.data, self.starts_on.data) and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))


class SessionForm(FlaskForm):
    kind = SelectField(_l("Kind of session"), choices=choices(SESSION_KIND_LABELS.items()),
                       validators=[DataRequired()])
    day = SelectField(_l("Day"), validators=[DataRequired()])
    starts = TimeField(_l("Starts"), validators=[DataRequired()], description=_l("Norwegian time."))
    ends = TimeField(_l("Ends"), validators=[DataRequired()], description=_l("Norwegian time."))
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    section_ids = SelectMultipleField(_l("Section(s)"), coerce=int,
                                      description=_l("For a sectional; a tutti rehearsal is for everyone."))
    tutor_id = SelectField(_l("Tutor"), coerce=int, default=NONE_CHOSEN)
    submit = SubmitField(_l("Add session"))

    def validate_ends(self, field):
        if None not in (field.data, self.starts.data) and field.data <= self.starts.data:
            raise ValidationError(_l("The session must end after it starts."))


class StaffForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Account email (optional)"), validators=[Optional(), Email(), Length(max=254)],
                       description=_l("With an account, the person can take attendance at this event."))
    role = SelectField(_l("Role"), choices=choices(STAFF_ROLE_LABELS.items()), validators=[DataRequired()])
    section_id = SelectField(_l("Section"), coerce=int, default=NONE_CHOSEN)
    fee = DecimalInput(_l("Fee (NOK)"), validators=[Optional()], minimum=0, maximum=MONEY_MAX)
    budget_line_id = SelectField(_l("Budget line of the fee"), coerce=int, default=NONE_CHOSEN)
    is_leader = BooleanField(_l("Leader of the weekend (may read health information)"))
    submit = SubmitField(_l("Add to the staff"))


class ReplyForm(FlaskForm):
    is_attending = RadioField(_l("Attending"), choices=choices([("yes", _l("Yes")), ("no", _l("No"))]),
                              validators=[InputRequired(message=_l("Answer yes or no."))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)],
                       description=_l("E.g. «comes late on Saturday» or «leaves at 15»."))
    submit = SubmitField(_l("Save reply"))


class CalendarLinkForm(FlaskForm):
    create = SubmitField(_l("Make a new link"))
    revoke = SubmitField(_l("Stop the link"))


class AttendanceForm(FlaskForm):
    """Only the CSRF token: the radio groups are one per member, named status-<child id>, read by the view."""

    submit = SubmitField(_l("Save attendance"))


class MessageForm(FlaskForm):
    audience = RadioField(_l("To"), choices=choices(AUDIENCE_LABELS.items()), default="all",
                          validators=[InputRequired()])
    section_id = SelectField(_l("Section"), coerce=int, default=NONE_CHOSEN)
    event_id = SelectField(_l("Event"), coerce=int, default=NONE_CHOSEN)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=10_000)])
    preview = SubmitField(_l("Show recipients"))
    send = SubmitField(_l("Send"))
