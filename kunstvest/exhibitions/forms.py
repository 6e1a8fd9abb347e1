"""Forms of the exhibition's admin pages: the exhibition, its funding and the placement of its works."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from kunstvest.common.date_fields import DayField, season_year
from kunstvest.common.forms import choices
from kunstvest.common.number_fields import DecimalInput, IntegerInput
from kunstvest.common.numbers import MONEY_MAX
from kunstvest.exhibitions.labels import HOST_STATUS_LABELS
from kunstvest.exhibitions.models import HostStatus


def optional_id(value) -> int | None:
    """A select's value as an id, None for the empty choice."""
    return int(value) if value not in (None, "", "None") else None


class HoursForm(Form):
    """The hours of one weekday; both times empty means closed."""

    opens = TimeField(_l("Opens"), validators=[Optional()])
    closes = TimeField(_l("Closes"), validators=[Optional()])

    def validate_closes(self, field):
        if (field.data is None) != (self.opens.data is None):
            raise ValidationError(_l("Give both times, or leave both empty for a closed day."))
        if field.data is not None and field.data <= self.opens.data:
            raise ValidationError(_l("The exhibition must close after it opens."))


class ExhibitionForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    year = IntegerInput(_l("Year"), validators=[InputRequired()], minimum=2000, maximum=2100,
                        description=_l("The exhibition belongs to the project's season of this year."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("E.g. «Kunst rett vest 2018»."))
    host_municipality_id = SelectField(_l("Host municipality"), coerce=optional_id, validators=[Optional()])
    host_status = SelectField(_l("Host status"), choices=choices(HOST_STATUS_LABELS.items()))
    host_note = TextAreaField(_l("Note on the host"), validators=[Optional(), Length(max=5000)],
                              description=_l("E.g. who we talk to, and what was agreed."))
    host_contribution = DecimalInput(_l("Host contribution (NOK)"), validators=[Optional()], minimum=0,
                                     maximum=MONEY_MAX, description=_l("Normally NOK 500,000."))
    venue_id = SelectField(_l("Venue"), coerce=optional_id, validators=[Optional()],
                           description=_l("Venues are kept under reference data."))
    opens_on = DayField(_l("Opens on"), validators=[Optional()])
    closes_on = DayField(_l("Closes on"), validators=[Optional()])
    hours = FieldList(FormField(HoursForm), min_entries=7, max_entries=7)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)],
                                description=_l("Shown in the public catalogue."))
    submit = SubmitField(_l("Save exhibition"))

    def keep_to_year(self, year: int) -> None:
        """The exhibition's days lie in its season's year (the view calls this when the year is fixed)."""
        for field in (self.opens_on, self.closes_on):
            field.within_years(year, reason=_l("the exhibition of %(year)s", year=year))

    def validate(self, extra_validators=None):
        if self.year is not None and (year := season_year(self.year)) is not None:
            self.keep_to_year(year)
        return super().validate(extra_validators)

    def validate_closes_on(self, field):
        if None not in (field.data, self.opens_on.data) and field.data < self.opens_on.data:
            raise ValidationError(_l("The exhibition cannot close before it opens."))

    def validate_host_status(self, field):
        if field.data == HostStatus.CONFIRMED.value and self.host_municipality_id.data is None:
            raise ValidationError(_l("A confirmed host needs a host municipality."))


class FundingForm(FlaskForm):
    funder = StringField(_l("Funder"), validators=[DataRequired(), Length(max=200)],
                         description=_l("E.g. «Svelvik kommune» or «Norsk kulturråd»."))
    amount = DecimalInput(_l("Amount (NOK)"), validators=[InputRequired()], minimum="0.01", maximum=MONEY_MAX)
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()],
                                 description=_l("An income line of the season's budget."))
    received_on = DayField(_l("Received on"), validators=[Optional()],
                            description=_l("When the money came in; it is then booked as actual income."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save funding"))


class PlacementForm(FlaskForm):
    """Room, wall and label number of every work; `placement_form` adds three fields per work."""

    submit = SubmitField(_l("Save placement"))

    def rows(self) -> dict[int, tuple]:
        """Per chosen work id, its (room, wall, label number) fields."""
        return self._rows


def placement_form(entries) -> PlacementForm:
    """A PlacementForm with a room, a wall and a label number field for each exhibition entry."""

    class WorksPlacementForm(PlacementForm):
        pass

    for entry in entries:
        chosen_id = entry.chosen.id
        setattr(WorksPlacementForm, f"room_{chosen_id}", StringField(_l("Room"), validators=[Length(max=100)]))
        setattr(WorksPlacementForm, f"wall_{chosen_id}", StringField(_l("Wall"), validators=[Length(max=100)]))
        setattr(WorksPlacementForm, f"label_{chosen_id}", IntegerInput(
            _l("Label number"), validators=[Optional()], minimum=1, maximum=100000))
    data = {}
    for entry in entries:
        placement, chosen_id = entry.placement, entry.chosen.id
        data[f"room_{chosen_id}"] = placement.room if placement else ""
        data[f"wall_{chosen_id}"] = placement.wall if placement else ""
        data[f"label_{chosen_id}"] = placement.label_number if placement else None
    form = WorksPlacementForm(data=data)
    form._rows = {entry.chosen.id: (form[f"room_{entry.chosen.id}"], form[f"wall_{entry.chosen.id}"],
                                    form[f"label_{entry.chosen.id}"]) for entry in entries}
    return form
