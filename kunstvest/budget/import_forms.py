"""Forms of the import: the upload, the preview (sign convention, accounts to map, confirmation), batches, mappings."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from kunstvest.budget.models import LineKind, SignConvention
from kunstvest.common.forms import choices

MAX_IMPORT_BYTES = 5 * 1024 * 1024
SIGN_CONVENTION_LABELS = {
    SignConvention.INCOME_POSITIVE.value: _l("Income positive, costs negative (as a result report prints them)"),
    SignConvention.DEBIT_POSITIVE.value: _l("Costs positive, income negative (debit positive, as a general ledger "
                                            "prints them)"),
}


class ImportForm(FlaskForm):
    file = FileField(_l("Export from the accounting system"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx"], _l("Choose a CSV or Excel (.xlsx) file.")),
        FileSize(MAX_IMPORT_BYTES, message=_l("The file is larger than 5 MB."))],
        description=_l("A CSV or Excel (.xlsx) file of at most 5 MB. Nothing is imported before you have seen "
                       "the preview and confirmed."), render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("Preview"))


class ImportPreviewForm(FlaskForm):
    """The previewed file travels back in the form, so nothing is stored between the preview and the import."""

    filename = HiddenField(validators=[DataRequired(), Length(max=255)])
    content = HiddenField(validators=[DataRequired()])
    sign_convention = RadioField(_l("How the file signs its amounts"), choices=choices(SIGN_CONVENTION_LABELS.items()),
                                 validators=[Optional()])
    acknowledged = BooleanField(_l("I have checked the flagged figures, and they are right"))
    recompute = SubmitField(_l("Show the preview again"))
    save_mappings = SubmitField(_l("Save the mappings and show the preview again"))
    confirm = SubmitField(_l("Import the new transactions"))

    def mapping_fields(self) -> list[SelectField]:
        return [field for field in self if field.name.startswith("map-")]


def preview_form_class(unknown_accounts) -> type[ImportPreviewForm]:
    """The preview form with a line select for each unknown account: its project-year's lines, the likely kind first."""

    class PreviewForm(ImportPreviewForm):
        pass

    for unknown in unknown_accounts:
        order = [LineKind.EXPENSE, LineKind.INCOME] if unknown.kind == LineKind.EXPENSE else list(LineKind)
        groups = {LineKind.INCOME: str(_l("Income lines")), LineKind.EXPENSE: str(_l("Expense lines"))}
        setattr(PreviewForm, unknown.field_name, SelectField(
            _l("Account %(account)s in %(project)s %(year)s", account=unknown.account, project=unknown.project.name,
               year=unknown.year),
            coerce=int, choices=[SelectChoice(line.id, line.name, optgroup=groups[kind]) for kind in order
                                 for line in unknown.lines if line.kind == kind],
            default=unknown.default.id if unknown.default else None,
            validators=[DataRequired(_l("Choose the line for this account."))],
            description=lazy_ngettext("%(num)d row, e.g. «%(example)s».", "%(num)d rows, e.g. «%(example)s».",
                                      unknown.rows, example=unknown.example) if unknown.example else None))
    return PreviewForm


class UndoBatchForm(FlaskForm):
    submit = SubmitField(_l("Undo the import"))


class AccountMappingForm(FlaskForm):
    account = StringField(_l("Account"), validators=[
        DataRequired(), Length(max=10),
        Regexp(r"^\s*[3-8]\d{3,9}\s*$", message=_l("An income or cost account of the chart of accounts (classes 3 "
                                                    "to 8), e.g. 3440 or 6790."))],
        description=_l("The account number in the accounts (NS 4102), e.g. 6790."))
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class EditAccountMappingForm(FlaskForm):
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class RemoveAccountMappingForm(FlaskForm):
    submit = SubmitField(_l("Remove"))
