"""Translated labels for budget categories."""

from flask_babel import lazy_gettext as _l

from kunstvest.budget.models import BudgetCategory, LineKind

KIND_LABELS = {LineKind.INCOME.value: _l("Income"), LineKind.EXPENSE.value: _l("Expense")}

CATEGORY_LABELS = {
    BudgetCategory.MEMBERSHIP_FEE.value: _l("Alliance membership fee (Vestregionen)"),
    BudgetCategory.COUNTY_COUNCIL.value: _l("County council"),
    BudgetCategory.ARTS_COUNCIL.value: _l("Arts Council Norway"),
    BudgetCategory.HOST_MUNICIPALITY.value: _l("Host municipality"),
    BudgetCategory.FOUNDATION.value: _l("Foundation"),
    BudgetCategory.UNOF_FRIFOND.value: _l("UNOF / Frifond"),
    BudgetCategory.SALES.value: _l("Sales and tickets"),
    BudgetCategory.OTHER_INCOME.value: _l("Other income"),
    BudgetCategory.ARTIST_FEES.value: _l("Fees to artists"),
    BudgetCategory.TUTOR_FEES.value: _l("Fees to tutors and conductor"),
    BudgetCategory.VENUE.value: _l("Venue and rent"),
    BudgetCategory.MATERIALS.value: _l("Materials and production"),
    BudgetCategory.TRAVEL.value: _l("Travel and transport"),
    BudgetCategory.MARKETING.value: _l("Marketing and printing"),
    BudgetCategory.SALARIES.value: _l("Salaries"),
    BudgetCategory.OTHER_EXPENSE.value: _l("Other expenses"),
}
