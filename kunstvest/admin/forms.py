"""Administration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional

from kunstvest.admin.labels import ROLE_LABELS
from kunstvest.common.forms import choices


class RoleChangeForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()), validators=[DataRequired()])
    action = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search by name or email"), validators=[Optional()])
    role = SelectField(_l("Role"), choices=choices([("", _l("All roles")), *ROLE_LABELS.items()]),
                       validators=[Optional()])
    submit = SubmitField(_l("Search"))
