"""Reference-data forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from kunstvest.common.number_fields import IntegerInput, LatitudeInput, LongitudeInput

MAX_INHABITANTS = 10_000_000


class MunicipalityForm(FlaskForm):
    inhabitants = IntegerInput(_l("Inhabitants"), validators=[InputRequired()], minimum=0, maximum=MAX_INHABITANTS,
                               description=_l("The membership fee is NOK 10 per inhabitant."))
    is_member = BooleanField(_l("Member of Vestregionen"))
    submit = SubmitField(_l("Save"))


class VenueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[DataRequired()])
    latitude = LatitudeInput(_l("Latitude"), validators=[Optional()],
                             description=_l("Optional, in decimal degrees, e.g. 59.6051"))
    longitude = LongitudeInput(_l("Longitude"), validators=[Optional()],
                               description=_l("Optional, in decimal degrees, e.g. 10.4166"))
    submit = SubmitField(_l("Save"))


class SeasonForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    year = IntegerInput(_l("Year"), validators=[InputRequired()], minimum=2000, maximum=2100)
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))
