"""Reference-data forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class MunicipalityForm(FlaskForm):
    inhabitants = IntegerField(_l("Inhabitants"), validators=[DataRequired(), NumberRange(min=0)],
                               description=_l("The membership fee is NOK 10 per inhabitant."))
    is_member = BooleanField(_l("Member of Vestregionen"))
    submit = SubmitField(_l("Save"))


class VenueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[DataRequired()])
    latitude = DecimalField(_l("Latitude"), places=6, validators=[Optional(), NumberRange(min=-90, max=90)],
                            description=_l("Optional, in decimal degrees, e.g. 59.6051"))
    longitude = DecimalField(_l("Longitude"), places=6, validators=[Optional(), NumberRange(min=-180, max=180)],
                             description=_l("Optional, in decimal degrees, e.g. 10.4166"))
    submit = SubmitField(_l("Save"))


class SeasonForm(FlaskForm):
    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))
