"""Forms of the open ateliers: the weekends, the artist's atelier and hours, joining, publishing, the guide filter."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from kunstvest.common.date_fields import DayField, season_year
from kunstvest.common.formatting import weekday_and_day
from kunstvest.common.number_fields import IntegerInput, LatitudeInput, LongitudeInput, current_locale
from kunstvest.common.numbers import number_marks

HOURS_PREFIX = "hours_"
MAX_DAYS = 6


class WeekendsForm(FlaskForm):
    """The open-atelier days of a season, chosen by project and year; empty day rows are left out."""

    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    year = IntegerInput(_l("Year"), validators=[InputRequired()], minimum=2000, maximum=2100)
    days = FieldList(DayField(_l("Day"), validators=[Optional()]), min_entries=MAX_DAYS, max_entries=MAX_DAYS)
    proofing_deadline = DayField(_l("Proofing deadline"), validators=[Optional()], description=_l(
        "The artists should approve their entries in the guide by this day."))
    submit = SubmitField(_l("Save weekends"))

    def validate(self, extra_validators=None):
        if (year := season_year(self.year)) is not None:  # the weekends lie in the season's year, the proofing before
            for field in self.days:
                field.within_years(year, reason=_l("the season %(year)s", year=year))
            self.proofing_deadline.within_years(year - 1, year, reason=_l("before the weekends of %(year)s",
                                                                          year=year))
        return super().validate(extra_validators)


class AtelierForm(FlaskForm):
    """An atelier's public entry; `atelier_form` adds an opening and closing time for every day of the weekends."""

    name = StringField(_l("Name of the atelier (optional)"), validators=[Optional(), Length(max=200)],
                       description=_l("E.g. «Keramikkverkstedet». Without a name the guide shows the artists."))
    address = StringField(_l("Street address"), validators=[DataRequired(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), Regexp(r"^\d{4}$", message=_l("Four digits."))])
    city = StringField(_l("Town"), validators=[DataRequired(), Length(max=100)])
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[DataRequired()])
    latitude = LatitudeInput(_l("Latitude (optional)"), validators=[Optional()],
                             description=_l("For the map, e.g. 59.6042. Leave both empty to stay off the map."))
    longitude = LongitudeInput(_l("Longitude (optional)"), validators=[Optional()], description=_l("E.g. 10.4106."))
    accessibility = TextAreaField(_l("Accessibility"), validators=[Optional(), Length(max=2000)], description=_l(
        "Steps, wheelchair access, parking, toilet: what visitors should know before they come."))
    description = TextAreaField(_l("About the atelier (optional)"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save atelier"))

    def decimal_mark(self) -> str:
        """The decimal mark the coordinates are written with (a comma in bokmål), for the map that fills them in."""
        return number_marks(current_locale())[0]

    def hours_fields(self) -> list[tuple]:
        """(day, opens field, closes field) for each day of the weekends, in order."""
        return [(day, self[f"{HOURS_PREFIX}{day.isoformat()}_opens"], self[f"{HOURS_PREFIX}{day.isoformat()}_closes"])
                for day in self.days]


def atelier_form(days, **kwargs) -> AtelierForm:
    """An AtelierForm with an opening and closing time per weekend day (blank means closed)."""

    class WeekendAtelierForm(AtelierForm):
        pass

    for day in days:
        label = weekday_and_day(day)
        setattr(WeekendAtelierForm, f"{HOURS_PREFIX}{day.isoformat()}_opens", TimeField(
            _l("Opens %(day)s", day=label), validators=[Optional()]))
        setattr(WeekendAtelierForm, f"{HOURS_PREFIX}{day.isoformat()}_closes", TimeField(
            _l("Closes %(day)s", day=label), validators=[Optional()]))
    form = WeekendAtelierForm(**kwargs)
    form.days = list(days)
    return form


class JoinForm(FlaskForm):
    atelier_id = SelectField(_l("Atelier"), coerce=int, validators=[DataRequired()], description=_l(
        "If you share an atelier with another artist who has registered it already, join it instead of "
        "registering it again."))
    submit = SubmitField(_l("Join this atelier"))


class PublishForm(FlaskForm):
    anyway = BooleanField(_l("Publish anyway, although some artists have not approved"))
    submit = SubmitField(_l("Number the ateliers and publish the guide"))


class GuideFilterForm(FlaskForm):
    """The guide's filter, sent with GET so that it works without JavaScript and can be bookmarked."""

    class Meta:
        csrf = False

    municipality = SelectField(_l("Municipality"), coerce=int, validators=[Optional()])
    open_now = BooleanField(_l("Open now"))
    submit = SubmitField(_l("Show"))
