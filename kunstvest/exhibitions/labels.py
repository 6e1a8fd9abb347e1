"""Labels shown for the exhibition's enums and weekdays, in the visitor's language."""

from flask_babel import lazy_gettext as _l

from kunstvest.exhibitions.models import HostStatus

HOST_STATUS_LABELS = {
    HostStatus.WANTED.value: _l("Host wanted"),
    HostStatus.IN_TALKS.value: _l("In talks"),
    HostStatus.CONFIRMED.value: _l("Confirmed"),
}

# Index = OpeningHours.weekday (0 = Monday).
WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                  _l("Sunday"))
