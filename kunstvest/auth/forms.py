"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from kunstvest.common.forms import choices

PASSWORD_RULES = [DataRequired(), Length(min=10, max=200, message=_l("Use at least 10 characters."))]
PASSWORD_HINT = _l("At least 10 characters. A sentence you remember is a good password.")


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me on this device (30 days)"))
    submit = SubmitField(_l("Log in"))


class RegisterForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES, description=PASSWORD_HINT)
    password_again = PasswordField(_l("Repeat password"),
                                   validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    role = RadioField(_l("I am registering as"), choices=choices([
        ("artist", _l("An artist (Kunst rett vest)")),
        ("guardian", _l("A parent or guardian (youth orchestra)")),
        ("none", _l("Neither: the secretariat will give me a role")),
    ]), validators=[DataRequired(message=_l("Choose what you are registering as."))])
    submit = SubmitField(_l("Create account"))


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send link"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES, description=PASSWORD_HINT)
    password_again = PasswordField(_l("Repeat new password"),
                                   validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    locale = SelectField(_l("Language"), choices=choices([("nb", "Norsk (bokmål)"), ("en", "English")]))
    submit = SubmitField(_l("Save"))


class ChangeEmailForm(FlaskForm):
    new_email = EmailField(_l("New email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    submit = SubmitField(_l("Send confirmation link"))


class ConfirmForm(FlaskForm):
    """A form with only a CSRF token and a button, for POST actions."""

    submit = SubmitField(_l("Confirm"))
