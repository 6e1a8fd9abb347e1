"""Forms of the ledger: its filter, corrections of a transaction, counter-entries and closing a year."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from kunstvest.budget.models import TransactionSource
from kunstvest.common.date_fields import DayField
from kunstvest.common.forms import choices
from kunstvest.common.number_fields import DecimalInput, IntegerInput
from kunstvest.common.numbers import MONEY_MAX

SOURCE_LABELS = {
    TransactionSource.MANUAL.value: _l("Entered by hand"),
    TransactionSource.IMPORT.value: _l("Imported"),
    TransactionSource.DOMAIN.value: _l("Booked by exhibitions or the orchestra"),
}
TERTIAL_LABELS = {"1": _l("T1 (January–April)"), "2": _l("T2 (May–August)"), "3": _l("T3 (September–December)")}


class LedgerFilterForm(FlaskForm):
    """The ledger's filter, read from the query string; 0 and "" mean «all»."""

    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=int, default=0)
    project = SelectField(_l("Project"), coerce=int, default=0)
    line = SelectField(_l("Budget line"), coerce=int, default=0)
    tertial = SelectField(_l("Four-month period"), default="",
                          choices=choices([("", _l("The whole year")), *TERTIAL_LABELS.items()]))
    date_from = DayField(_l("From"), name="from", validators=[Optional()])
    date_to = DayField(_l("To"), name="to", validators=[Optional()])
    source = SelectField(_l("Source"), default="", choices=choices([("", _l("All sources")), *SOURCE_LABELS.items()]))
    batch = IntegerInput(_l("Import"), validators=[Optional()], minimum=1)

    def validate_tertial(self, field) -> None:
        if field.data and not self.year.data:
            raise ValidationError(_l("Choose a year for the four-month period."))
        if field.data and (self.date_from.data or self.date_to.data):
            raise ValidationError(_l("Choose a four-month period or dates, not both."))

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


class TransactionEditForm(FlaskForm):
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()])
    booked_on = DayField(_l("Date"), validators=[DataRequired()],
                          description=_l("The date in the accounts; it must be in the line's year."))
    amount = DecimalInput(_l("Amount (NOK)"), validators=[InputRequired()], minimum=-MONEY_MAX, maximum=MONEY_MAX,
                          description=_l("Positive in the line's own direction: received on an income line, spent "
                                         "on an expense line."))
    voucher_number = StringField(_l("Voucher number"), validators=[DataRequired(), Length(max=40)])
    account = StringField(_l("Account"), validators=[Optional(), Length(max=10)],
                          description=_l("The account in the chart of accounts, e.g. 6790; may be left empty."))
    text = StringField(_l("Text"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save the correction"))


class CounterEntryForm(FlaskForm):
    booked_on = DayField(_l("Date"), validators=[DataRequired()],
                          description=_l("In the closed year; 31 December unless the accounts say otherwise."))
    amount = DecimalInput(_l("Amount (NOK)"), validators=[InputRequired()], minimum=-MONEY_MAX, maximum=MONEY_MAX,
                          description=_l("Minus the original amount cancels it; another amount corrects it by "
                                         "that much."))
    voucher_number = StringField(_l("Voucher number"), validators=[DataRequired(), Length(max=40)],
                                 description=_l("The correction's own voucher in the accounts."))
    text = StringField(_l("Text"), validators=[DataRequired(), Length(max=300)],
                       description=_l("Why the transaction is corrected."))
    submit = SubmitField(_l("Book the counter-entry"))


class CloseYearForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)],
                         description=_l("For example the steering group's approval of the accounts."))
    submit = SubmitField(_l("Close the accounts"))


class ReopenYearForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("Why the closed accounts must be changed; kept in the audit log."))
    submit = SubmitField(_l("Open the year again"))
